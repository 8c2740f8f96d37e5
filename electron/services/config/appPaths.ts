import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * Where MLflow Desk keeps its own files (profiles, the demo store, history):
 * MLFLOW_DESK_HOME when set (tests and CI use it), else the per-OS application
 * data folder — the same folder Electron's app.getPath('userData') gives.
 */
export function appHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.MLFLOW_DESK_HOME) return env.MLFLOW_DESK_HOME
  if (platform === 'win32') return join(env.APPDATA || join(homedir(), 'AppData', 'Roaming'), 'MLflow Desk')
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'MLflow Desk')
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'mlflow-desk')
}

export function demoPaths(home: string) {
  const root = join(home, 'demo')
  return {
    root,
    pgData: join(root, 'pgdata'),
    credentials: join(root, 'credentials.json'),
    artifacts: join(root, 'artifacts'),
  }
}

/** `~/…` as a user types it in a certificate or key path, expanded as a shell would. */
export function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') || path.startsWith('~\\') ? join(homedir(), path.slice(2)) : path
}

/** Where exports and downloads over the local HTTP transport go (the desktop app asks with a save dialog). */
export function exportsDir(home: string): string {
  return join(home, 'exports')
}
