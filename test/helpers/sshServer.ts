import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../electron/services/demo/embeddedCluster'

export const SSHD = '/usr/sbin/sshd'
/** A dedicated local account the tests log in as (never root). */
export const SSH_USER = 'mlflowdesk-ssh'

/** A real OpenSSH server on a loopback port, with throwaway keys and its own config. */
export interface SshServer {
  host: '127.0.0.1'
  /** The local account it lets in (SSH_USER unless the caller chose another). */
  user: string
  port: number
  /** `SHA256:...` of the current host key, as `ssh-keygen -lf` prints it. */
  fingerprint: string
  password: string
  /** A user key without passphrase, and one with `keyPassphrase`. */
  keyPath: string
  protectedKeyPath: string
  keyPassphrase: string
  /** Everything sshd logged (-e: to stderr) since it was last (re)started. */
  log(): string
  /** End every open SSH connection (sshd's per-connection processes); the server keeps listening. */
  dropConnections(): Promise<void>
  /** Stop (dropping every connection), then start again on the same port with a new host key. */
  restartWithNewHostKey(): Promise<void>
  stop(): Promise<void>
}

function run(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] })
}

/** `ssh-keygen -lf key.pub` prints "256 SHA256:... comment (ED25519)". */
export function keyFingerprint(pubFile: string): string {
  const fp = run('ssh-keygen', ['-lf', pubFile]).split(/\s+/)[1]
  if (!fp?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -lf output for ${pubFile}`)
  return fp
}

function keygen(file: string, passphrase = ''): void {
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'mlflow-desk-test', '-f', file])
}

/** The test user, with a fresh random password for this run (as root; the tests run as root). */
function ensureUser(user: string, password: string): void {
  try {
    run('id', ['-u', user])
  } catch {
    run('useradd', ['-m', '-s', '/bin/sh', user])
  }
  // A new hash also lifts the lock stop() put on the account.
  run('chpasswd', [], `${user}:${password}\n`)
}

/** Resolves once something accepts TCP connections on the port. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port })
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

/** Processes whose parent chain leads to `pid` (from /proc), deepest first. */
async function descendants(pid: number): Promise<number[]> {
  const parentOf = new Map<number, number>()
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8')
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")".
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      /* gone meanwhile */
    }
  }
  const out: number[] = []
  const walk = (p: number) => {
    for (const [c, pp] of parentOf) {
      if (pp === p) {
        walk(c)
        out.push(c)
      }
    }
  }
  walk(pid)
  return out
}

/** SIGTERM to every process sshd (`pid`, started by us) forked, then wait until they are gone. */
async function killDescendants(pid: number | undefined): Promise<void> {
  if (!pid) return
  const kids = await descendants(pid)
  for (const k of kids) {
    try {
      process.kill(k, 'SIGTERM')
    } catch {
      /* already gone */
    }
  }
  // A zombie (state Z, waiting for its parent to reap it) has ended too.
  const alive = (k: number) => {
    try {
      const stat = readFileSync(`/proc/${k}/stat`, 'utf8')
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
    } catch {
      return false
    }
  }
  const deadline = Date.now() + 5000
  while (kids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
}

/**
 * Start sshd in the foreground (-D), logging to stderr (-e), in its own process
 * group so that stop() also ends the per-connection children it forks.
 */
export async function startSshServer(user = SSH_USER): Promise<SshServer> {
  if (process.getuid?.() !== 0) throw new Error('the SSH tunnel tests start sshd and create a user: they must run as root')
  const dir = await mkdtemp(join(tmpdir(), 'mlflow-desk-sshd-'))
  // sshd reads AuthorizedKeysFile with the user's identity: the user must reach it.
  await chmod(dir, 0o755)
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 }) // privilege separation directory
  const password = randomBytes(18).toString('base64url')
  const keyPassphrase = randomBytes(12).toString('base64url')
  // Test files run in parallel: each server gets its own account, so one's password or lock never hits another's.
  ensureUser(user, password)
  const keyPath = join(dir, 'user_key')
  const protectedKeyPath = join(dir, 'user_key_protected')
  keygen(keyPath)
  keygen(protectedKeyPath, keyPassphrase)
  const authorized = join(dir, 'authorized_keys')
  const pubKeys = await Promise.all([readFile(`${keyPath}.pub`, 'utf8'), readFile(`${protectedKeyPath}.pub`, 'utf8')])
  await writeFile(authorized, pubKeys.join(''), { mode: 0o644 })

  const port = await freePort()
  const config = join(dir, 'sshd_config')
  let hostKey = ''
  let generation = 0
  let child: ChildProcess | null = null
  let logText = ''

  const writeHostKeyAndConfig = async () => {
    hostKey = join(dir, `host_key_${++generation}`)
    keygen(hostKey)
    const lines = [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}`,
      'StrictModes no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      // Without PAM sshd checks the password against /etc/shadow itself: enough here.
      'UsePAM no',
      'AllowTcpForwarding yes',
      // The SFTP artifact repository tests read files through it; no sftp-server binary needed.
      'Subsystem sftp internal-sftp',
      'PermitRootLogin no',
      `AllowUsers ${user}`,
      'LogLevel VERBOSE',
    ]
    await writeFile(config, lines.join('\n') + '\n')
  }

  const start = async () => {
    logText = ''
    const proc = spawn(SSHD, ['-D', '-e', '-f', config], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] })
    child = proc
    let exited = false
    proc.stderr!.on('data', (d: Buffer) => (logText += d.toString()))
    proc.once('exit', () => (exited = true))
    const deadline = Date.now() + 15_000
    while (!(await accepts(port))) {
      if (exited) throw new Error(`sshd exited at start:\n${logText}`)
      if (Date.now() > deadline) throw new Error(`sshd does not listen on ${port} after 15 s:\n${logText}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  const stopProcess = async () => {
    // sshd's per-connection processes call setsid(): the group kill below misses them.
    await killDescendants(child?.pid)
    const proc = child
    child = null
    if (!proc?.pid || proc.exitCode !== null || proc.signalCode !== null) return
    const gone = new Promise<void>((r) => proc.once('exit', () => r()))
    try {
      process.kill(-proc.pid, 'SIGTERM') // the group we created: sshd and its connection children
    } catch {
      return
    }
    await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))])
    if (proc.exitCode === null && proc.signalCode === null) {
      try {
        process.kill(-proc.pid, 'SIGKILL')
      } catch {
        /* already gone */
      }
      await gone
    }
  }

  await writeHostKeyAndConfig()
  try {
    await start()
  } catch (e) {
    await stopProcess()
    await rm(dir, { recursive: true, force: true })
    throw e
  }
  const server: SshServer = {
    host: '127.0.0.1',
    user,
    port,
    fingerprint: keyFingerprint(`${hostKey}.pub`),
    password,
    keyPath,
    protectedKeyPath,
    keyPassphrase,
    log: () => logText,
    dropConnections: () => killDescendants(child?.pid),
    async restartWithNewHostKey() {
      await stopProcess()
      await writeHostKeyAndConfig()
      server.fingerprint = keyFingerprint(`${hostKey}.pub`)
      await start()
    },
    async stop() {
      await stopProcess()
      // Lock the account again: no password login to it outside a test run (a system sshd may be running).
      try {
        run('usermod', ['-L', user])
      } catch {
        /* best effort */
      }
      await rm(dir, { recursive: true, force: true })
    },
  }
  return server
}
