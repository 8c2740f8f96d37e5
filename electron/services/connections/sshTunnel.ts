import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import type { Client as SshClient } from 'ssh2'
import { AppError } from '@shared/api/errors'
import { expandHome } from '../config/appPaths'
import { registerSecret } from '../security/redact'

export interface SshTarget {
  host: string
  port: number
  user: string
  password?: string
  keyPath?: string | null
  passphrase?: string
  /** The pinned host key (SHA256:...). Null: first contact, the key must be confirmed. */
  fingerprint: string | null
  /** Accept and report an unknown key (the user confirmed it, or `--trust-host-key`). */
  trustUnknownKey?: boolean
  /** An ssh-agent socket (SSH_AUTH_SOCK) to authenticate with. */
  agent?: string
}

export interface SshTunnel {
  localPort: number
  /** The host key the server presented (what to pin). */
  fingerprint: string
  /** Why the SSH host last failed to open the forwarded connection, if it did. */
  forwardFailure(): AppError | null
  /** Set once the SSH connection has gone away (server restart, network): nothing goes through any more. */
  lost(): AppError | null
  close(): Promise<void>
}

/** OpenSSH's notation: SHA256 of the key blob, unpadded base64. */
export function fingerprintOf(key: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '')
}

function sshError(e: unknown, where: string, level?: string): AppError {
  const err = e as NodeJS.ErrnoException & { level?: string }
  const msg = err?.message ?? String(e)
  if (err?.code === 'ECONNREFUSED') return new AppError('CONNECTION_REFUSED', `SSH connection refused by ${where}: is an SSH server listening there?`)
  if (err?.code === 'ENOTFOUND' || err?.code === 'EAI_AGAIN') return new AppError('HOST_NOT_FOUND', `Unknown SSH host in ${where}: the name does not resolve.`)
  if (/timed out/i.test(msg) || err?.code === 'ETIMEDOUT') return new AppError('TIMEOUT', `Timed out connecting to the SSH host ${where}.`)
  if ((err?.level ?? level) === 'client-authentication' || /authentication methods failed/i.test(msg)) {
    return new AppError('SSH_AUTH_FAILED', `SSH authentication failed for ${where}: check the user, and the password or private key.`)
  }
  if (/passphrase|encrypted private key|Cannot parse privateKey/i.test(msg)) {
    return new AppError('SSH_AUTH_FAILED', `The SSH private key cannot be used: ${msg.replace(/^Cannot parse privateKey: /, '')} (a wrong passphrase?).`)
  }
  return new AppError('SSH_FAILED', `SSH tunnel through ${where} failed: ${msg}`)
}

/**
 * The SSH host refused or could not open the channel to the database. The
 * driver only sees the local socket close ("Connection terminated
 * unexpectedly"), which the integration tests showed surfacing as an INTERNAL
 * error; this says what happened instead.
 */
function forwardError(e: Error & { reason?: number }, where: string, destHost: string, destPort: number): AppError {
  const msg = e.message.replace(/^\(SSH\) /, '')
  // RFC 4254 reason 1: SSH_OPEN_ADMINISTRATIVELY_PROHIBITED (e.g. AllowTcpForwarding no).
  if (e.reason === 1) {
    return new AppError(
      'SSH_FAILED',
      `The SSH server ${where} does not allow forwarding to ${destHost}:${destPort} (AllowTcpForwarding or PermitOpen in its sshd_config): ${msg}`,
    )
  }
  return new AppError(
    'CONNECTION_REFUSED',
    `The SSH host ${where} could not connect to the database at ${destHost}:${destPort} (${msg}): is PostgreSQL listening there, as seen from the SSH host?`,
  )
}

/** An open SSH connection whose host key passed the check of connectSsh(). */
export interface SshConnection {
  client: SshClient
  /** user@host:port, for messages. */
  where: string
  /** The host key the server presented (what to pin). */
  fingerprint: string
  /** The last error ssh2 reported on this connection, if any. */
  lastError(): Error | null
}

/**
 * Connect and authenticate. The host key is checked before any credential is
 * sent: a key that differs from the pinned one is refused (SSH_HOST_KEY_CHANGED);
 * an unpinned one is refused with its fingerprint (SSH_HOST_KEY_UNKNOWN) unless trusted.
 * Shared by the database tunnel and the SFTP artifact repository.
 */
