import { createHandlers, type Handlers } from './api/handlers'
import { RunningJobs } from './api/runningJobs'
import { APP_INFO } from './appInfo'
import { EventHub } from './api/events'
import { AppError } from '@shared/api/errors'
import {
  DEMO_PROFILE,
  ENV_PROFILE,
  URL_PROFILE,
  demoProfile,
  resolveCliSource,
  uriProfile,
  withChoice,
  type ResolvedStoreSource,
  type StoreChoice,
} from './builtInSources'
import type { ExtraProfile } from './storeSource'
import { ProfileService } from './profiles/profileService'
import type { SecretCipher } from './profiles/secretCipher'
import { Workspace, type WindowSession } from './workspace'

export interface AppSetup {
  workspace: Workspace
  handlers: Handlers
  /** Pushes to the renderers: each transport subscribes and forwards to its windows. */
  events: EventHub
}

/** Everything a transport serves: the workspace of profiles and the handlers over it. Shared by Electron and `serve`. */
export async function createAppContext(opts: {
  home: string
  env: NodeJS.ProcessEnv
  cipher: SecretCipher
  /** Where secrets go, in words, and a warning when that is weak. */
  secretStorageWarning?: string | null
  choice: StoreChoice
  transport: 'ipc' | 'http' | 'cli'
  onProgress?: (msg: string) => void
}): Promise<AppSetup> {
  const profiles = new ProfileService(opts.home, opts.cipher)
  const workspace = await createWorkspace(opts.choice, { env: opts.env, home: opts.home, profiles, onProgress: opts.onProgress })
  const events = new EventHub()
  const handlers = createHandlers({
    workspace,
    profiles,
    home: opts.home,
    app: APP_INFO,
    transport: opts.transport,
    secretStorage: { description: opts.cipher.description, warning: opts.secretStorageWarning ?? null },
    env: opts.env,
    events,
    jobs: new RunningJobs(),
  })
  return { workspace, handlers, events }
}

/**
 * The app's workspace (Electron, serve): every saved profile plus the demo,
 * MLFLOW_TRACKING_URI when it is a PostgreSQL URI, and --url when given. A new
 * window opens on --url, --profile, MLFLOW_TRACKING_URI, the last used profile,
 * or the demo — the first that applies.
 */
export async function createWorkspace(
  choice: StoreChoice,
  ctx: { env: NodeJS.ProcessEnv; home: string; profiles: ProfileService; onProgress?: (msg: string) => void },
): Promise<Workspace> {
  const extras: ExtraProfile[] = [demoProfile(ctx.home, ctx.onProgress)]
  const envUri = ctx.env.MLFLOW_TRACKING_URI
  if (envUri && /^postgres/i.test(envUri)) extras.push(uriProfile(ENV_PROFILE, 'env', envUri, 'MLFLOW_TRACKING_URI', 'MLFLOW_TRACKING_URI'))
  if (choice.url) extras.push(uriProfile(URL_PROFILE, 'url', choice.url, '--url'))
  for (const x of extras) x.source = withChoice(x.source, choice)
  let fixed: string | null = choice.url ? URL_PROFILE : null
  if (!fixed && choice.profile) fixed = choice.profile === DEMO_PROFILE ? DEMO_PROFILE : (await ctx.profiles.get(choice.profile)).id
  if (!fixed && extras.some((x) => x.view.id === ENV_PROFILE)) fixed = ENV_PROFILE
  const initial = async () => {
    if (fixed) return fixed
    const last = await ctx.profiles.lastUsed().catch(() => null)
    if (last && (last === DEMO_PROFILE || (await ctx.profiles.find(last)))) return last
    return DEMO_PROFILE
  }
  return new Workspace(ctx.profiles, extras, initial)
}

/** The profile id and window key of a CLI command's one session (apart from the app's profiles; its console calls go into no history). */
export const CLI_SESSION = 'cli'

/** A command that reads no saved secrets has no cipher: nothing is sealed or opened (no keychain, no key file). */
const NO_CIPHER: SecretCipher = {
  scheme: 'none',
  description: 'not opened by this command',
  seal: () => {
    throw new AppError('SECRET_UNAVAILABLE', 'This command does not save secrets.')
  },
  open: () => {
    throw new AppError('SECRET_UNAVAILABLE', 'This command does not read saved secrets.')
  },
}

export interface CliAppSetup extends AppSetup {
  /** The command's session: its store is the command's choice. */
  window: WindowSession
  /** Close the store and stop what the command started (the demo's PostgreSQL). */
  dispose(): Promise<void>
}

/**
 * One CLI command's context: the app's handlers over a workspace whose one store is the command's
 * choice (--url, --profile, MLFLOW_TRACKING_URI, in that order: resolveCliSource). The choice is
 * resolved and the store opened only when a handler asks for it, so bad input is answered first.
 */
export async function createCliAppContext(opts: {
  home: string
  env: NodeJS.ProcessEnv
  choice: StoreChoice
  /** The saved profiles with the CLI's secret storage, opened only when --profile names one. */
  savedProfiles: () => Promise<ProfileService>
  /** The secret storage, for the commands that save or read secrets themselves (profiles); none otherwise. */
  cipher?: SecretCipher
  onProgress?: (msg: string) => void
}): Promise<CliAppSetup> {
  let resolved: Promise<ResolvedStoreSource> | null = null
  const resolve = () =>
    (resolved ??= resolveCliSource(opts.choice, { env: opts.env, home: opts.home, profiles: opts.savedProfiles, onProgress: opts.onProgress }))
  const catalog = { list: async () => [], source: async () => (await resolve()).source }
  const workspace = new Workspace(catalog, [], async () => CLI_SESSION, opts.env)
  const cipher = opts.cipher ?? NO_CIPHER
  const events = new EventHub()
  const handlers = createHandlers({
    workspace,
    profiles: new ProfileService(opts.home, cipher),
    home: opts.home,
    app: APP_INFO,
    transport: 'cli',
    secretStorage: { description: cipher.description, warning: null },
    env: opts.env,
    events,
    jobs: new RunningJobs(),
  })
  return {
    workspace,
    handlers,
    events,
    window: await workspace.window(CLI_SESSION),
    async dispose() {
      await workspace.dispose()
      await (await resolved?.catch(() => null))?.dispose()
    },
  }
}
