import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { AppError } from '@shared/api/errors'
import { registerSecret } from '../security/redact'

/** A secret at rest: which scheme sealed it, and the sealed bytes (base64). */
export interface SealedSecret {
  enc: string
  data: string
}

/** Seals and opens secrets. The app uses Electron's safeStorage; the CLI and `serve` a key file. */
export interface SecretCipher {
  /** Scheme name written into every sealed secret, e.g. "aes-256-gcm:keyfile". */
  readonly scheme: string
  /** Shown to the user: where the key lives. */
  readonly description: string
  seal(plain: string): SealedSecret
  open(sealed: SealedSecret): string
}

const KEY_ENV = 'MLFLOW_DESK_SECRET_KEY'
const KEY_FILE_ENV = 'MLFLOW_DESK_SECRET_KEY_FILE'
export const KEYFILE_SCHEME = 'aes-256-gcm:keyfile'
/** The CLI and `serve` with a key kept in the OS keychain (see secretStorage.ts). */
export const KEYCHAIN_SCHEME = 'aes-256-gcm:keychain'
export const SAFESTORAGE_SCHEME = 'electron-safestorage'

/** AES-256-GCM: iv (12) | tag (16) | ciphertext, base64. */
export function aesGcmCipher(key: Buffer, description: string, scheme: string = KEYFILE_SCHEME): SecretCipher {
  return {
    scheme,
    description,
    seal(plain) {
      const iv = randomBytes(12)
      const c = createCipheriv('aes-256-gcm', key, iv)
      const data = Buffer.concat([c.update(plain, 'utf8'), c.final()])
      return { enc: scheme, data: Buffer.concat([iv, c.getAuthTag(), data]).toString('base64') }
    },
    open(sealed) {
      assertScheme(sealed, scheme, description)
      const raw = Buffer.from(sealed.data, 'base64')
      try {
        const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
        d.setAuthTag(raw.subarray(12, 28))
        const plain = Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8')
        registerSecret(plain)
        return plain
      } catch {
        throw new AppError(
          'SECRET_UNAVAILABLE',
          scheme === KEYCHAIN_SCHEME
            ? `A stored secret does not open with ${description}: the key in the keychain is not the one it was sealed with (another machine or user account, or the keychain entry was replaced). Enter it again.`
            : `A stored secret does not open with ${description}: it was sealed with another key (another machine, or ${KEY_ENV} changed). Enter it again.`,
        )
      }
    },
  }
}

export function assertScheme(sealed: SealedSecret, scheme: string, description: string): void {
  if (sealed.enc === scheme) return
  const by =
    sealed.enc === SAFESTORAGE_SCHEME
      ? 'the desktop app (your OS keychain)'
      : sealed.enc === KEYFILE_SCHEME
        ? 'the command line (its key file)'
        : sealed.enc === KEYCHAIN_SCHEME
          ? 'the command line with the OS keychain (which is not available now)'
          : `"${sealed.enc}"`
  throw new AppError(
    'SECRET_UNAVAILABLE',
    `This secret was saved by ${by} and cannot be opened with ${description}. Enter it again here (e.g. mlflow-desk profiles add NAME --password-stdin).`,
  )
}

/** Where the CLI's key file is (whether or not it exists yet). */
export function keyFilePath(home: string, env: NodeJS.ProcessEnv = process.env): string {
  return env[KEY_FILE_ENV] || join(home, 'secret.key')
}

/** The user chose the key explicitly (MLFLOW_DESK_SECRET_KEY or MLFLOW_DESK_SECRET_KEY_FILE): that choice wins over the keychain. */
export function explicitKey(env: NodeJS.ProcessEnv): boolean {
  return !!(env[KEY_ENV] || env[KEY_FILE_ENV])
}

/**
 * The CLI/serve key: MLFLOW_DESK_SECRET_KEY (any passphrase, stretched with
 * scrypt), else the file MLFLOW_DESK_SECRET_KEY_FILE or <home>/secret.key,
 * created on first use with 32 random bytes and mode 0600.
 */
export async function keyFileCipher(home: string, env: NodeJS.ProcessEnv = process.env): Promise<SecretCipher> {
  const passphrase = env[KEY_ENV]
  if (passphrase) {
    return aesGcmCipher(scryptSync(passphrase, 'mlflow-desk-secret-key-v1', 32), `the key in ${KEY_ENV}`)
  }
  const file = keyFilePath(home, env)
  if (!existsSync(file)) {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 })
    await writeFile(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e
    })
  }
  await chmod(file, 0o600)
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')
  if (key.length !== 32) throw new AppError('SECRET_UNAVAILABLE', `The key file ${file} does not hold a 32-byte base64 key.`)
  return aesGcmCipher(key, `the key file ${file}`)
}