export async function connectSsh(ssh: SshTarget): Promise<SshConnection> {
  const where = `${ssh.user}@${ssh.host}:${ssh.port}`
  registerSecret(ssh.password)
  registerSecret(ssh.passphrase)
  const privateKey = ssh.keyPath
    ? await readFile(expandHome(ssh.keyPath)).catch((e: NodeJS.ErrnoException) => {
        throw new AppError('INVALID_CONNECTION', `SSH private key: cannot read "${ssh.keyPath}": ${e.code === 'ENOENT' ? 'no such file' : e.message}.`)
      })
    : undefined
  // ssh2 (with its native crypto bindings) takes ~85 ms to load: only SSH users pay for it, not every start.
  const ssh2 = await import('ssh2')
  const Client = (ssh2.Client ?? (ssh2 as unknown as { default: typeof ssh2 }).default.Client) as typeof SshClient
  const client = new Client()
  let seen: string | null = null
  let refusal: AppError | null = null
  let lastError: Error | null = null

  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve())
    // `on`, not `once`: ssh2 can emit more than one error (during the handshake and
    // after, when the connection drops), and an 'error' without a listener would
    // crash the process. After 'ready' the reject is a no-op; 'close' records the loss.
    client.on('error', (e) => {
      lastError = e
      reject(refusal ?? sshError(e, where))
    })
    try {
      client.connect({
        host: ssh.host,
        port: ssh.port,
        username: ssh.user,
        password: ssh.password,
        privateKey,
        passphrase: ssh.passphrase,
        agent: ssh.agent,
        readyTimeout: 15_000,
        keepaliveInterval: 15_000,
        tryKeyboard: false,
        hostVerifier: (key: Buffer) => {
          seen = fingerprintOf(key)
          if (ssh.fingerprint && ssh.fingerprint !== seen) {
            refusal = new AppError(
              'SSH_HOST_KEY_CHANGED',
              `The SSH host ${ssh.host}:${ssh.port} presented key ${seen}, not the pinned ${ssh.fingerprint}. Someone may be intercepting the connection; nothing was sent. If the server's key really changed, confirm the new one.`,
              { fingerprint: seen },
            )
            return false
          }
          if (!ssh.fingerprint && !ssh.trustUnknownKey) {
            refusal = new AppError('SSH_HOST_KEY_UNKNOWN', `First connection to the SSH host ${ssh.host}:${ssh.port}: confirm its key ${seen} to continue.`, {
              fingerprint: seen,
            })
            return false
          }
          return true
        },
      })
    } catch (e) {
      reject(sshError(e, where))
    }
  })
  return { client, where, fingerprint: seen!, lastError: () => lastError }
}

/**
 * A local TCP port forwarded through SSH to (destHost, destPort), as seen from
 * the SSH host, over a connection from connectSsh() (host key checked first).
 */
export async function openTunnel(ssh: SshTarget, destHost: string, destPort: number): Promise<SshTunnel> {
  const { client, where, fingerprint, lastError } = await connectSsh(ssh)

  const sockets = new Set<Socket>()
  let lastForwardFailure: AppError | null = null
  let closing = false
  let lostError: AppError | null = null
  client.on('close', () => {
    if (closing) return
    const why = lastError() ? `: ${lastError()!.message}` : ''
    lostError = new AppError('SSH_FAILED', `The SSH connection to ${where} was closed${why}. Reconnect to the store to open a new tunnel.`)
    // Forwarded connections cannot outlive it: end them so the driver fails now, not at a timeout.
    for (const s of sockets) s.destroy()
  })
  const server: Server = createServer((sock) => {
    sockets.add(sock)
    sock.on('close', () => sockets.delete(sock))
    sock.on('error', () => undefined) // reset by the driver or destroyed below: nothing to report
    if (lostError) {
      lastForwardFailure = lostError
      sock.destroy()
      return
    }
    try {
      client.forwardOut('127.0.0.1', sock.remotePort ?? 0, destHost, destPort, (err, stream) => {
        if (err) {
          lastForwardFailure = forwardError(err, where, destHost, destPort)
          sock.destroy()
          return
        }
        sock.pipe(stream).pipe(sock)
        stream.on('error', () => sock.destroy())
        sock.on('error', () => stream.destroy())
      })
    } catch (e) {
      // ssh2 throws "Not connected" synchronously once the SSH connection is gone;
      // uncaught here it would bring down the whole main process (the tests showed it).
      lastForwardFailure = lostError ?? new AppError('SSH_FAILED', `SSH tunnel through ${where} failed: ${(e as Error).message}`)
      sock.destroy()
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  return {
    localPort: (server.address() as AddressInfo).port,
    fingerprint,
    forwardFailure: () => lastForwardFailure,
    lost: () => lostError,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
        client.end()
      }),
  }
}
