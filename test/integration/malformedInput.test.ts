import { startApiOverStore, type ApiOverStore } from '../helpers/apiOverStore'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HttpTransport } from '../../electron/services/http/httpServer'
import { MAX_FILTER_NESTING } from '../../electron/services/tracking/search/filterParser'
import { cli } from '../helpers/cliRunner'

/** Raw HTTP, so the path can be anything http.request lets through. */
function post(port: number, path: string, headers: Record<string, string>, body = '{}') {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode!, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** Bytes on a socket, for what no HTTP client would send (a control character in the path). */
function rawBytes(port: number, text: string) {
  return new Promise<string>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.end(text))
    let got = ''
    s.on('data', (c) => (got += c))
    s.on('end', () => resolve(got))
    s.on('error', reject)
  })
}

/** A page token of ours with its cursor values replaced (the fingerprint, which is no secret, kept). */
function tampered(token: string, k: unknown[]): string {
  const doc = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
  return Buffer.from(JSON.stringify({ ...doc, k })).toString('base64url')
}

/**
 * Part 7 of #13: every malformed input from the HTTP API is a 4xx with a
 * code, never a 500, and the CLI exits 2 for the same inputs. Against the
 * real transport and a real store (the MLflow-written small fixture).
 */
describe('malformed input: a 400 with a code, exit 2 on the command line', () => {
  let server: ApiOverStore
  let http: HttpTransport
  let auth: Record<string, string>
  let url: string
  let history: { run_id: string; key: string }

  beforeAll(async () => {
    server = await startApiOverStore('malformed')
    ;({ http, url, history } = server)
    auth = server.headers
  })
  afterAll(() => server?.close())

  const api = async (channel: string, body: unknown) => {
    const res = await post(http.port, `/api/${channel}`, auth, JSON.stringify(body))
    return {
      status: res.status,
      ...(JSON.parse(res.body) as { ok: boolean; data?: any; error?: { code: string; message: string; details?: Record<string, unknown> } }),
    }
  }

  it('a malformed percent-escape in the API path is BAD_REQUEST naming the place, not a 500', async () => {
    const res = await post(http.port, '/api/runs%3search', auth)
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body).error).toEqual({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/malformed percent-escape at character 10 \("%3s"\)/),
      details: { field: 'path', position: 9, length: 3 },
    })
    for (const path of ['/api/%', '/api/runs:search%', '/api/%zz', '/api/%E0%A4%A', '/api/%C0%AF', '/api/%ED%A0%80']) {
      const r = await post(http.port, path, auth)
      expect([r.status, JSON.parse(r.body).error.code], path).toEqual([400, 'BAD_REQUEST'])
    }
    // A well-formed escape still names the channel.
    expect((await post(http.port, '/api/runs%3Asearch', auth, '{"experiment_ids":["1"],"max_results":1}')).status).toBe(200)
  })

  it('a request line Node cannot parse is a 400 with a code too, and the server goes on', async () => {
    const reply = await rawBytes(http.port, `POST /api/app:info\x01x HTTP/1.1\r\nHost: 127.0.0.1:${http.port}\r\n\r\n`)
    expect(reply).toMatch(/^HTTP\/1\.1 400 /)
    expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)).error.code).toBe('BAD_REQUEST')
    expect((await api('app:info', {})).status).toBe(200)
  })

  it('a body nested a million levels deep is BAD_REQUEST, not a stack overflow', async () => {
    const res = await post(http.port, '/api/runs:search', auth, '['.repeat(500_000) + ']'.repeat(500_000))
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/nested too deeply/) })
  })

  it('a filter of 6,000 ( is INVALID_FILTER at the first ( beyond the nesting limit', async () => {
    const res = await api('runs:search', { experiment_ids: ['1'], filter: '('.repeat(6000) })
    expect(res.status).toBe(400)
    expect(res.error).toMatchObject({ code: 'INVALID_FILTER', details: { field: 'filter', position: MAX_FILTER_NESTING, length: 1 } })
    expect((await api('runs:count', { experiment_ids: ['1'], filter: '('.repeat(6000) })).error?.code).toBe('INVALID_FILTER')
  })

  it('tampered page tokens are INVALID_PAGE_TOKEN before any SQL, never "bigint out of range" from the server', async () => {
    const first = await api('runs:search', { experiment_ids: ['1', '2', '3'], max_results: 1 })
    const token: string = first.data.next_page_token
    expect(token).toBeTruthy()
    const cases: unknown[][] = [['9223372036854775808', 'x'], [1e30, 'x'], [1.5, 'x'], ['abc', 'x'], [1, 42], [1, null], [{ a: 1 }, 'x'], [1, 'a\u0000b'], [1]]
    for (const k of cases) {
      const res = await api('runs:search', { experiment_ids: ['1', '2', '3'], max_results: 1, page_token: tampered(token, k) })
      expect([res.status, res.error?.code], JSON.stringify(k)).toEqual([400, 'INVALID_PAGE_TOKEN'])
    }
    for (const offset of [1e300, -1, 0.5, '5']) {
      const res = await api('runs:search', { experiment_ids: ['1'], page_token: Buffer.from(JSON.stringify({ offset })).toString('base64') })
      expect([res.status, res.error?.code], String(offset)).toEqual([400, 'INVALID_PAGE_TOKEN'])
    }
    for (const junk of ['bnVsbA', Buffer.from('[1]').toString('base64'), Buffer.from('"s"').toString('base64')]) {
      expect((await api('runs:search', { experiment_ids: ['1'], page_token: junk })).error?.code).toBe('INVALID_PAGE_TOKEN')
    }
    // The token as given still pages.
    expect((await api('runs:search', { experiment_ids: ['1', '2', '3'], max_results: 1, page_token: token })).status).toBe(200)
  })

  it('metric history and model tokens are checked the same way', async () => {
    const page = await api('metrics:history', { run_id: history.run_id, metric_key: history.key, max_results: 1 })
    const token: string = page.data.next_page_token
    for (const k of [
      [1, '9223372036854775808', 0.5, false],
      [1, 2, {}, false],
      [1, 2, 3, 'false'],
      [1, 2, 3],
    ]) {
      const res = await api('metrics:history', { run_id: history.run_id, metric_key: history.key, max_results: 1, page_token: tampered(token, k) })
      expect([res.status, res.error?.code], JSON.stringify(k)).toEqual([400, 'INVALID_PAGE_TOKEN'])
    }
    const models = await api('models:list', { max_results: 1 })
    const modelToken: string = models.data.next_page_token
    for (const k of [[7], [null], ['a\u0000'], [[]]]) {
      const res = await api('models:list', { max_results: 1, page_token: tampered(modelToken, k) })
      expect([res.status, res.error?.code], JSON.stringify(k)).toEqual([400, 'INVALID_PAGE_TOKEN'])
    }
  })

  it('the CLI exits 2 for all of these', async () => {
    const deep = await cli(['runs', 'search', '--experiment-ids', '1', '--filter', '('.repeat(6000), '--url', url])
    expect(deep.code).toBe(2)
    expect(deep.stderr).toMatch(new RegExp(`more than ${MAX_FILTER_NESTING} levels deep at character ${MAX_FILTER_NESTING + 1}`))

    const page = JSON.parse(
      (await cli(['runs', 'search', '--experiment-ids', '1', '--max-results', '1', '--json', '--url', url])).stdout.replace(/\bNaN\b/g, 'null'),
    )
    const runs = await cli([
      'runs',
      'search',
      '--experiment-ids',
      '1',
      '--max-results',
      '1',
      '--page-token',
      tampered(page.next_page_token, ['9223372036854775808', 'x']),
      '--url',
      url,
    ])
    expect([runs.code, runs.stderr]).toEqual([
      2,
      expect.stringMatching(/page_token is not a token this search returned \(value 1 is out of the range of a 64-bit integer\)/),
    ])

    const hist = JSON.parse(
      (await cli(['metrics', 'history', '--run-id', history.run_id, '--key', history.key, '--max-results', '1', '--json', '--url', url])).stdout.replace(
        /\bNaN\b/g,
        'null',
      ),
    )
    const h = await cli([
      'metrics',
      'history',
      '--run-id',
      history.run_id,
      '--key',
      history.key,
      '--max-results',
      '1',
      '--page-token',
      tampered(hist.next_page_token, [1, 2, 'x', false]),
      '--url',
      url,
    ])
    expect(h.code).toBe(2)

    const models = JSON.parse((await cli(['models', 'list', '--max-results', '1', '--json', '--url', url])).stdout)
    const m = await cli(['models', 'list', '--max-results', '1', '--page-token', tampered(models.next_page_token, [12]), '--url', url])
    expect(m.code).toBe(2)
    const offset = await cli(['models', 'list', '--page-token', Buffer.from('{"offset":1e300}').toString('base64'), '--url', url])
    expect(offset.code).toBe(2)
  })
})
