import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type * as NapiKeyring from '@napi-rs/keyring'
import { AppError } from '@shared/api/errors'
import { aesGcmCipher, explicitKey, KEYCHAIN_SCHEME, KEYFILE_SCHEME, keyFileCipher, keyFilePath, type SecretCipher } from './secretCipher'

/**
 * Where the CLI and `serve` keep secrets at rest: sealed (AES-256-GCM) with a key
 * kept in the OS keychain — macOS Keychain, Windows Credential Manager, the Secret
 * Service (gnome-keyring, KWallet, KeePassXC) on Linux — through @napi-rs/keyring;
 * the key file of old (<home>/secret.key, 0600) only when no keychain works here, and
 * then the user is told once. A key chosen explicitly (MLFLOW_DESK_SECRET_KEY,
 * MLFLOW_DESK_SECRET_KEY_FILE) wins over both. Secrets sealed with the key file still
 * open while it is there (and are sealed again with the keychain's key when used).
 *
 * MLFLOW_DESK_SECRET_STORE=keychain|keyfile forces one (keychain: an error when there is none).
 */
export interface SecretStorage {
  cipher: SecretCipher
  kind: 'keychain' | 'keyfile' | 'passphrase'
  /** Where secrets live, in words ("the OS keychain (Secret Service)", "the key file /home/me/.../secret.key"). */
  description: string
  /** Set when the keychain was wanted but is not available: why, and what that means. Null otherwise. */
  warning: string | null
}

const SERVICE = 'MLflow Desk'
const STORE_ENV = 'MLFLOW_DESK_SECRET_STORE'
/** How long the keychain may take to answer (a locked keychain may wait for a prompt nobody sees). */
const KEYCHAIN_TIMEOUT_MS = 8000

function keychainName(): string {
  if (process.platform === 'darwin') return 'macOS Keychain'
  if (process.platform === 'win32') return 'Windows Credential Manager'
  return 'Secret Service'
}

/** The account of this data folder's key: one key per MLFLOW_DESK_HOME, so two homes never share (or clobber) one. */
export function keychainAccount(home: string): string {
  return `secret-key ${resolve(home)}`
}

type KeychainResult = { ok: true; key: Buffer } | { ok: false; reason: string }

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s (locked, or waiting for a prompt?)`)), ms)
    timer.unref()
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

/** This home's key from the keychain, created (32 random bytes) on first use and read back to be sure it was kept. */
export async function keychainKey(home: string, env: NodeJS.ProcessEnv): Promise<KeychainResult> {
  if (process.platform === 'linux') {
    // The Secret Service is reached over the session's D-Bus. Without one, libdbus would try
    // X11 autolaunch (compiled out) and fail; say why in plain words instead.
    const bus = env.DBUS_SESSION_BUS_ADDRESS
    if (!bus) return { ok: false, reason: 'no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set, so no Secret Service' }
    // libdbus reads the process environment; the CLI is handed its environment (tests hand their own).
    if (process.env.DBUS_SESSION_BUS_ADDRESS !== bus) process.env.DBUS_SESSION_BUS_ADDRESS = bus
  }
  let keyring: typeof NapiKeyring
  try {
    keyring = await import('@napi-rs/keyring')
  } catch (e) {
    return { ok: false, reason: `the keychain binding (@napi-rs/keyring) cannot load here: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` }
  }
  try {
    // On Linux, the binding would fall back to the kernel keyring (keyutils) without a Secret
    // Service: that keeps keys in memory only, lost at reboot with every secret sealed under them.
    const entry = new keyring.AsyncEntry(SERVICE, keychainAccount(home), process.platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined)
    const what = `The ${keychainName()}`
    const existing = await withTimeout(entry.getPassword(), KEYCHAIN_TIMEOUT_MS, what)
    if (existing) {
      const key = Buffer.from(existing, 'base64')
      if (key.length === 32) return { ok: true, key }
      return { ok: false, reason: `the keychain entry "${SERVICE}" / "${keychainAccount(home)}" does not hold a 32-byte base64 key` }
    }
    const fresh = randomBytes(32).toString('base64')
    await withTimeout(entry.setPassword(fresh), KEYCHAIN_TIMEOUT_MS, what)
    const back = await withTimeout(entry.getPassword(), KEYCHAIN_TIMEOUT_MS, what)
    if (back !== fresh) return { ok: false, reason: 'the keychain did not keep the key it was given' }
    return { ok: true, key: Buffer.from(fresh, 'base64') }
  } catch (e) {
    return { ok: false, reason: `the ${keychainName()} is not usable: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` }
  }
}

/** Opens what the key file sealed while it is there; seals and opens everything else with `primary`. */
function withKeyFile(primary: SecretCipher, keyFile: SecretCipher | null): SecretCipher {
  if (!keyFile) return primary
  return {
    scheme: primary.scheme,
    description: primary.description,
    seal: (plain) => primary.seal(plain),
    open: (sealed) => (sealed.enc === KEYFILE_SCHEME ? keyFile.open(sealed) : primary.open(sealed)),
  }
}

/** The CLI's and `serve`'s secret storage (see SecretStorage). */
export async function cliSecretStorage(home: string, env: NodeJS.ProcessEnv = process.env): Promise<SecretStorage> {
  const forced = env[STORE_ENV]?.trim().toLowerCase()
  if (forced && forced !== 'keychain' && forced !== 'keyfile') {
    throw new AppError('BAD_REQUEST', `${STORE_ENV}="${env[STORE_ENV]}": expected keychain or keyfile.`)
  }
  if (explicitKey(env)) {
    const cipher = await keyFileCipher(home, env)
    return { cipher, kind: env.MLFLOW_DESK_SECRET_KEY ? 'passphrase' : 'keyfile', description: cipher.description, warning: null }
  }
  if (forced !== 'keyfile') {
    const kc = await keychainKey(home, env)
    if (kc.ok) {
      const description = `the OS keychain (${keychainName()})`
      const legacy = existsSync(keyFilePath(home, env)) ? await keyFileCipher(home, env) : null
      return { cipher: withKeyFile(aesGcmCipher(kc.key, description, KEYCHAIN_SCHEME), legacy), kind: 'keychain', description, warning: null }
    }
    if (forced === 'keychain') throw new AppError('SECRET_UNAVAILABLE', `${STORE_ENV}=keychain, but ${kc.reason}.`)
    const cipher = await keyFileCipher(home, env)
    return {
      cipher,
      kind: 'keyfile',
      description: cipher.description,
      warning: `No OS keychain here (${kc.reason}): anyone who can read the key file can open the secrets sealed with it.`,
    }
  }
  const cipher = await keyFileCipher(home, env)
  return { cipher, kind: 'keyfile', description: cipher.description, warning: null }
}

/**
 * Say where secrets live once: the first time this data folder falls back to the key
 * file, and again only when that changes (the keychain came back, or went away), not
 * on every command. Remembered in <home>/secret-storage.
 */
export async function announceSecretStorage(home: string, storage: SecretStorage, say: (line: string) => void): Promise<void> {
  const marker = join(home, 'secret-storage')
  const state = `${storage.kind} ${storage.description}\n`
  const before = await readFile(marker, 'utf8').catch(() => null)
  if (before === state) return
  if (storage.warning)
    say(
      `mlflow-desk: ${storage.warning.replace(/: anyone who can read .*$/, '')}: secrets are sealed with ${storage.description} (mode 0600) instead; anyone who can read it can open them.`,
    )
  await writeFile(marker, state, { mode: 0o600 }).catch(() => undefined)
}
