import { startApiOverStore, type ApiOverStore } from '../helpers/apiOverStore'
import { connect } from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HttpTransport } from '../../electron/services/http/httpServer'
import { CHANNELS, contract, type Channel } from '@shared/api/contract'
import { APP_ERROR_CODES } from '@shared/api/errors'
import { decodeWire } from '@shared/api/wireJson'

/**
 * Fuzz regression tests of the local HTTP transport on a real store (the
 * MLflow-written small fixture): random API paths and escapes, random bodies
 * for every channel, and tampered page tokens. Every answer is a 2xx, or a 4xx
 * whose JSON body carries a code; never a 5xx; the server answers afterwards.
 * Deterministic: a fixed seed and a fixed number of runs.
 */
const SEED = 1313

/**
 * Channels whose work reaches beyond the store and this test's folder (another
 * host, a new window, files chosen by path) or takes seconds by design: their
 * bodies are fuzzed only through the contract check, not run.
 */
const NOT_RUN = new Set<Channel>([
  'profiles:test',
  'profiles:switch',
  'windows:open',
  'export:run',
  'artifacts:download',
  'query:export',
  'profiles:import-service',
])

interface Reply {
  status: number
  body: string
}

/** One request as bytes on a socket: the path goes out exactly as generated (no client escapes or refuses it). */
function send(port: number, method: string, path: string, headers: Record<string, string>, body: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const head = [
      `${method} ${path} HTTP/1.1`,
      ...Object.entries({ ...headers, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' }).map(([k, v]) => `${k}: ${v}`),
    ].join('\r\n')
    // Written, not ended: a half-closed socket may be dropped before an async answer is ready.
    const s = connect(port, '127.0.0.1', () => s.write(`${head}\r\n\r\n${body}`))
    const chunks: Buffer[] = []
    s.on('data', (c) => chunks.push(c))
    s.on('error', reject)
    s.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)
      const bodyStart = text.indexOf('\r\n\r\n')
      // Node may answer chunked: the envelope is the one JSON line inside.
      const rest = bodyStart < 0 ? '' : text.slice(bodyStart + 4)
      resolve({ status, body: /^[0-9a-f]+\r\n/i.test(rest) ? rest.replace(/^[0-9a-f]+\r\n/i, '').replace(/\r\n0\r\n\r\n$/, '') : rest })
    })
  })
}

/** The property every answer has: 2xx, or 4xx with a known code in a JSON envelope. */
function expectClean(r: Reply, what: string): { ok: boolean; data?: any; error?: { code: string; message: string } } {
  expect(r.status, `${what} -> ${r.status} ${r.body.slice(0, 300)}`).toBeGreaterThanOrEqual(200)
  expect(r.status, `${what} -> ${r.status} ${r.body.slice(0, 300)}`).toBeLessThan(500)
  if (r.status >= 300) {
    const env = JSON.parse(r.body)
    expect(env.ok, what).toBe(false)
    expect(APP_ERROR_CODES as readonly string[], `${what}: ${r.body.slice(0, 200)}`).toContain(env.error.code)
    expect(typeof env.error.message).toBe('string')
    return env
  }
  return r.body ? (decodeWire(r.body) as { ok: boolean; data?: any }) : { ok: true }
}

function report(name: string, runs: number, started: number, extra = ''): void {
  console.log(`[fuzz] ${name}: ${runs} requests, seed ${SEED}, ${Math.round(performance.now() - started)} ms${extra}`)
}

