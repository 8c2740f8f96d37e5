import type { Command } from 'commander'
import { AppError } from '@shared/api/errors'
import { resolveCliSource, type ResolvedStoreSource, type StoreChoice } from '../services/builtInSources'
import { openStore, type StoreHandle } from '../services/connections/storeConnection'
import { ProfileService } from '../services/profiles/profileService'
import { announceSecretStorage, cliSecretStorage, type SecretStorage } from '../services/profiles/secretStorage'
import type { CliIO } from './io'

export interface GlobalOptions {
  url?: string
  profile?: string
  statementTimeout?: string
  artifactMap?: string[]
}

export function statementTimeoutSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) {
    throw new AppError('BAD_REQUEST', `--statement-timeout: "${value}" is not a positive number of seconds.`, { field: 'statement-timeout' })
  }
  return n
}

/** The --url of a command that writes: never a profile or MLFLOW_TRACKING_URI, so a write is always a deliberate choice. */
export function writeUrl(cmd: Command, what: string): string {
  const { url } = cmd.optsWithGlobals<GlobalOptions>()
  if (!url)
    throw new AppError('BAD_REQUEST', `${what} needs --url postgresql://USER@HOST:PORT/DB (it writes, so it never defaults to a profile).`, { field: 'url' })
  return url
}

/** The global store options of a command line. */
export function storeChoice(cmd: Command): StoreChoice {
  const g = cmd.optsWithGlobals<GlobalOptions>()
  return { url: g.url, profile: g.profile, statementTimeoutSeconds: statementTimeoutSeconds(g.statementTimeout), artifactMaps: g.artifactMap }
}

/** Where the CLI keeps secrets (the OS keychain, else the key file; see secretStorage.ts), said once on stderr when it falls back. */
export async function cliSecretStorageFor(io: CliIO): Promise<SecretStorage> {
  const storage = await cliSecretStorage(io.home, io.env)
  await announceSecretStorage(io.home, storage, (line) => io.err(line))
  return storage
}

/** The profiles file with the CLI's secret storage. */
export async function cliProfiles(io: CliIO): Promise<ProfileService> {
  return new ProfileService(io.home, (await cliSecretStorageFor(io)).cipher)
}

/** The store source a command asked for (--url, --profile, MLFLOW_TRACKING_URI, in that order). */
export function storeSourceFor(cmd: Command, io: CliIO): Promise<ResolvedStoreSource> {
  return resolveCliSource(storeChoice(cmd), { env: io.env, home: io.home, profiles: () => cliProfiles(io), onProgress: (m) => io.err(m) })
}

/** Open the chosen store for one command, always closing it (and any demo server it started). */
export async function withStore<T>(cmd: Command, io: CliIO, fn: (store: StoreHandle) => Promise<T>): Promise<T> {
  const resolved = await storeSourceFor(cmd, io)
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
