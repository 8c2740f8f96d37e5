import { createHash, createHmac, randomBytes } from 'node:crypto'
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, request, type IncomingMessage, type Server } from 'node:http'
import { createRequire } from 'node:module'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** s3rver knows one account; its access key id is fixed, the secret is ours (see verifySigV4). */
export const S3_ACCESS_KEY_ID = 'S3RVER'

/** A real S3 API (s3rver, behind a SigV4-checking front) on a loopback port, holding one bucket in a temp folder. */
export interface S3Server {
  endpoint: string
  bucket: string
  region: 'us-east-1'
  accessKeyId: string
  secretAccessKey: string
  /** Requests refused by the signature check, for assertions. */
  refused(): number
  stop(): Promise<void>
}

const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest()

/**
 * s3rver checks that the access key id exists but does not verify SigV4 signatures. This
 * recomputes the signature of each request (header-signed, as the AWS SDK sends them) with the
 * secret, so a wrong secret key is refused with SignatureDoesNotMatch exactly as S3 does.
 */
function verifySigV4(req: IncomingMessage, secret: string): boolean {
  const auth = req.headers.authorization ?? ''
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth)
  if (!m) return false
  const [, , date, region, service, signedHeaders, signature] = m
  const url = req.url ?? '/'
  const q = url.indexOf('?')
  const path = q < 0 ? url : url.slice(0, q)
  const query = (q < 0 ? '' : url.slice(q + 1))
    .split('&')
    .filter(Boolean)
    .map((kv) => {
      const [k, v = ''] = kv.split('=')
      return [rfc3986(decodeURIComponent(k!.replace(/\+/g, ' '))), rfc3986(decodeURIComponent(v.replace(/\+/g, ' ')))] as const
    })
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  const names = signedHeaders!.split(';')
  const headers = names
    .map(
      (n) =>
        `${n}:${String(req.headers[n] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('')
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? 'UNSIGNED-PAYLOAD')
  const canonical = [req.method, path, query, headers, signedHeaders, payloadHash].join('\n')
  const amzDate = String(req.headers['x-amz-date'] ?? '')
  const scope = `${date}/${region}/${service}/aws4_request`
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n')
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date!), region!), service!), 'aws4_request')
  return createHmac('sha256', key).update(toSign).digest('hex') === signature
}

/**
 * s3rver signs its ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only offers through
 * its legacy provider; so it runs in its own Node process started with --openssl-legacy-provider
 * (s3rver 3.7 predates OpenSSL 3), and prints its port once it listens.
 */
const S3RVER_MAIN = `
const S3rver = require(process.argv[1]);
const app = new S3rver({ silent: true, address: '127.0.0.1', port: 0, directory: process.argv[2], configureBuckets: [{ name: process.argv[3] }], vhostBuckets: false });
app.run().then((a) => console.log(JSON.stringify({ port: a.port })), (e) => { console.error(String(e)); process.exit(1) });
`

async function spawnS3rver(directory: string, bucket: string): Promise<{ child: ChildProcess; port: number }> {
  const main = createRequire(import.meta.url).resolve('s3rver')
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', S3RVER_MAIN, main, directory, bucket], { stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /\{"port":(\d+)\}/.exec(out)
      if (m) resolve(Number(m[1]))
    })
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}): ${err}`)))
  })
  return { child, port }
}

export async function startS3Server(bucket = 'mlflow-artifacts'): Promise<S3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'desk-s3rver-'))
  const { child, port: backend } = await spawnS3rver(directory, bucket)
  const secretAccessKey = randomBytes(18).toString('base64url')
  let refused = 0
  const server: Server = createServer((req, res) => {
    // A known key id with a wrong signature: S3's own answer. Unknown key ids are s3rver's to refuse.
    if (String(req.headers.authorization ?? '').includes(`Credential=${S3_ACCESS_KEY_ID}/`) && !verifySigV4(req, secretAccessKey)) {
      refused++
      req.resume()
      res.writeHead(403, { 'content-type': 'application/xml' })
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message></Error>',
      )
      return
    }
    const upstream = request({ host: '127.0.0.1', port: backend, method: req.method, path: req.url, headers: req.headers }, (up) => {
      // s3rver 3.7 answers a Range on an empty object with "206, bytes 0-0/0, Content-Length: 1" and
      // never sends that byte, so the client waits forever; S3 answers 416 InvalidRange.
      if (up.statusCode === 206 && /\/0$/.test(String(up.headers['content-range'] ?? ''))) {
        up.resume()
        res.writeHead(416, { 'content-type': 'application/xml' })
        res.end('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message></Error>')
        return
      }
      res.writeHead(up.statusCode ?? 502, up.headers)
      up.pipe(res)
    })
    upstream.on('error', () => res.destroy())
    res.on('close', () => upstream.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    region: 'us-east-1',
    accessKeyId: S3_ACCESS_KEY_ID,
    secretAccessKey,
    refused: () => refused,
    async stop() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill()
      })
      await rm(directory, { recursive: true, force: true })
    },
  }
}
