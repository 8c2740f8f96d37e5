import { randomBytes } from 'node:crypto'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SslSettings } from '@shared/domain/profiles'
import type { ConnectionTarget } from '../../electron/services/connections/connectionUrl'
import { testConnection } from '../../electron/services/connections/connectionTest'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { clusterDataDir, startCluster, type EmbeddedCluster } from '../../electron/services/demo/embeddedCluster'
import { migrateStore } from '../../electron/services/tracking/migrate'
import { createDatabase, pgInfo, targetFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { binDirFor } from '../helpers/pgVersions'
import { makeTestCerts, type TestCerts } from '../helpers/tlsCerts'

/**
 * libpq's sslmodes against a real PostgreSQL with TLS on (a second embedded
 * cluster, with a certificate from a throwaway CA for DNS:localhost only), and
 * against the main test server, which has no TLS.
 */
describe('TLS (sslmode) against real servers', () => {
  let dir: string
  let certs: TestCerts
  let cluster: EmbeddedCluster | undefined
  const password = `tls-${randomBytes(8).toString('hex')}`
  const database = 'tls_store'
  /** pg_hba.conf lets this one be reached over TLS only (hostssl). */
  const tlsOnly = 'tls_only'

  const ssl = (mode: SslSettings['mode'], rootCert: string | null = null): SslSettings => ({ mode, root_cert: rootCert, cert: null, key: null })
  const tlsTarget = (mode: SslSettings['mode'], rootCert: string | null = null, host = 'localhost', db = database): ConnectionTarget => ({
    host,
    port: cluster!.port,
    user: 'postgres',
    password,
    database: db,
    ssl: ssl(mode, rootCert),
  })

  /** Open, hand the store to `fn`, always close. */
  async function withStore<T>(target: ConnectionTarget, fn: (s: StoreHandle) => T | Promise<T>): Promise<T> {
    const store = await openStore(target)
    try {
      return await fn(store)
    } finally {
      await store.close()
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlflow-desk-tls-'))
    // As root the server runs as 'postgres': it must enter the folder and read the certificate and key.
    await chmod(dir, 0o755)
    await mkdir(join(dir, 'certs'), { mode: 0o755 })
    certs = makeTestCerts(join(dir, 'certs'))
    cluster = await startCluster({
      dataDir: join(dir, 'data'),
      password,
      ephemeral: true,
      binDir: await binDirFor(pgInfo().major),
      postgresFlags: ['-c', 'ssl=on', '-c', `ssl_cert_file=${certs.serverCert}`, '-c', `ssl_key_file=${certs.serverKey}`],
    })
    const admin = new pg.Client({ host: '127.0.0.1', port: cluster.port, user: 'postgres', password, database: 'postgres' })
    await admin.connect()
    try {
      await admin.query(`CREATE DATABASE ${database}`)
      await admin.query(`CREATE DATABASE ${tlsOnly}`)
      // First match wins: TLS connections to tls_only are let in, plain ones rejected.
      const hba = join(clusterDataDir(join(dir, 'data')), 'pg_hba.conf')
      const rules = `hostssl ${tlsOnly} all 127.0.0.1/32 scram-sha-256\nhost ${tlsOnly} all 127.0.0.1/32 reject\n`
      await writeFile(hba, rules + (await readFile(hba, 'utf8')))
      await admin.query('SELECT pg_reload_conf()')
    } finally {
      await admin.end()
    }
    // MLflow's schema, created through a verified TLS connection (the writable path).
    await migrateStore(tlsTarget('verify-full', certs.caCert))
    await migrateStore(tlsTarget('require', null, 'localhost', tlsOnly))
  })

  afterAll(async () => {
    await cluster?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('the test server has TLS on: pg_stat_ssl sees a TLS session encrypted', async () => {
    const c = new pg.Client({ host: '127.0.0.1', port: cluster!.port, user: 'postgres', password, database, ssl: { rejectUnauthorized: false } })
    await c.connect()
    try {
      const { rows } = await c.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')
      expect(rows[0].ssl).toBe(true)
    } finally {
      await c.end()
    }
  })

  describe('verify-full', () => {
    it('with the right CA and the host name in the certificate: connects over TLS', async () => {
      await withStore(tlsTarget('verify-full', certs.caCert), (s) => {
        expect(s.tls).toBe(true)
        expect(s.schema.describe().revision).toBeTruthy()
      })
      const result = await testConnection(tlsTarget('verify-full', certs.caCert))
      expect(result.error).toBeNull()
      expect(result).toMatchObject({ ok: true, tls: true, via_ssh: false })
      expect(result.mlflow?.is_store).toBe(true)
    })

    it('with a CA that did not sign the server certificate: TLS_FAILED, saying so', async () => {
      const err = await openStore(tlsTarget('verify-full', certs.otherCaCert)).catch((e) => e)
      expect(err).toMatchObject({ code: 'TLS_FAILED' })
      expect(err.message).toContain(`the server's certificate is not signed by the given root certificate (sslrootcert: "${certs.otherCaCert}")`)
      expect(err.message).toContain(`localhost:${cluster!.port}`)
      const result = await testConnection(tlsTarget('verify-full', certs.otherCaCert))
      expect(result).toMatchObject({ ok: false, tls: null, error: { code: 'TLS_FAILED' } })
    })

    it('with the right CA but a host name the certificate does not name: TLS_FAILED naming the host', async () => {
      const err = await openStore(tlsTarget('verify-full', certs.caCert, '127.0.0.1')).catch((e) => e)
      expect(err).toMatchObject({ code: 'TLS_FAILED' })
      expect(err.message).toMatch(/certificate does not match (the )?host "?127\.0\.0\.1/)
      expect(err.message).toContain('DNS:localhost')
      expect(err.message).toContain('sslmode=verify-ca')
    })

    it('without a root certificate the system CAs are used, which do not know the test CA', async () => {
      const err = await openStore(tlsTarget('verify-full')).catch((e) => e)
      expect(err).toMatchObject({ code: 'TLS_FAILED' })
      expect(err.message).toContain('not signed by a certificate authority this computer trusts')
    })
  })

  describe('verify-ca', () => {
    it('with the right CA: the chain is checked, the host name is not', async () => {
      await withStore(tlsTarget('verify-ca', certs.caCert, '127.0.0.1'), (s) => expect(s.tls).toBe(true))
    })

    it('with the wrong CA: TLS_FAILED', async () => {
      const err = await openStore(tlsTarget('verify-ca', certs.otherCaCert, '127.0.0.1')).catch((e) => e)
      expect(err).toMatchObject({ code: 'TLS_FAILED', message: expect.stringContaining('sslrootcert') })
    })
  })

  describe('require', () => {
    it('without a CA: TLS, no verification', async () => {
      await withStore(tlsTarget('require', null, '127.0.0.1'), (s) => expect(s.tls).toBe(true))
    })

    it('with a root certificate given, verifies the chain as libpq does (verify-ca)', async () => {
      await withStore(tlsTarget('require', certs.caCert, '127.0.0.1'), (s) => expect(s.tls).toBe(true))
      await expect(openStore(tlsTarget('require', certs.otherCaCert, '127.0.0.1'))).rejects.toMatchObject({ code: 'TLS_FAILED' })
    })

    it('against a server without TLS: TLS_FAILED, saying the server has no TLS', async () => {
      const target = { ...targetFor(await createDatabase('tls_plain', FIXTURES.small.template)), ssl: ssl('require') }
      const err = await openStore(target).catch((e) => e)
      expect(err).toMatchObject({ code: 'TLS_FAILED' })
      expect(err.message).toMatch(/does not support SSL|without TLS|no TLS/i)
      const result = await testConnection(target)
      expect(result).toMatchObject({ ok: false, error: { code: 'TLS_FAILED' } })
    })
  })

  describe('prefer and allow', () => {
    it('prefer against the TLS server uses TLS', async () => {
      await withStore(tlsTarget('prefer'), (s) => expect(s.tls).toBe(true))
    })

    it('prefer against a server without TLS falls back to a plain connection', async () => {
      const target = { ...targetFor(await createDatabase('tls_prefer', FIXTURES.small.template)), ssl: ssl('prefer') }
      await withStore(target, (s) => expect(s.tls).toBe(false))
      const result = await testConnection(target)
      expect(result).toMatchObject({ ok: true, tls: false })
    })

    it('allow against the TLS server starts plain (the server accepts it)', async () => {
      await withStore(tlsTarget('allow'), (s) => expect(s.tls).toBe(false))
    })
  })

  it('disable against the TLS server connects without TLS', async () => {
    await withStore(tlsTarget('disable'), (s) => expect(s.tls).toBe(false))
    expect(await testConnection(tlsTarget('disable'))).toMatchObject({ ok: true, tls: false })
  })

  describe('a database the server lets in over TLS only (hostssl)', () => {
    it('disable is refused with a message that says encryption is missing', async () => {
      const err = await openStore(tlsTarget('disable', null, 'localhost', tlsOnly)).catch((e) => e)
      expect(err).toMatchObject({ code: 'AUTH_FAILED' })
      expect(err.message).toContain('no encryption')
      expect(err.message).toContain(`/${tlsOnly}`)
    })

    it('allow starts plain, is refused, and retries with TLS as libpq does', async () => {
      await withStore(tlsTarget('allow', null, 'localhost', tlsOnly), (s) => expect(s.tls).toBe(true))
    })
  })

  it('an sslrootcert that does not exist: INVALID_CONNECTION naming the file', async () => {
    const missing = join(dir, 'certs', 'no-such-root.crt')
    const err = await openStore(tlsTarget('verify-full', missing)).catch((e) => e)
    expect(err).toMatchObject({ code: 'INVALID_CONNECTION', details: { field: 'sslrootcert' } })
    expect(err.message).toContain(missing)
    expect(err.message).toContain('no such file')
  })
})
