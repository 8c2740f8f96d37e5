import { existsSync } from 'node:fs'
import { posix } from 'node:path'
import { addAbortSignal, Readable } from 'node:stream'
import type { SFTPWrapper, Stats } from 'ssh2'
import { AppError } from '@shared/api/errors'
import { connectSsh, type SshConnection, type SshTarget } from '../connections/sshTunnel'
import { redact, registerSecret } from '../security/redact'
import type { ArtifactAccess } from './artifactAccess'
import { sortArtifactFiles, type ArtifactFile, type ArtifactRepository, type ReadOptions, guardedRepository } from './artifactRepository'

/** The parts of an sftp://[user[:password]@]host[:port]/path location. */
export interface SftpLocation {
  host: string
  port: number
  user: string | null
  password: string | null
  /** The absolute folder on the server. */
  root: string
}

export function parseSftpUri(uri: string): SftpLocation {
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    url = new URL('sftp://invalid')
  }
  if (url.protocol !== 'sftp:' || !url.hostname) {
    throw new AppError(
      'BAD_REQUEST',
      `Artifact location "${uri.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')}" is not an SFTP location: expected sftp://user@host[:port]/path.`,
    )
  }
  const root = decodeURIComponent(url.pathname).replace(/\/+$/, '') || '/'
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 22,
    user: url.username ? decodeURIComponent(url.username) : null,
    password: url.password ? decodeURIComponent(url.password) : null,
    root,
  }
}

/** The SSH login for a location: which user, which credential, and how to name that credential in an error. */
function sshTarget(loc: SftpLocation, access: ArtifactAccess): { target: SshTarget; source: string } {
  const s = access.settings.sftp
  const user = s.username ?? loc.user ?? access.env.USER ?? access.env.LOGNAME
  if (!user)
    throw new AppError(
      'ARTIFACT_AUTH_FAILED',
      `SFTP ${loc.host}:${loc.port}: no user name; set sftp.username in the profile or put it in the location (sftp://user@host/...).`,
    )
  const password = access.secret('sftp_password') ?? loc.password ?? undefined
  registerSecret(loc.password)
  const target: SshTarget = { host: loc.host, port: loc.port, user, password, fingerprint: s.host_fingerprint }
  const missing = (what: string) => new AppError('ARTIFACT_AUTH_FAILED', `SFTP ${user}@${loc.host}:${loc.port}: sftp.auth is "${s.auth}" but ${what}.`)
  if (s.auth === 'password') {
    if (!password) throw missing('the profile has no sftp_password secret (and the location no password)')
    return { target, source: 'the password (the sftp_password secret)' }
  }
  if (s.auth === 'agent') {
    const agent = access.env.SSH_AUTH_SOCK
    if (!agent) throw missing('SSH_AUTH_SOCK is not set (no ssh-agent to ask)')
    return { target: { ...target, agent }, source: `the keys of the ssh-agent at SSH_AUTH_SOCK` }
  }
  // The key OpenSSH itself would try first, when the profile names none.
  const home = access.env.HOME
  const keyPath = s.key_path ?? (home ? ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((k) => posix.join(home, '.ssh', k)).find((p) => existsSync(p)) : undefined)
  if (!keyPath && !password) throw missing('sftp.key_path is not set and there is no ~/.ssh/id_ed25519, id_ecdsa or id_rsa')
  return {
    target: { ...target, keyPath, passphrase: access.secret('sftp_passphrase') },
    source: keyPath
      ? `the private key ${keyPath} (sftp.key_path${s.key_path ? '' : ', defaulted'}; passphrase: the sftp_passphrase secret)`
      : 'the password in the location',
  }
}

interface SftpStatusError extends Error {
  /** SFTP status: 2 no such file, 3 permission denied. */
  code?: number | string
}

