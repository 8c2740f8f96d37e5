import { AppError } from '@shared/api/errors'
import type { StoreSource } from '../session'
import { ensureDemoStore, demoSummary, type DemoStore } from '../demo/demoStore'
import { describeTarget, parseConnectionUrl } from './connectionUrl'

export interface StoreChoice {
  url?: string
  profile?: string
  /** Per-statement timeout in seconds (CLI --statement-timeout). */
  statementTimeoutSeconds?: number
}

export interface ResolvedStoreSource {
  source: StoreSource
  /** Where the choice came from, for messages: "--url", "--profile demo", "MLFLOW_TRACKING_URI". */
  origin: string
  /** Stops what this process started for the source (the demo's PostgreSQL). */
  dispose(): Promise<void>
}

export const DEMO_PROFILE = 'demo'

function demoSource(home: string, onProgress?: (msg: string) => void): ResolvedStoreSource {
  let demo: Promise<DemoStore> | null = null
  const start = () => (demo ??= ensureDemoStore(home, onProgress))
  // The display is filled in once the embedded server has a port.
  const summary: StoreSource['summary'] = { id: 'demo', name: 'Demo store', environment: 'demo', display: 'embedded PostgreSQL' }
  return {
    origin: `--profile ${DEMO_PROFILE}`,
    source: {
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

/**
 * Which store to use, in the documented order: --url, then --profile, then the
 * MLFLOW_TRACKING_URI environment variable. With none of them, the demo store
 * when `demoByDefault` (the app, `serve`), else a NO_STORE error (data commands).
 */
export function resolveStoreSource(
  choice: StoreChoice,
  ctx: { env: NodeJS.ProcessEnv; home: string; demoByDefault: boolean; onProgress?: (msg: string) => void },
): ResolvedStoreSource {
  const options = choice.statementTimeoutSeconds ? { statementTimeoutMs: choice.statementTimeoutSeconds * 1000 } : undefined
  const fromUrl = (url: string, origin: string): ResolvedStoreSource => {
    const target = parseConnectionUrl(url, origin)
    const summary = { id: 'url', name: describeTarget(target), environment: 'custom' as const, display: describeTarget(target) }
    return { origin, source: { summary, resolve: async () => target, options }, dispose: async () => undefined }
  }
  if (choice.url) return fromUrl(choice.url, '--url')
  if (choice.profile) {
    if (choice.profile === DEMO_PROFILE) return withOptions(demoSource(ctx.home, ctx.onProgress), options)
    throw new AppError('NOT_FOUND', `--profile: no profile named "${choice.profile}". Known profiles: ${DEMO_PROFILE}.`, { field: 'profile' })
  }
  const envUri = ctx.env.MLFLOW_TRACKING_URI
  if (envUri && (!ctx.demoByDefault || /^postgres/i.test(envUri))) return fromUrl(envUri, 'MLFLOW_TRACKING_URI')
  if (ctx.demoByDefault) return withOptions(demoSource(ctx.home, ctx.onProgress), options)
  throw new AppError(
    'NO_STORE',
    'No store given: pass --url postgresql://USER@HOST:PORT/DB, --profile NAME (e.g. --profile demo), or set MLFLOW_TRACKING_URI.',
  )
}

function withOptions(r: ResolvedStoreSource, options: StoreSource['options']): ResolvedStoreSource {
  if (options) r.source.options = options
  return r
}
