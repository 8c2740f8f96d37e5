import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { promisify } from 'node:util'
import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A real Secret Service for a test: a private D-Bus session bus (dbus-daemon) and
 * gnome-keyring-daemon on it, its "login" keyring created and unlocked with a test
 * password, kept in a throwaway HOME. Debian's packages: dbus-daemon (dbus) and
 * gnome-keyring. Both run as children of the test (no --fork / --daemonize), and are
 * stopped by their process ids.
 */
export const SECRET_SERVICE_BINARIES = ['/usr/bin/dbus-daemon', '/usr/bin/dbus-send', '/usr/bin/gnome-keyring-daemon'] as const

/** Why a Secret Service cannot be started here, or null when it can. */
export function secretServiceMissing(): string | null {
  if (process.platform !== 'linux') return 'not Linux'
  const missing = SECRET_SERVICE_BINARIES.filter((b) => !existsSync(b))
  return missing.length ? `missing ${missing.join(', ')} (Debian: apt-get install dbus-daemon dbus-bin gnome-keyring)` : null
}

export interface SecretService {
  /** DBUS_SESSION_BUS_ADDRESS of the private bus. */
  address: string
  /** Stop the keyring daemon only (the bus stays), e.g. to show what it keeps on disk survives it. */
  stopKeyring(): Promise<void>
  /** Start the keyring daemon again on the same bus and HOME. */
  startKeyring(): Promise<void>
  stop(): Promise<void>
}

function waitForLine(child: ChildProcess, test: (line: string) => boolean, what: string, ms = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = ''
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${ms} ms: ${buf.slice(-500)}`)), ms)
    const onData = (d: Buffer) => {
      buf += d.toString()
      const line = buf.split('\n').find(test)
      if (line) {
        clearTimeout(timer)
        child.stdout?.off('data', onData)
        resolve(line.trim())
      }
    }
    child.stdout?.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${what} exited (${code}) before it was ready: ${buf.slice(-500)}`))
    })
  })
}

/** Whether a name is owned on the bus (the Secret Service is org.freedesktop.secrets). */
async function nameHasOwner(address: string, name: string): Promise<boolean> {
  const { stdout } = await promisify(execFile)(
    '/usr/bin/dbus-send',
    [`--bus=${address}`, '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', `string:${name}`],
    { timeout: 5000 },
  )
  return /boolean true/.test(stdout)
}

async function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null || !child.pid) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  process.kill(child.pid, 'SIGTERM')
  const timer = setTimeout(() => child.pid && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 3000)
  await exited
  clearTimeout(timer)
}

export async function startSecretService(): Promise<SecretService> {
  const dir = await mkdtemp(join(tmpdir(), 'desk-secret-service-'))
  const home = join(dir, 'home')
  const runtime = join(dir, 'run')
  await mkdir(home, { recursive: true })
  await mkdir(runtime, { recursive: true })
  await chmod(runtime, 0o700)
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_RUNTIME_DIR: runtime,
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CONFIG_HOME: join(home, '.config'),
  }

  const bus = spawn('/usr/bin/dbus-daemon', ['--session', '--nofork', '--nopidfile', `--address=unix:path=${join(dir, 'bus')}`, '--print-address=1'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const address = await waitForLine(bus, (l) => l.startsWith('unix:'), 'dbus-daemon')

  let keyring: ChildProcess | null = null
  const startKeyring = async () => {
    const child = spawn('/usr/bin/gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
      env: { ...env, DBUS_SESSION_BUS_ADDRESS: address },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    keyring = child
    // --unlock reads the login keyring's password from standard input, up to its end.
    child.stdin!.end('test-keyring-password')
    let exited: number | null | undefined
    child.once('exit', (code) => (exited = code))
    const deadline = Date.now() + 15_000
    while (!(await nameHasOwner(address, 'org.freedesktop.secrets'))) {
      if (exited !== undefined) throw new Error(`gnome-keyring-daemon exited (${exited}) before it served org.freedesktop.secrets`)
      if (Date.now() > deadline) throw new Error('gnome-keyring-daemon did not serve org.freedesktop.secrets within 15 s')
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  try {
    await startKeyring()
  } catch (e) {
    await stopChild(keyring)
    await stopChild(bus)
    await rm(dir, { recursive: true, force: true })
    throw e
  }
  return {
    address,
    startKeyring,
    stopKeyring: async () => {
      await stopChild(keyring)
      keyring = null
    },
    async stop() {
      await stopChild(keyring)
      await stopChild(bus)
      await rm(dir, { recursive: true, force: true })
    },
  }
}