/** Files on an SSH host (MLflow's SFTPArtifactRepository): one SSH connection, opened on first use and reused until close(). */
export async function openSftpRepository(uri: string, access: ArtifactAccess): Promise<ArtifactRepository> {
  const loc = parseSftpUri(uri)
  const { target, source } = sshTarget(loc, access)
  const endpoint = `sftp://${target.host}:${target.port}`
  const describe = `sftp://${target.user}@${loc.host}${loc.port === 22 ? '' : `:${loc.port}`}${loc.root}`
  const abs = (p: string) => (p ? posix.join(loc.root, p) : loc.root)

  let session: Promise<{ conn: SshConnection; sftp: SFTPWrapper }> | null = null
  const connectionError = (e: unknown): AppError => {
    const err = e instanceof AppError ? e : new AppError('SSH_FAILED', (e as Error)?.message ?? String(e))
    if (err.code === 'SSH_HOST_KEY_UNKNOWN' || err.code === 'SSH_HOST_KEY_CHANGED') return err
    if (err.code === 'SSH_AUTH_FAILED' || err.code === 'INVALID_CONNECTION') {
      return new AppError('ARTIFACT_AUTH_FAILED', redact(`Cannot log in to the SFTP server for ${describe} with ${source}: ${err.message}`))
    }
    return new AppError('ARTIFACT_UNAVAILABLE', redact(`Cannot reach the SFTP server ${endpoint} for ${describe}: ${err.message}`))
  }
  const connect = () =>
    (session ??= (async () => {
      const conn = await connectSsh(target)
      conn.client.on('close', () => (session = null))
      const sftp = await new Promise<SFTPWrapper>((resolve, reject) => conn.client.sftp((err, s) => (err ? reject(err) : resolve(s)))).catch((e: Error) => {
        conn.client.end()
        throw new AppError('SSH_FAILED', `the SSH server does not offer SFTP (${e.message}).`)
      })
      return { conn, sftp }
    })().catch((e: unknown) => {
      session = null
      throw connectionError(e)
    }))

  const call = <T>(fn: (sftp: SFTPWrapper, cb: (err: Error | undefined | null, v: T) => void) => void): Promise<T> =>
    connect().then(({ sftp }) => new Promise<T>((resolve, reject) => fn(sftp, (err, v) => (err ? reject(err) : resolve(v)))))
  const statOf = (p: string) => call<Stats>((sftp, cb) => sftp.stat(abs(p), cb))
  const isMissing = (e: unknown) => (e as SftpStatusError)?.code === 2
  const failed = (e: unknown, p: string): AppError => {
    if (e instanceof AppError) return e
    const err = e as SftpStatusError
    if (isMissing(e)) return new AppError('NOT_FOUND', `No artifact "${p}" in ${describe}.`, { path: p })
    const why = err?.code === 3 ? 'permission denied' : (err?.message ?? String(e))
    return new AppError('ARTIFACT_UNAVAILABLE', redact(`Cannot read artifact "${p}" in ${describe}: ${why}.`), { path: p })
  }
  const cancelled = (signal: AbortSignal | undefined, p: string) => {
    if (signal?.aborted) throw new AppError('CANCELLED', `Reading "${p}" in ${describe} was cancelled.`, { path: p })
  }
  const entry = (path: string, s: Stats): ArtifactFile => ({ path, is_dir: s.isDirectory(), file_size: s.isDirectory() ? null : s.size })

  return guardedRepository({
    describe,
    async list(path, signal) {
      cancelled(signal, path)
      try {
        const entries = await call<{ filename: string; attrs: Stats }[]>((sftp, cb) => sftp.readdir(abs(path), cb)).catch((e: unknown) => {
          if (isMissing(e)) return []
          throw e
        })
        const files: ArtifactFile[] = []
        for (const d of entries) {
          if (d.filename === '.' || d.filename === '..') continue
          const rel = path ? `${path}/${d.filename}` : d.filename
          // Follow symlinks as MLflow does; a dangling one is left out.
          const s = d.attrs.isSymbolicLink() ? await statOf(rel).catch(() => null) : d.attrs
          if (s) files.push(entry(rel, s))
        }
        return sortArtifactFiles(files)
      } catch (e) {
        throw failed(e, path)
      }
    },
    async stat(path, signal) {
      cancelled(signal, path)
      try {
        const s = await statOf(path).catch((e: unknown) => (isMissing(e) ? null : Promise.reject(e)))
        return s ? entry(path, s) : null
      } catch (e) {
        throw failed(e, path)
      }
    },
    async read(path, opts: ReadOptions = {}) {
      cancelled(opts.signal, path)
      let s: Stats
      try {
        s = await statOf(path)
      } catch (e) {
        throw failed(e, path)
      }
      if (s.isDirectory()) throw new AppError('BAD_REQUEST', `Artifact "${path}" in ${describe} is a folder, not a file.`, { path })
      const start = opts.start ?? 0
      const end = Math.min(opts.end ?? s.size, s.size)
      if (end <= start) return Readable.from([])
      const { sftp } = await connect()
      // ssh2's read stream takes an inclusive end, like fs.createReadStream.
      const stream = sftp.createReadStream(abs(path), { start, end: end - 1 })
      return opts.signal ? addAbortSignal(opts.signal, stream) : stream
    },
    async close() {
      const open = session
      session = null
      if (!open) return
      const conn = await open.then((s) => s.conn).catch(() => null)
      conn?.client.end()
    },
  })
}
