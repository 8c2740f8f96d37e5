import { readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KEYCHAIN_SCHEME } from '../../electron/services/profiles/secretCipher'
import { cliSecretStorage, keychainAccount } from '../../electron/services/profiles/secretStorage'
import { cli } from '../helpers/cliRunner'
import { createDatabase, pgInfo } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { secretServiceMissing, startSecretService, type SecretService } from '../helpers/secretService'

/** Every file under a folder, as text: to show a key is nowhere in it. */
function allText(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => readFileSync(f, 'latin1'))
    .join('\n')
}

const missing = secretServiceMissing()

/**
 * The CLI's and `serve`'s secrets sealed under a key kept in the OS keychain (#13,
 * part 6), tried against a real Secret Service: gnome-keyring-daemon on a private
 * D-Bus session bus, started by the test (test/helpers/secretService.ts).
 */
describe('secrets at rest in the OS keychain (a real Secret Service)', () => {
  let ss: SecretService
  let bus: NodeJS.ProcessEnv

  beforeAll(async () => {
    // .ci/run installs what it needs; a machine without it says what to install rather than passing silently.
    if (missing) throw new Error(`No Secret Service can be started here: ${missing}. Install Debian's gnome-keyring, dbus-daemon and dbus-bin.`)
    ss = await startSecretService()
    bus = { DBUS_SESSION_BUS_ADDRESS: ss.address }
  }, 60_000)
  afterAll(() => ss?.stop())

  it('with a Secret Service, the key lives there — not in a file — and secrets are sealed under it', async () => {
    const home = await mkdtemp(join(tmpdir(), 'desk-kc-'))
    const s = await cliSecretStorage(home, bus)
    expect(s).toMatchObject({ kind: 'keychain', description: 'the OS keychain (Secret Service)', warning: null })
    const sealed = s.cipher.seal('kc-secret-1')
    expect(sealed.enc).toBe(KEYCHAIN_SCHEME)
    expect(s.cipher.open(sealed)).toBe('kc-secret-1')
    const { AsyncEntry } = await import('@napi-rs/keyring')
    const key = await new AsyncEntry('MLflow Desk', keychainAccount(home), { linux: { store: 'secret-service' } }).getPassword()
    expect(Buffer.from(key!, 'base64')).toHaveLength(32)
    expect(readdirSync(home)).not.toContain('secret.key')
    expect(allText(home)).not.toContain(key!)
    await rm(home, { recursive: true, force: true })
  })

  it('the key outlives the keyring daemon (kept on disk by the Secret Service, unlike the kernel keyring)', async () => {
    const home = await mkdtemp(join(tmpdir(), 'desk-kc-'))
    const sealed = (await cliSecretStorage(home, bus)).cipher.seal('survives-restart')
    await ss.stopKeyring()
    await ss.startKeyring()
    expect((await cliSecretStorage(home, bus)).cipher.open(sealed)).toBe('survives-restart')
    await rm(home, { recursive: true, force: true })
  })

  it('each data folder has its own key: a secret from one does not open in another', async () => {
    const [a, b] = await Promise.all([mkdtemp(join(tmpdir(), 'desk-kc-a-')), mkdtemp(join(tmpdir(), 'desk-kc-b-'))])
    const sealed = (await cliSecretStorage(a, bus)).cipher.seal('home-a-only')
    await expect(cliSecretStorage(b, bus).then((s) => s.cipher.open(sealed))).rejects.toMatchObject({
      code: 'SECRET_UNAVAILABLE',
      message: expect.stringContaining('the key in the keychain is not the one'),
    })
    await Promise.all([a, b].map((d) => rm(d, { recursive: true, force: true })))
  })

  it('the CLI: key-file secrets of before still open and move to the keychain; without it, it says so once, and why a keychain secret cannot open', async () => {
    const home = await mkdtemp(join(tmpdir(), 'desk-kc-cli-'))
    const db = await createDatabase('kc_cli', FIXTURES.small.template)
    const url = `postgresql://${pgInfo().user}@${pgInfo().host}:${pgInfo().port}/${db}?sslmode=disable`

    // No keychain (no D-Bus session): the key file, said once.
    const add = await cli(['profiles', 'add', 'kc', '--url', url, '--password-stdin'], {}, home, pgInfo().password + '\n')
    expect(add.code, add.stderr).toBe(0)
    expect(add.stderr).toMatch(/^mlflow-desk: No OS keychain here \(no D-Bus session/)
    expect(add.stdout).toContain('secrets sealed with the key file')
    const again = await cli(['profiles', 'list'], {}, home)
    expect(again.stderr).toBe('')
    expect(again.stdout).toMatch(/Secrets are sealed with the key file .*secret\.key\. \(No OS keychain is available here\.\)/)
    expect(readFileSync(join(home, 'profiles.json'), 'utf8')).toContain('"aes-256-gcm:keyfile"')

    // The keychain is there now: the key-file secret opens, and is sealed again under the keychain's key.
    const test = await cli(['profiles', 'test', 'kc'], bus, home)
    expect(test.code, test.stderr).toBe(0)
    expect(test.stderr).toBe('')
    const file = readFileSync(join(home, 'profiles.json'), 'utf8')
    expect(file).toContain('"aes-256-gcm:keychain"')
    expect(file).not.toContain('"aes-256-gcm:keyfile"')
    expect((await cli(['profiles', 'list'], bus, home)).stdout).toMatch(/Secrets are sealed with the OS keychain \(Secret Service\)\.$/)
    const json = JSON.parse((await cli(['profiles', 'list', '--json'], bus, home)).stdout)
    expect(json.secret_storage).toMatchObject({ kind: 'keychain', description: 'the OS keychain (Secret Service)' })
    expect(json.secret_storage.warning ?? null).toBeNull()
    expect((await cli(['experiments', 'list', '--profile', 'kc'], bus, home)).code).toBe(0)

    // Without the keychain again: said again (it changed), and the secret cannot open — saying why.
    const off = await cli(['profiles', 'test', 'kc'], {}, home)
    expect(off.code).toBe(1)
    expect(off.stderr).toMatch(/^mlflow-desk: No OS keychain here/)
    expect(off.stderr).toMatch(/saved by the command line with the OS keychain \(which is not available now\)/)
    expect(JSON.stringify(off)).not.toContain(pgInfo().password)
    await rm(home, { recursive: true, force: true })
  })
})
