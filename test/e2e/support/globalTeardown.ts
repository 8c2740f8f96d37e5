import { existsSync, readFileSync, rmSync } from 'node:fs'
import { STATE_FILE } from './globalSetup'

export default async function globalTeardown(): Promise<void> {
  if (!existsSync(STATE_FILE)) return
  const { pid, home } = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as { pid: number; home: string }
  try {
    // serve stops its demo PostgreSQL on SIGTERM; give it a moment.
    process.kill(pid, 'SIGTERM')
    for (let i = 0; i < 50; i++) {
      process.kill(pid, 0)
      await new Promise((r) => setTimeout(r, 100))
    }
  } catch {
    // Already gone.
  }
  rmSync(home, { recursive: true, force: true })
  rmSync(STATE_FILE, { force: true })
}
