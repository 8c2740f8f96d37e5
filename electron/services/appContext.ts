import { createHandlers, type Handlers } from './api/handlers'
import { APP_INFO } from './appInfo'
import { EventHub } from './api/events'
import { createWorkspace, type StoreChoice } from './connections/storeSource'
import { ProfileService } from './profiles/profileService'
import type { SecretCipher } from './profiles/secretCipher'
import type { Workspace } from './workspace'

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
  transport: 'ipc' | 'http'
  onProgress?: (msg: string) => void
}): Promise<AppSetup> {
  const profiles = new ProfileService(opts.home, opts.cipher)
  const workspace = await createWorkspace(opts.choice, { env: opts.env, home: opts.home, profiles, onProgress: opts.onProgress })
  const events = new EventHub()
  const handlers = createHandlers({
    workspace,
    home: opts.home,
    app: APP_INFO,
    transport: opts.transport,
    secretStorage: { description: opts.cipher.description, warning: opts.secretStorageWarning ?? null },
    env: opts.env,
    events,
  })
  return { workspace, handlers, events }
}
