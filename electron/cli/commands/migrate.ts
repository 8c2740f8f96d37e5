import { join, resolve } from 'node:path'
import { Command, Option } from 'commander'
import { AppError } from '@shared/api/errors'
import { describeTarget, parseConnectionUrl } from '../../services/connections/connectionUrl'
import { openWritableClient } from '../../services/connections/storeConnection'
import type { CliIO } from '../io'
import { writeUrl } from '../storeOptions'
import { parseIntOption } from './validate'

export function migrateCommand(io: CliIO): Command {
  return new Command('migrate')
    .description("Create MLflow's schema (latest revision) in an empty PostgreSQL database; refuses any other schema")
    .action(async (_opts: unknown, cmd: Command) => {
      const target = parseConnectionUrl(writeUrl(cmd, 'migrate'))
      const { migrateStore } = await import('../../services/tracking/migrate')
      const result = await migrateStore(target)
      io.out(
        result.alreadyCurrent
          ? `${describeTarget(target)} is already at MLflow schema revision ${result.revision}; nothing to do.`
          : `Migrated ${describeTarget(target)} to MLflow schema revision ${result.revision} (${result.applied.join(', ')}).`,
      )
    })
}

export function generateCommand(io: CliIO): Command {
  return new Command('generate')
    .description('Fill an empty database with a generated MLflow store (demo data, or large ones for benchmarks)')
    .addOption(new Option('--size <size>', 'small: the demo; medium: 20k runs; large: 100k runs, 10M+ metric rows').choices(['small', 'medium', 'large']).default('small'))
    .option('--large', 'same as --size large (the benchmark store)')
    .option('--seed <n>', 'random seed', '1')
    .option('--artifact-root <dir>', 'where artifacts are written (small size)')
    .action(async (opts: { size: 'small' | 'medium' | 'large'; large?: boolean; seed: string; artifactRoot?: string }, cmd: Command) => {
      const size = opts.large ? 'large' : opts.size
      const target = parseConnectionUrl(writeUrl(cmd, 'generate'))
      // Loaded here, not at start-up: umzug and the generator cost ~200 ms to load for every other command.
      const [{ migrateStore }, { seedStore }] = await Promise.all([import('../../services/tracking/migrate'), import('../../services/demo/generator')])
      await migrateStore(target)
      const client = await openWritableClient(target)
      try {
        const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM experiments')
        if (rows[0].n > 0) throw new AppError('SCHEMA_MISMATCH', `${describeTarget(target)} already holds experiments; generate only fills an empty store.`)
        const started = Date.now()
        const report = await seedStore(client, {
          size,
          seed: parseIntOption('--seed', opts.seed),
          artifactRoot: resolve(opts.artifactRoot ?? join(io.home, 'generated-artifacts')),
          onProgress: (m) => io.err(m),
        })
        io.out(JSON.stringify({ ...report, elapsed_s: (Date.now() - started) / 1000 }, null, 2))
      } finally {
        await client.end()
      }
    })
}
