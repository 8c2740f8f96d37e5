import { safeStorage } from 'electron'
import { AppError } from '@shared/api/errors'
import { assertScheme, SAFESTORAGE_SCHEME, type SecretCipher } from '../services/profiles/secretCipher'
import { registerSecret } from '../services/security/redact'

/**
 * Secrets sealed by the OS keychain through Electron's safeStorage (Keychain,
 * DPAPI, libsecret/kwallet). On Linux without a keyring Electron falls back to
 * a hard-coded key ("basic_text"); the user is told.
 */
export function safeStorageCipher(): { cipher: SecretCipher; warning: string | null } {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : process.platform === 'darwin' ? 'keychain' : 'dpapi'
  const description = `the OS keychain (${backend})`
  const warning =
    backend === 'basic_text' || !safeStorage.isEncryptionAvailable()
      ? 'No OS keyring is available: saved passwords are only obfuscated. Install gnome-keyring or kwallet, or use ~/.pgpass.'
      : null
  return {
    warning,
    cipher: {
      scheme: SAFESTORAGE_SCHEME,
      description,
      seal: (plain) => ({ enc: SAFESTORAGE_SCHEME, data: safeStorage.encryptString(plain).toString('base64') }),
      open(sealed) {
        assertScheme(sealed, SAFESTORAGE_SCHEME, description)
        try {
          const plain = safeStorage.decryptString(Buffer.from(sealed.data, 'base64'))
          registerSecret(plain)
          return plain
        } catch {
          throw new AppError(
            'SECRET_UNAVAILABLE',
            `A stored secret cannot be opened with ${description} (saved on another machine or user account). Enter it again.`,
          )
        }
      },
    },
  }
}
