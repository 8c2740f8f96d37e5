import { spawn } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { mkdirSync, writeFileSync } from 'node:fs'

export const STATE_FILE = resolve(__dirname, '../../../test-results/e2e-server.json')

/**
 * Start `mlflow-desk serve` from the build on a fresh MLFLOW_DESK_HOME: the
 * first start migrates and seeds the demo store, exactly as a newcomer's
 * `npm start` does. Tests read the URL (with its token) from E2E_URL.
 */
export default async function globalSetup(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'mlflow-desk-e2e-'))
  const cli = resolve(__dirname, '../../../out/main/cli.js')
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0'], {
    env: { ...process.env, MLFLOW_DESK_HOME: home, MLFLOW_TRACKING_URI: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let log = ''
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 120 s:\n${log}`)), 120_000)
    const onData = (d: Buffer) => {
      log += d.toString()
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(log)
      if (m) {
        clearTimeout(timer)
        resolveUrl(m[1])
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${log}`)))
  })
  process.env.E2E_URL = url
  mkdirSync(dirname(STATE_FILE), { recursive: true })
  writeFileSync(STATE_FILE, JSON.stringify({ pid: child.pid, home, url }))
  child.unref()
}
