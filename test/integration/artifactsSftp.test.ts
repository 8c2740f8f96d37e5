import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifactStoreSchema } from '@shared/api/artifactSchemas'
import type { SecretName } from '@shared/api/profileSchemas'
import { artifactAccess } from '../../electron/services/artifacts/artifactAccess'
import type { ArtifactRepository } from '../../electron/services/artifacts/artifactRepository'
import { openLocalRepository } from '../../electron/services/artifacts/localRepository'
import { openArtifactRepository } from '../../electron/services/artifacts/openRepository'
import { parseSftpUri } from '../../electron/services/artifacts/sftpRepository'
import { freePort } from '../../electron/services/demo/embeddedCluster'
import { appFailure, ARTIFACT_TREE, BIG_FILE, expectSameListing, readAll, writeArtifactTree } from '../helpers/artifactTree'
import { describeRepositoryContract } from '../helpers/repositoryContract'
import { startSshServer, type SshServer } from '../helpers/sshServer'

/** Its own account: the SSH tunnel tests run in parallel with their own server and user. */
const SFTP_USER = 'mlflowdesk-sftp'

/**
 * SFTP through a real OpenSSH server (Debian's sshd with internal-sftp, started by the test on a
 * loopback port): every answer is compared with the local repository over the same folder.
 */
