import { spawn, type ChildProcess } from 'node:child_process'
import { chmod, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const CLI = resolve(__dirname, '../../../out/main/cli.js')

/**
 * Start `mlflow-desk serve` from the build and wait for the URL (with its
 * token) it prints. Detached, so a test run's end does not wait on it: stop it
 * with `stopServe`.
 */
export async function startServe(env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
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
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${log}`)))
  })
  return { url, child }
}

/** SIGTERM (serve stops what it started), then wait up to 5 s for the process to go. */
export async function stopServe(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM')
    for (let i = 0; i < 50; i++) {
      process.kill(pid, 0)
      await new Promise((r) => setTimeout(r, 100))
    }
  } catch {
    // Already gone.
  }
}

/**
 * A fresh MLFLOW_DESK_HOME for a served app. 0755, because as root the demo's
 * PostgreSQL runs as 'postgres' and must reach its data folder; a 0700 one would
 * be relocated to /var/lib/mlflow-desk, where removing the home would not reach it.
 */
export async function makeHome(prefix: string): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), prefix))
  await chmod(home, 0o755)
  return home
}
