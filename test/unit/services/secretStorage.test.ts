import { existsSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { KEYFILE_SCHEME, keyFileCipher } from '../../../electron/services/profiles/secretCipher'
import { announceSecretStorage, cliSecretStorage } from '../../../electron/services/profiles/secretStorage'

const home = () => mkdtemp(join(tmpdir(), 'desk-storage-'))

/**
 * Where the CLI and `serve` keep secrets when no keychain works here (the keychain
 * itself is tested against a real Secret Service in test/integration/secretStorageKeychain).
 */
describe('secrets at rest outside Electron: the key-file fallback', () => {
  it.runIf(process.platform === 'linux')('without a D-Bus session there is no Secret Service: the key file, with a warning that says why', async () => {
    const h = await home()
    const s = await cliSecretStorage(h, {})
    expect(s.kind).toBe('keyfile')
    expect(s.description).toBe(`the key file ${join(h, 'secret.key')}`)
    expect(s.warning).toBe(
      'No OS keychain here (no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set, so no Secret Service): anyone who can read the key file can open the secrets sealed with it.',
    )
    expect(statSync(join(h, 'secret.key')).mode & 0o777).toBe(0o600)
    expect(s.cipher.seal('pw').enc).toBe(KEYFILE_SCHEME)
  })

  it.runIf(process.platform === 'linux')('a D-Bus address where no bus listens: the binding fails, and the fallback names why', async () => {
    const h = await home()
    const s = await cliSecretStorage(h, { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(h, 'no-bus-here')}` })
    expect(s.kind).toBe('keyfile')
    expect(s.warning).toMatch(/No OS keychain here \(the Secret Service is not usable: .+\)/)
  })

  it('secrets sealed with the key file stay compatible: the format of before, opened by the key file of before', async () => {
    const h = await home()
    const before = await keyFileCipher(h, {})
    const sealed = before.seal('old-secret')
    const s = await cliSecretStorage(h, {})
    expect(s.cipher.open(sealed)).toBe('old-secret')
  })

  it('a key chosen explicitly wins, and is no fallback: no warning', async () => {
    const h = await home()
    const viaPassphrase = await cliSecretStorage(h, { MLFLOW_DESK_SECRET_KEY: 'vault-passphrase' })
    expect(viaPassphrase).toMatchObject({ kind: 'passphrase', warning: null })
    const file = join(h, 'elsewhere.key')
    const viaFile = await cliSecretStorage(h, { MLFLOW_DESK_SECRET_KEY_FILE: file })
    expect(viaFile).toMatchObject({ kind: 'keyfile', warning: null, description: `the key file ${file}` })
    expect(await cliSecretStorage(h, { MLFLOW_DESK_SECRET_STORE: 'keyfile' })).toMatchObject({ kind: 'keyfile', warning: null })
  })

  it('MLFLOW_DESK_SECRET_STORE=keychain where there is none is an error, not a silent key file', async () => {
    const h = await home()
    await expect(cliSecretStorage(h, { MLFLOW_DESK_SECRET_STORE: 'keychain' })).rejects.toMatchObject({
      code: 'SECRET_UNAVAILABLE',
      message: expect.stringContaining('MLFLOW_DESK_SECRET_STORE=keychain, but'),
    })
    expect(existsSync(join(h, 'secret.key'))).toBe(false)
    await expect(cliSecretStorage(h, { MLFLOW_DESK_SECRET_STORE: 'vault' })).rejects.toMatchObject({ code: 'BAD_REQUEST' })
  })

  it.runIf(process.platform === 'linux')('the fallback is said once per data folder, and again only when it changes', async () => {
    const h = await home()
    const lines: string[] = []
    const fallback = await cliSecretStorage(h, {})
    await announceSecretStorage(h, fallback, (l) => lines.push(l))
    await announceSecretStorage(h, fallback, (l) => lines.push(l))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toBe(
      `mlflow-desk: No OS keychain here (no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set, so no Secret Service): secrets are sealed with the key file ${join(h, 'secret.key')} (mode 0600) instead; anyone who can read it can open them.`,
    )
    // The keychain came (and nothing is said), then went again: said again.
    await announceSecretStorage(h, { ...fallback, kind: 'keychain', description: 'the OS keychain (Secret Service)', warning: null }, (l) => lines.push(l))
    expect(lines).toHaveLength(1)
    await announceSecretStorage(h, fallback, (l) => lines.push(l))
    expect(lines).toHaveLength(2)
    expect(readFileSync(join(h, 'secret-storage'), 'utf8')).toContain('keyfile')
  })
})
