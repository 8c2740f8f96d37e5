/**
 * The stores that are not in the profiles file — the built-in demo, a URI given
 * with --url or MLFLOW_TRACKING_URI — and how one CLI command picks its store.
 */
import { AppError } from '@shared/api/errors'
import { noSecrets, parseArtifactMaps, profileSettingsSchema } from '@shared/api/profileSchemas'
import type { ProfileView } from '@shared/domain/profiles'
import { describeTarget } from './connections/connectionUrl'
import { ensureDemoStore, demoSummary, type DemoStore } from './demo/demoStore'
import { settingsFromUrl, type ProfileService } from './profiles/profileService'
import type { ExtraProfile, StoreSource } from './storeSource'

export interface StoreChoice {
  url?: string
  profile?: string
  /** Per-statement timeout in seconds (CLI --statement-timeout). */
  statementTimeoutSeconds?: number
  /** Ad hoc artifact prefix mappings (CLI --artifact-map PREFIX=PATH), added to the profile's. */
  artifactMaps?: string[]
}

export interface ResolvedStoreSource {
  source: StoreSource
  /** Where the choice came from, for messages: "--url", "--profile demo", "MLFLOW_TRACKING_URI". */
  origin: string
  /** Stops what this process started for the source (the demo's PostgreSQL). */
  dispose(): Promise<void>
}

export const DEMO_PROFILE = 'demo'
export const ENV_PROFILE = 'env'
export const URL_PROFILE = 'url'

const NO_SECRETS = noSecrets()

export { parseArtifactMaps }

function extraView(id: string, kind: ProfileView['kind'], settings: Parameters<typeof profileSettingsSchema.parse>[0], hasPassword: boolean): ProfileView {
  return { ...profileSettingsSchema.parse(settings), id, kind, secrets: { ...NO_SECRETS, password: hasPassword }, created_at: null, updated_at: null }
}

/** The built-in demo store: started on first use, stopped with the workspace. */
export function demoProfile(home: string, onProgress?: (msg: string) => void): ExtraProfile {
  let demo: Promise<DemoStore> | null = null
  const start = () => (demo ??= ensureDemoStore(home, onProgress))
  // The display is filled in once the embedded server has a port.
  const summary: StoreSource['summary'] = { id: DEMO_PROFILE, name: 'Demo store', environment: 'demo', display: 'embedded PostgreSQL' }
  return {
    view: extraView(
      DEMO_PROFILE,
      'built-in',
      { name: 'Demo store', environment: 'dev', host: '127.0.0.1', database: 'mlflow_demo', user: 'postgres', ssl: { mode: 'disable' } },
      true,
    ),
    source: {
      id: DEMO_PROFILE,
      summary,
      resolve: async () => {
        const d = await start()
        Object.assign(summary, demoSummary(d.target))
        return d.target
      },
    },
    async dispose() {
      if (demo) await (await demo.catch(() => null))?.cluster.stop()
    },
  }
}

/** A store given as a URI (--url, MLFLOW_TRACKING_URI): usable at once, savable as a profile. */
export function uriProfile(id: string, kind: 'env' | 'url', url: string, origin: string, name?: string): ExtraProfile {
  const { settings, target } = settingsFromUrl(url, name ?? '', origin)
  const label = name ?? describeTarget(target)
  return {
    view: extraView(id, kind, { ...settings, name: label }, !!target.password),
    source: { id, summary: { id, name: label, environment: 'custom', display: describeTarget(target) }, resolve: async () => target },
  }
}

export function withChoice(source: StoreSource, choice: StoreChoice): StoreSource {
  const maps = parseArtifactMaps(choice.artifactMaps)
  return {
    ...source,
    options: choice.statementTimeoutSeconds ? { ...source.options, statementTimeoutMs: choice.statementTimeoutSeconds * 1000 } : source.options,
    artifactMappings: [...(source.artifactMappings ?? []), ...maps],
  }
}

/**
 * The store of one CLI command, in the documented order: --url, then --profile
 * (a saved profile by name, or "demo"), then MLFLOW_TRACKING_URI. None: NO_STORE.
 */
export async function resolveCliSource(
  choice: StoreChoice,
  ctx: { env: NodeJS.ProcessEnv; home: string; profiles: () => Promise<ProfileService>; onProgress?: (msg: string) => void },
): Promise<ResolvedStoreSource> {
  const plain = (x: ExtraProfile, origin: string): ResolvedStoreSource => ({ origin, source: withChoice(x.source, choice), dispose: async () => x.dispose?.() })
  if (choice.url) return plain(uriProfile(URL_PROFILE, 'url', choice.url, '--url'), '--url')
  if (choice.profile) {
    if (choice.profile === DEMO_PROFILE) return plain(demoProfile(ctx.home, ctx.onProgress), `--profile ${DEMO_PROFILE}`)
    const source = await (await ctx.profiles()).source(choice.profile)
    return { origin: `--profile ${source.summary.name}`, source: withChoice(source, choice), dispose: async () => undefined }
  }
  const envUri = ctx.env.MLFLOW_TRACKING_URI
  if (envUri) return plain(uriProfile(ENV_PROFILE, 'env', envUri, 'MLFLOW_TRACKING_URI', 'MLFLOW_TRACKING_URI'), 'MLFLOW_TRACKING_URI')
  throw new AppError('NO_STORE', 'No store given: pass --url postgresql://USER@HOST:PORT/DB, --profile NAME (e.g. --profile demo), or set MLFLOW_TRACKING_URI.')
}
