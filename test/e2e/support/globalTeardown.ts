import { existsSync, readFileSync, rmSync } from 'node:fs'
import { STATE_FILE } from './globalSetup'
import { stopServe } from './serve'

export default async function globalTeardown(): Promise<void> {
  const pid = Number(process.env.E2E_SERVE_PID)
  const home = process.env.E2E_HOME
  if (!pid || !home) return
  // serve stops its demo PostgreSQL on SIGTERM; give it a moment.
  await stopServe(pid)
  rmSync(home, { recursive: true, force: true })
  // The state file only if it is still ours (a run started since has its own in it).
  const state = existsSync(STATE_FILE) ? (JSON.parse(readFileSync(STATE_FILE, 'utf8')) as { pid?: number }) : null
  if (state?.pid === pid) rmSync(STATE_FILE, { force: true })
}
