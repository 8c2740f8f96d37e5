import { readFileSync, statSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { keyFileCipher, SAFESTORAGE_SCHEME } from '../../../electron/services/profiles/secretCipher'

describe('secrets at rest (CLI and serve)', () => {
  it('are sealed with AES-256-GCM under a key file created 0600 beside the profiles', async () => {
    const home = await mkdtemp(join(tmpdir(), 'desk-key-'))
    const c = await keyFileCipher(home, {})
    expect(statSync(join(home, 'secret.key')).mode & 0o777).toBe(0o600)
    const sealed = c.seal('s3cret-password!')
    expect(sealed.enc).toBe('aes-256-gcm:keyfile')
    expect(JSON.stringify(sealed)).not.toContain('s3cret')
    expect(c.open(sealed)).toBe('s3cret-password!')
    // Same plaintext, different ciphertext (random IV).
    expect(c.seal('s3cret-password!').data).not.toBe(sealed.data)
    // The key persists: a second process opens what the first sealed.
    expect((await keyFileCipher(home, {})).open(sealed)).toBe('s3cret-password!')
  })

  it('a secret sealed with another key cannot be opened, and says so', async () => {
    const a = await keyFileCipher(await mkdtemp(join(tmpdir(), 'desk-key-')), {})
    const b = await keyFileCipher(await mkdtemp(join(tmpdir(), 'desk-key-')), {})
    expect(() => b.open(a.seal('x-secret'))).toThrowError(
      expect.objectContaining({ code: 'SECRET_UNAVAILABLE', message: expect.stringContaining('another key') }),
    )
  })

  it('MLFLOW_DESK_SECRET_KEY replaces the key file', async () => {
    const home = await mkdtemp(join(tmpdir(), 'desk-key-'))
    const c = await keyFileCipher(home, { MLFLOW_DESK_SECRET_KEY: 'a long passphrase from the vault' })
    expect(c.description).toContain('MLFLOW_DESK_SECRET_KEY')
    const other = await keyFileCipher(home, { MLFLOW_DESK_SECRET_KEY: 'another passphrase' })
    expect(() => other.open(c.seal('pw'))).toThrowError(expect.objectContaining({ code: 'SECRET_UNAVAILABLE' }))
    expect(() => readFileSync(join(home, 'secret.key'))).toThrow()
  })

  it('a secret the desktop app sealed in the OS keychain is named as such', async () => {
    const c = await keyFileCipher(await mkdtemp(join(tmpdir(), 'desk-key-')), {})
    expect(() => c.open({ enc: SAFESTORAGE_SCHEME, data: 'AAAA' })).toThrowError(
      expect.objectContaining({ code: 'SECRET_UNAVAILABLE', message: expect.stringContaining('desktop app') }),
    )
  })
})
