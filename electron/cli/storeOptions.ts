import type { Command } from 'commander'
import { AppError } from '@shared/api/errors'
import { resolveStoreSource, type ResolvedStoreSource } from '../services/connections/storeSource'
import { openStore, type StoreHandle } from '../services/connections/storeConnection'
import type { CliIO } from './io'

export interface GlobalOptions {
  url?: string
  profile?: string
  statementTimeout?: string
}

export function statementTimeoutSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) {
    throw new AppError('BAD_REQUEST', `--statement-timeout: "${value}" is not a positive number of seconds.`, { field: 'statement-timeout' })
  }
  return n
}

/** The store source a command asked for (--url, --profile, MLFLOW_TRACKING_URI, in that order). */
export function storeSourceFor(cmd: Command, io: CliIO, demoByDefault: boolean): ResolvedStoreSource {
  const g = cmd.optsWithGlobals<GlobalOptions>()
  return resolveStoreSource(
    { url: g.url, profile: g.profile, statementTimeoutSeconds: statementTimeoutSeconds(g.statementTimeout) },
    { env: io.env, home: io.home, demoByDefault, onProgress: (m) => io.err(m) },
  )
}

/** Open the chosen store for one command, always closing it (and any demo server it started). */
export async function withStore<T>(cmd: Command, io: CliIO, fn: (store: StoreHandle) => Promise<T>): Promise<T> {
  const resolved = storeSourceFor(cmd, io, false)
  try {
    const store = await openStore(await resolved.source.resolve(), resolved.source.options)
    try {
      return await fn(store)
    } finally {
      await store.close()
    }
  } finally {
    await resolved.dispose()
  }
}
