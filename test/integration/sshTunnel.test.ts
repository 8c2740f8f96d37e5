import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectionTarget } from '../../electron/services/connections/connectionUrl'
import { testConnection } from '../../electron/services/connections/connectionTest'
import type { SshTarget } from '../../electron/services/connections/sshTunnel'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { freePort } from '../../electron/services/demo/embeddedCluster'
import { listExperiments } from '../../electron/services/tracking/experiments'
import { createDatabase, targetFor } from '../helpers/databases'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES } from '../helpers/fixtures'
import { accepts, SSH_USER, startSshServer, type SshServer } from '../helpers/sshServer'

/**
 * The database reached through a real OpenSSH server (Debian's sshd, started by
 * the test on a loopback port with throwaway keys): the tunnel's far end is the
 * main test PostgreSQL, 127.0.0.1:<port> as seen from the SSH host.
 */
describe('SSH tunnels through a real OpenSSH server', () => {
  let sshd: SshServer
  let db: string
  const expectedExperimentIds = dumpRows(FIXTURES.small.dump, 'experiments')
    .map((e) => e.experiment_id!)
    .sort()

  beforeAll(async () => {
    db = await createDatabase('ssh', FIXTURES.small.template)
    sshd = await startSshServer()
  })
  afterAll(async () => {
    await sshd?.stop()
  })

  const ssh = (over: Partial<SshTarget> = {}): SshTarget => ({
    host: sshd.host,
    port: sshd.port,
    user: SSH_USER,
    keyPath: sshd.keyPath,
    fingerprint: sshd.fingerprint,
    ...over,
  })
  const target = (over: Partial<SshTarget> = {}, database = db): ConnectionTarget => ({ ...targetFor(database), ssh: ssh(over) })

  async function withStore<T>(t: ConnectionTarget, fn: (s: StoreHandle) => T | Promise<T>): Promise<T> {
    const store = await openStore(t)
    try {
      return await fn(store)
    } finally {
      await store.close()
    }
  }

  const experimentIds = async (s: StoreHandle) => (await listExperiments(s, 'all')).map((e) => e.experiment_id).sort()

  it('with key authentication reads the store, and reports the host key as ssh-keygen prints it', async () => {
    await withStore(target(), async (s) => {
      expect(await experimentIds(s)).toEqual(expectedExperimentIds)
      expect(s.sshFingerprint).toBe(sshd.fingerprint)
      expect(s.where).toContain(`via ssh ${SSH_USER}@127.0.0.1:${sshd.port}`)
      expect(s.tls).toBe(false)
    })
    expect(sshd.log()).toContain(`Accepted publickey for ${SSH_USER}`)
  })

  it('with sslmode=prefer through the tunnel falls back to plain (the test server has no TLS)', async () => {
    const t = target()
    await withStore({ ...t, ssl: { mode: 'prefer', root_cert: null, cert: null, key: null } }, async (s) => {
      expect(s.tls).toBe(false)
      expect(await experimentIds(s)).toEqual(expectedExperimentIds)
    })
  })

  it('with password authentication', async () => {
    await withStore(target({ keyPath: null, password: sshd.password }), async (s) => {
      expect(await experimentIds(s)).toEqual(expectedExperimentIds)
    })
    expect(sshd.log()).toContain(`Accepted password for ${SSH_USER}`)
  })

  it('with a passphrase-protected key: the right passphrase works, a wrong one is SSH_AUTH_FAILED', async () => {
    await withStore(target({ keyPath: sshd.protectedKeyPath, passphrase: sshd.keyPassphrase }), async (s) => {
      expect(await experimentIds(s)).toEqual(expectedExperimentIds)
    })
    const err = await openStore(target({ keyPath: sshd.protectedKeyPath, passphrase: 'not-the-passphrase' })).catch((e) => e)
    expect(err).toMatchObject({ code: 'SSH_AUTH_FAILED', message: expect.stringMatching(/passphrase/) })
    expect(err.message).not.toContain('not-the-passphrase')
    await expect(openStore(target({ keyPath: sshd.protectedKeyPath }))).rejects.toMatchObject({ code: 'SSH_AUTH_FAILED' })
  })

  it('a wrong password is SSH_AUTH_FAILED, and the password appears in no message', async () => {
    const err = await openStore(target({ keyPath: null, password: 'wrong-ssh-password' })).catch((e) => e)
    expect(err).toMatchObject({ code: 'SSH_AUTH_FAILED' })
    expect(err.message).toContain(`${SSH_USER}@127.0.0.1:${sshd.port}`)
    expect(err.message).not.toContain('wrong-ssh-password')
    expect(sshd.log()).toContain(`Failed password for ${SSH_USER}`)
  })

  it('first contact without a pinned key: SSH_HOST_KEY_UNKNOWN with the fingerprint; trusted, it connects', async () => {
    const err = await openStore(target({ fingerprint: null })).catch((e) => e)
    expect(err).toMatchObject({ code: 'SSH_HOST_KEY_UNKNOWN', details: { fingerprint: sshd.fingerprint } })
    expect(err.message).toContain(sshd.fingerprint)
    const result = await testConnection(target({ fingerprint: null }))
    expect(result).toMatchObject({ ok: false, via_ssh: true, ssh_host_fingerprint: sshd.fingerprint, error: { code: 'SSH_HOST_KEY_UNKNOWN' } })

    await withStore(target({ fingerprint: null, trustUnknownKey: true }), (s) => expect(s.sshFingerprint).toBe(sshd.fingerprint))
  })

  it('testConnection through the tunnel describes the store and the host key', async () => {
    const result = await testConnection(target())
    expect(result.error).toBeNull()
    expect(result).toMatchObject({ ok: true, via_ssh: true, tls: false, ssh_host_fingerprint: sshd.fingerprint })
    expect(result.mlflow).toMatchObject({ is_store: true, experiments: expectedExperimentIds.length })
  })

  it('an SSH port where nothing listens: CONNECTION_REFUSED', async () => {
    const port = await freePort()
    const err = await openStore(target({ port })).catch((e) => e)
    expect(err).toMatchObject({ code: 'CONNECTION_REFUSED', message: expect.stringContaining(`:${port}`) })
  })

  it('a database port closed on the SSH host side: CONNECTION_REFUSED saying the SSH host could not reach it', async () => {
    const dbPort = await freePort()
    const err = await openStore({ ...target(), port: dbPort }).catch((e) => e)
    expect(err).toMatchObject({ code: 'CONNECTION_REFUSED' })
    expect(err.message).toContain(`127.0.0.1:${dbPort}`)
    expect(err.message).toMatch(/ssh/i)
  })

  it('closing the store closes the tunnel: its local port stops accepting', async () => {
    const store = await openStore(target())
    const localPort = store.endpoint.port
    expect(Number(localPort)).toBeGreaterThan(0)
    expect(Number(localPort)).not.toBe(targetFor(db).port)
    expect(await accepts(Number(localPort))).toBe(true)
    await store.close()
    expect(await accepts(Number(localPort))).toBe(false)
  })

  it('the SSH connection dropping: queries fail with a clear error, nothing crashes, close still works', async () => {
    const store = await openStore(target())
    try {
      expect(await store.select<{ n: number }>('SELECT 1 AS n')).toEqual([{ n: 1 }])
      await sshd.dropConnections()
      await new Promise((r) => setTimeout(r, 500)) // for the client to see the connection close
      // Once through the pooled connection that died, once through a new one the tunnel cannot forward.
      for (let i = 0; i < 2; i++) {
        const err = await store.select('SELECT 1').catch((e) => e)
        expect(err).toMatchObject({ code: 'SSH_FAILED' })
        expect(err.message).toContain(`${SSH_USER}@127.0.0.1:${sshd.port}`)
      }
    } finally {
      await store.close()
    }
    // The server serves new tunnels as before.
    await withStore(target(), async (s) => expect(await experimentIds(s)).toEqual(expectedExperimentIds))
  })

  // Last: it replaces the server's host key.
  it('a changed host key is refused before any credential is sent (SSH_HOST_KEY_CHANGED)', async () => {
    const pinned = sshd.fingerprint
    await sshd.restartWithNewHostKey()
    expect(sshd.fingerprint).not.toBe(pinned)

    const err = await openStore(target({ fingerprint: pinned, keyPath: null, password: sshd.password })).catch((e) => e)
    expect(err).toMatchObject({ code: 'SSH_HOST_KEY_CHANGED', details: { fingerprint: sshd.fingerprint } })
    expect(err.message).toContain(pinned)
    // sshd never saw a user name, let alone a password: the client stopped at the key exchange.
    expect(sshd.log()).not.toContain(SSH_USER)
    expect(sshd.log()).not.toMatch(/Failed|Accepted/)

    // The new key, once confirmed (pinned), is accepted with the same credentials.
    await withStore(target({ fingerprint: sshd.fingerprint, keyPath: null, password: sshd.password }), (s) => expect(s.sshFingerprint).toBe(sshd.fingerprint))
    expect(sshd.log()).toContain(`Accepted password for ${SSH_USER}`)
  })
})