describe('fuzz: the HTTP API on a real store', () => {
  let server: ApiOverStore
  let http: HttpTransport
  let headers: Record<string, string>
  let history: { run_id: string; key: string }
  const crashes: unknown[] = []
  const onCrash = (e: unknown) => crashes.push(e)

  beforeAll(async () => {
    server = await startApiOverStore('api-fuzz')
    ;({ http, headers, history } = server)
    process.on('uncaughtException', onCrash)
    process.on('unhandledRejection', onCrash)
  })
  afterAll(async () => {
    process.off('uncaughtException', onCrash)
    process.off('unhandledRejection', onCrash)
    await server?.close()
  })

  const api = (channel: string, body: unknown) => send(http.port, 'POST', `/api/${channel}`, headers, JSON.stringify(body))

  it('random paths and percent-escapes: never a 5xx, and the server goes on', async () => {
    const escape = fc.oneof(
      fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0')}`),
      fc.constantFrom('%', '%3', '%zz', '%%', '%E0%A4', '%C0%AF', '%ED%A0%80', '%F4%90%80%80', '%00', '%2F', '%3A', '%2e%2e'),
    )
    const char = fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz:-_./?#&=+'.split('')) },
      { weight: 2, arbitrary: escape },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }).filter((s) => !/[\r\n]/.test(s)) },
    )
    /** A channel name, percent-encoded in part, cut, or with junk added. */
    const channel = fc.tuple(fc.constantFrom(...CHANNELS), fc.array(fc.tuple(fc.nat(), char), { maxLength: 3 }), fc.boolean()).map(([name, edits, encode]) => {
      let s: string = encode ? name.replace(/:/g, '%3A') : name
      for (const [at, c] of edits) s = s.slice(0, at % (s.length + 1)) + c + s.slice(at % (s.length + 1))
      return s
    })
    const path = fc.oneof(
      fc
        .tuple(fc.constantFrom('/api/', '/api//', '/API/', '/', '/api', '//api/', '/api/../api/'), fc.array(char, { maxLength: 30 }))
        .map(([p, cs]) => p + cs.join('')),
      channel.map((c) => `/api/${c}`),
    )
    const method = fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'HEAD', 'OPTIONS')
    let runs = 0
    const statuses = new Map<number, number>()
    const started = performance.now()
    await fc.assert(
      fc.asyncProperty(method, path, async (m, p) => {
        runs++
        // A space or a control character in the path: Node's parser refuses the line (a 400 of ours with a code).
        const r = await send(http.port, m, p, headers, m === 'GET' || m === 'HEAD' ? '' : '{}')
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
        if (m === 'HEAD') {
          expect(r.status).toBeLessThan(500)
          return
        }
        // Outside /api/ a GET is the renderer's static files (HTML); everything else answers with an envelope.
        if (m === 'GET' && r.status === 200) return
        expectClean(r, `${m} ${JSON.stringify(p)}`)
      }),
      { seed: SEED, numRuns: 800 },
    )
    report(
      'API paths',
      runs,
      started,
      ` (statuses ${[...statuses]
        .sort()
        .map(([s, n]) => `${s}x${n}`)
        .join(' ')})`,
    )
    // Some paths name a channel whole and reach its handler. How many moves with the seeded draw each time the
    // contract gains a channel (10 of 800 once traces:get came): a floor, not a count.
    expect(statuses.get(200)).toBeGreaterThanOrEqual(5)
    expect(expectClean(await api('app:info', {}), 'app:info after').ok).toBe(true)
    expect(crashes).toEqual([])
  })

  it('random bodies for every channel: 2xx or 4xx with a code, never a 5xx', async () => {
    const keysOf = (c: Channel): string[] => Object.keys((contract[c].request as unknown as { shape?: Record<string, unknown> }).shape ?? {})
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom(
        '1',
        '0',
        '',
        'active',
        'all',
        'metrics.acc > 0.5',
        '('.repeat(300),
        'SELECT 1',
        'x'.repeat(5000),
        history.run_id,
        history.key,
        -1,
        2 ** 53,
        1e308,
      ),
      fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxLength: 4 }),
    )
    const request = fc.constantFrom(...CHANNELS).chain((c) =>
      fc.tuple(
        fc.constant(c),
        fc.oneof(
          // Anything at all as the body.
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
          // The channel's own fields, with any values (reaches the handlers often).
          {
            weight: 3,
            arbitrary: fc
              .subarray(keysOf(c))
              .chain((ks) => fc.tuple(...ks.map(() => value)).map((vs) => JSON.stringify(Object.fromEntries(ks.map((k, i) => [k, vs[i]]))))),
          },
          // Not JSON, or JSON nested past any stack.
          { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', 'nul', '\u0000', '['.repeat(200_000), '{"$num":"NaN"}', '{"__proto__":{"x":1}}', '') },
        ),
      ),
    )
    let runs = 0
    let handled = 0
    const codes = new Map<string, number>()
    const started = performance.now()
    await fc.assert(
      fc.asyncProperty(request, async ([channel, body]) => {
        runs++
        if (NOT_RUN.has(channel)) {
          // Only the contract's check: a body it takes is not run.
          const parsed = contract[channel].request.safeParse(
            JSON.parse(body === '' ? '{}' : body.startsWith('{') || body.startsWith('[') ? safeJson(body) : 'null'),
          )
          if (parsed.success) return
        }
        const env = expectClean(await send(http.port, 'POST', `/api/${channel}`, headers, body), `${channel} ${body.slice(0, 200)}`)
        if (env.ok) handled++
        else codes.set(env.error!.code, (codes.get(env.error!.code) ?? 0) + 1)
      }),
      { seed: SEED, numRuns: 1000 },
    )
    report(
      'API bodies',
      runs,
      started,
      ` (${handled} answered ok; errors ${[...codes]
        .sort()
        .map(([c, n]) => `${c}x${n}`)
        .join(' ')})`,
    )
    expect(handled).toBeGreaterThan(20)
    expect(expectClean(await api('app:info', {}), 'app:info after').ok).toBe(true)
    expect(crashes).toEqual([])
  })

  it('tampered page tokens on the real store: a valid page or INVALID_PAGE_TOKEN, never a database error', async () => {
    // Searches whose order keys cover every cursor type: bigint, text, int, float8, boolean.
    const searches: Array<{ channel: string; body: Record<string, unknown> }> = [
      { channel: 'runs:search', body: { experiment_ids: ['1', '2', '3'], max_results: 2 } },
      { channel: 'runs:search', body: { experiment_ids: ['1', '2', '3'], max_results: 2, order_by: ['metrics.acc DESC', 'params.optimizer'] } },
      { channel: 'runs:search', body: { experiment_ids: ['1', '2', '3'], max_results: 2, filter: 'metrics.acc > 0', order_by: ['metrics.acc'] } },
      { channel: 'runs:search', body: { experiment_ids: [], max_results: 2, order_by: ['start_time', 'run_name DESC'] } },
      { channel: 'metrics:history', body: { run_id: history.run_id, metric_key: history.key, max_results: 1 } },
      { channel: 'models:list', body: { max_results: 1 } },
    ]
    const real: Array<{ channel: string; body: Record<string, unknown>; token: string; doc: { v: number; f: string; k: unknown[] } }> = []
    for (const s of searches) {
      const env = expectClean(await api(s.channel, s.body), s.channel)
      const token = env.data.next_page_token as string
      expect(token, JSON.stringify(s)).toBeTruthy()
      real.push({ ...s, token, doc: JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) })
    }
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(Number),
      fc.double(),
      fc.constantFrom(
        'NaN',
        'Infinity',
        '-Infinity',
        'nan',
        '9223372036854775807',
        '9223372036854775808',
        '-9223372036854775809',
        'a\u0000b',
        '\uD800',
        '',
        null,
        true,
        false,
        2 ** 31,
        2 ** 63,
        -(2 ** 63),
      ),
    )
    const b64url = (v: unknown) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url')
    const tamper = fc.tuple(fc.nat({ max: real.length - 1 }), fc.nat()).chain(([i, seed]) => {
      const r = real[i]
      const { k } = r.doc
      return fc
        .oneof(
          // Some cursor values replaced, the fingerprint kept: reaches the per-key checks and the SQL.
          fc
            .array(fc.option(value, { nil: undefined }), { minLength: k.length, maxLength: k.length })
            .map((vs) => b64url({ ...r.doc, k: vs.map((v, j) => (v === undefined ? k[j] : v)) })),
          // The wrong number of values.
          fc.array(value, { maxLength: k.length + 2 }).map((vs) => b64url({ ...r.doc, k: vs })),
          // MLflow's offset form with any offset.
          value.map((offset) => b64url({ offset })),
          // A character of the real token changed, or the token cut short.
          fc.tuple(fc.nat(), fc.constantFrom(...'AZaz09-_=+/!'.split('')), fc.boolean()).map(([at, c, cut]) => {
            const j = (at + seed) % r.token.length
            return cut ? r.token.slice(0, j) : r.token.slice(0, j) + c + r.token.slice(j + 1)
          }),
          // Any text.
          fc.string({ unit: 'binary', maxLength: 120 }),
        )
        .map((token) => ({ ...r, tampered: token }))
    })
    let runs = 0
    let pages = 0
    const started = performance.now()
    await fc.assert(
      fc.asyncProperty(tamper, async (t) => {
        runs++
        const env = expectClean(await api(t.channel, { ...t.body, page_token: t.tampered }), `${t.channel} ${t.tampered}`)
        if (env.ok) {
          pages++
          return
        }
        // A token the contract refuses (over 4,096 characters) is BAD_REQUEST; any other is INVALID_PAGE_TOKEN.
        expect(['INVALID_PAGE_TOKEN', 'BAD_REQUEST'], `${t.channel} ${t.tampered}: ${env.error!.message}`).toContain(env.error!.code)
      }),
      { seed: SEED, numRuns: 700 },
    )
    report('page tokens on the store', runs, started, ` (${pages} valid pages, ${runs - pages} INVALID_PAGE_TOKEN)`)
    expect(pages).toBeGreaterThan(20)
    expect(crashes).toEqual([])
  })
})

function safeJson(text: string): string {
  try {
    JSON.parse(text)
    return text
  } catch {
    return 'null'
  }
}
