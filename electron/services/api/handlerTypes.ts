import type { AppInfo, Channel, ChannelResponse, ParsedRequest } from '@shared/api/contract'
import type { ProfileService } from '../profiles/profileService'
import type { Workspace, WindowSession } from '../workspace'
import type { EventHub } from './events'
import type { RunningJobs } from './runningJobs'

/** Who is calling: the window (Electron webContents, browser tab) whose session the call uses. */
export interface CallContext {
  window: WindowSession
  /**
   * Aborted when the caller gives up (the renderer aborts, the HTTP request closes, Ctrl-C in the
   * CLI): handlers pass it to the store (`call.window.store(call.signal)`, which sends PostgreSQL a
   * cancel request for the running statement) and to artifact streams; the call then ends CANCELLED.
   */
  signal: AbortSignal
  /** Open another window on a profile: Electron opens one and returns null; HTTP returns the URL for a new tab. */
  openWindow(profileId: string): Promise<string | null>
  /**
   * Ask the user where to save an export (Electron: a save dialog suggesting `fileName`; null when
   * dismissed). Transports without one (HTTP) leave it out: exports then go to <app data>/exports only.
   */
  chooseExportPath?(fileName: string, format: 'csv' | 'jsonl'): Promise<string | null>
  /**
   * Ask where a download or an offline export goes (Electron: a save dialog for a file, a folder
   * dialog for a folder, suggesting `name`; null when dismissed). HTTP leaves it out: <app data>/exports.
   */
  chooseDestination?(name: string, kind: 'file' | 'folder'): Promise<string | null>
  /** false: the console's calls are not put in the profile's history (the CLI's: a script's statements are not the user's console). */
  history?: boolean
}

export interface AppContext {
  workspace: Workspace
  /** The saved profiles (the workspace sees them only as a catalog of stores). */
  profiles: ProfileService
  /** The app's data folder (profiles, query history, exports). */
  home: string
  app: Omit<AppInfo, 'transport'>
  transport: AppInfo['transport']
  /** Where secrets are sealed, and a warning when that is weak (Linux without a keyring). */
  secretStorage: { description: string; warning: string | null }
  env: NodeJS.ProcessEnv
  events: EventHub
  /** Downloads and offline exports running per window, cancelled by export:cancel (one jobs panel for both). */
  jobs: RunningJobs
}

/** One async function per channel, typed from the contract. */
export type Handlers = { [C in Channel]: (req: ParsedRequest<C>, call: CallContext) => Promise<ChannelResponse<C>> }

export type HandlerGroup<K extends Channel> = { [C in K]: Handlers[C] }
