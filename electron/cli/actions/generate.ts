import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import { AppError } from '@shared/api/errors'
import { describeTarget, parseConnectionUrl } from '../../services/connections/connectionUrl'
import { openWritableClient } from '../../services/connections/storeConnection'
import { seedStore } from '../../services/demo/generator'
import { seedGenaiStore } from '../../services/demo/generator/genai'
import { migrateStore } from '../../services/tracking/migrate'
import type { CliIO } from '../io'
import { writeUrl } from '../storeOptions'
import { parseIntOption } from '../validate'

export interface GenerateOptions {
  size: 'small' | 'medium' | 'large'
  large?: boolean
  genai?: boolean
  seed: string
  artifactRoot?: string
}

export async function generate(io: CliIO, opts: GenerateOptions, cmd: Command): Promise<void> {
  const size = opts.large ? 'large' : opts.size
  const target = parseConnectionUrl(writeUrl(cmd, 'generate'))
  await migrateStore(target)
  const client = await openWritableClient(target)
  try {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM experiments')
    if (rows[0].n > 0) throw new AppError('SCHEMA_MISMATCH', `${describeTarget(target)} already holds experiments; generate only fills an empty store.`)
    const started = Date.now()
    const seeding = {
      size,
      seed: parseIntOption('--seed', opts.seed),
      artifactRoot: resolve(opts.artifactRoot ?? join(io.home, 'generated-artifacts')),
      onProgress: (m: string) => io.err(m),
    }
    const report = opts.genai ? await seedGenaiStore(client, seeding) : await seedStore(client, seeding)
    io.out(JSON.stringify({ ...report, elapsed_s: (Date.now() - started) / 1000 }, null, 2))
  } finally {
    await client.end()
  }
}
