import { existsSync, readFileSync, rmSync } from 'node:fs'
import { STATE_FILE } from './globalSetup'
import { stopServe } from './serve'

export default async function globalTeardown(): Promise<void> {
  if (!existsSync(STATE_FILE)) return
  const { pid, home } = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as { pid: number; home: string }
  // serve stops its demo PostgreSQL on SIGTERM; give it a moment.
  await stopServe(pid)
  rmSync(home, { recursive: true, force: true })
  rmSync(STATE_FILE, { force: true })
}