describe('SFTP artifact repository against OpenSSH', () => {
  let sshd: SshServer
  let dir: string
  /** The tree (the contract's root) in dir/artifacts; symlinks in dir/links; a file beside the root. */
  let root: string
  let oracle: ArtifactRepository
  const outside = { name: 'outside.txt', bytes: Buffer.from('beside the root, never inside it\n') }
  const open: ArtifactRepository[] = []

  const repo = async (sftp: Record<string, unknown> = {}, secrets: Partial<Record<SecretName, string>> = {}, uri?: string) => {
    const r = await openArtifactRepository(
      uri ?? `sftp://${SFTP_USER}@127.0.0.1:${sshd.port}${root}`,
      artifactAccess({
        settings: artifactStoreSchema.parse({ sftp: { auth: 'key', key_path: sshd.keyPath, host_fingerprint: sshd.fingerprint, ...sftp } }),
        secrets,
        env: {},
      }),
    )
    open.push(r)
    return r
  }
  const accepted = () => sshd.log().split(`Accepted publickey for ${SFTP_USER}`).length - 1

  beforeAll(async () => {
    sshd = await startSshServer(SFTP_USER)
    dir = await mkdtemp(join(tmpdir(), 'desk-sftp-tree-'))
    await chmod(dir, 0o755) // the SSH user reads it
    root = join(dir, 'artifacts')
    await writeArtifactTree(root)
    await writeFile(join(dir, outside.name), outside.bytes)
    await mkdir(join(dir, 'links'))
    await symlink('../artifacts/model.txt', join(dir, 'links', 'link.txt'))
    await symlink('no-such-target', join(dir, 'links', 'dangling.txt'))
    oracle = openLocalRepository(root)
  })
  afterAll(async () => {
    for (const r of open) await r.close()
    await sshd?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('parses sftp:// locations (user, password, port, percent-encoded path) and refuses others', async () => {
    expect(parseSftpUri('sftp://bob:pa%40ss@files.example:2222/srv/ml%20flow/1/')).toEqual({
      host: 'files.example',
      port: 2222,
      user: 'bob',
      password: 'pa@ss',
      root: '/srv/ml flow/1',
    })
    expect(parseSftpUri('sftp://files.example/srv')).toEqual({ host: 'files.example', port: 22, user: null, password: null, root: '/srv' })
    const e = await appFailure(openArtifactRepository('sftp://', artifactAccess({ env: {} })))
    expect(e.code).toBe('BAD_REQUEST')
  })

  describeRepositoryContract('SFTP (OpenSSH)', () => ({
    open: (folder) => repo({}, {}, `sftp://${SFTP_USER}@127.0.0.1:${sshd.port}${root}${folder ? `/${folder}` : ''}`),
    outside,
  }))

  it('with key authentication lists as the local repository does (symlinks followed, dangling left out)', async () => {
    expect((await repo()).describe).toBe(`sftp://${SFTP_USER}@127.0.0.1:${sshd.port}${root}`)
    const links = await repo({}, {}, `sftp://${SFTP_USER}@127.0.0.1:${sshd.port}${dir}/links`)
    await expectSameListing(links, openLocalRepository(join(dir, 'links')))
    const listed = await links.list('')
    expect(listed.find((f) => f.path === 'link.txt')).toEqual({ path: 'link.txt', is_dir: false, file_size: ARTIFACT_TREE['model.txt']!.length })
    expect(listed.find((f) => f.path === 'dangling.txt')).toBeUndefined()
  })

  it('reads whole files and byte ranges, byte-identical, over one reused SSH connection', async () => {
    const before = accepted()
    const r = await repo()
    const big = ARTIFACT_TREE[BIG_FILE]!
    for (const path of Object.keys(ARTIFACT_TREE)) expect((await readAll(await r.read(path))).equals(ARTIFACT_TREE[path]!), path).toBe(true)
    const parallel = await Promise.all([0, 1, 2, 3].map((i) => r.read(BIG_FILE, { start: i * 700_000, end: i * 700_000 + 1000 }).then(readAll)))
    parallel.forEach((got, i) => expect(got.equals(big.subarray(i * 700_000, i * 700_000 + 1000))).toBe(true))
    expect((await readAll(await r.read(BIG_FILE, { start: big.length - 5 }))).equals(big.subarray(big.length - 5))).toBe(true)
    expect((await readAll(await r.read(BIG_FILE, { end: 3 }))).equals(big.subarray(0, 3))).toBe(true)
    expect((await readAll(await r.read(BIG_FILE, { start: big.length }))).length).toBe(0)
    expect((await readAll(await r.read('empty.txt', { start: 0, end: 10 }))).length).toBe(0)
    expect(accepted() - before).toBe(1)
    // close() ends the connection; the next call opens a new one.
    await r.close()
    expect(await r.stat('MLmodel')).not.toBeNull()
    expect(accepted() - before).toBe(2)
  })

  it('with a password, and with a passphrase-protected key; wrong ones are ARTIFACT_AUTH_FAILED without the secret', async () => {
    const pw = await repo({ auth: 'password', key_path: null }, { sftp_password: sshd.password })
    expect(await pw.list('model')).toEqual(await oracle.list('model'))
    expect(sshd.log()).toContain(`Accepted password for ${SFTP_USER}`)
    const wrongPw = await appFailure((await repo({ auth: 'password', key_path: null }, { sftp_password: 'wrong-sftp-password' })).list(''))
    expect(wrongPw.code).toBe('ARTIFACT_AUTH_FAILED')
    expect(wrongPw.message).toContain('sftp_password')
    expect(wrongPw.message).toContain(`127.0.0.1:${sshd.port}`)
    expect(wrongPw.message).not.toContain('wrong-sftp-password')
    const noPw = await appFailure(repo({ auth: 'password', key_path: null }))
    expect(noPw).toMatchObject({ code: 'ARTIFACT_AUTH_FAILED', message: expect.stringContaining('sftp_password') })

    const protectedKey = await repo({ key_path: sshd.protectedKeyPath }, { sftp_passphrase: sshd.keyPassphrase })
    expect(await protectedKey.stat('MLmodel')).toEqual(await oracle.stat('MLmodel'))
    const wrongPass = await appFailure((await repo({ key_path: sshd.protectedKeyPath }, { sftp_passphrase: 'not-the-passphrase' })).stat('MLmodel'))
    expect(wrongPass.code).toBe('ARTIFACT_AUTH_FAILED')
    expect(wrongPass.message).toContain(sshd.protectedKeyPath)
    expect(wrongPass.message).not.toContain('not-the-passphrase')
  })

  it('an unpinned host key is SSH_HOST_KEY_UNKNOWN with its fingerprint; a different one is SSH_HOST_KEY_CHANGED, before any login', async () => {
    const logins = () => (sshd.log().match(/Accepted|Failed/g) ?? []).length
    const before = logins()
    const unknown = await appFailure((await repo({ host_fingerprint: null })).list(''))
    expect(unknown).toMatchObject({ code: 'SSH_HOST_KEY_UNKNOWN', details: { fingerprint: sshd.fingerprint } })
    expect(unknown.message).toContain(sshd.fingerprint)
    const other = `SHA256:${'A'.repeat(43)}`
    const changed = await appFailure((await repo({ host_fingerprint: other })).read('MLmodel'))
    expect(changed).toMatchObject({ code: 'SSH_HOST_KEY_CHANGED', details: { fingerprint: sshd.fingerprint } })
    expect(changed.message).toContain(other)
    expect(logins()).toBe(before)
  })

  it('a port nobody listens on is ARTIFACT_UNAVAILABLE naming the endpoint', async () => {
    const port = await freePort()
    const e = await appFailure((await repo({}, {}, `sftp://${SFTP_USER}@127.0.0.1:${port}/srv`)).list(''))
    expect(e.code).toBe('ARTIFACT_UNAVAILABLE')
    expect(e.message).toContain(`sftp://127.0.0.1:${port}`)
  })
})
