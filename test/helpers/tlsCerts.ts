import { execFileSync } from 'node:child_process'
import { chmodSync, chownSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Throwaway certificates for TLS tests, made with the `openssl` on PATH. */
export interface TestCerts {
  /** The CA that signed the server certificate. */
  caCert: string
  /** A second CA that has nothing to do with the server. */
  otherCaCert: string
  serverCert: string
  /** 0600, owned by the server's user (as root: 'postgres', who runs the server). */
  serverKey: string
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
}

function makeCa(dir: string, name: string): { cert: string; key: string } {
  const key = join(dir, `${name}.key`)
  const cert = join(dir, `${name}.crt`)
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    `/CN=MLflow Desk test ${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ])
  return { cert, key }
}

/**
 * A CA, a server certificate it signs for DNS:localhost only (deliberately not
 * 127.0.0.1, so that host-name checks can fail), and an unrelated second CA.
 */
export function makeTestCerts(dir: string): TestCerts {
  const ca = makeCa(dir, 'ca')
  const other = makeCa(dir, 'other-ca')
  const serverKey = join(dir, 'server.key')
  const csr = join(dir, 'server.csr')
  const serverCert = join(dir, 'server.crt')
  const ext = join(dir, 'server.ext')
  writeFileSync(ext, 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n')
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', serverKey, '-out', csr, '-subj', '/CN=localhost'])
  openssl(dir, ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', serverCert, '-days', '2', '-extfile', ext])
  // PostgreSQL refuses a key that others can read, and must itself be able to read it.
  chmodSync(serverKey, 0o600)
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
    chownSync(serverKey, uid, gid)
  }
  return { caCert: ca.cert, otherCaCert: other.cert, serverCert, serverKey }
}
