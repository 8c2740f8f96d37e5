import { mkdtemp, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppContext } from '../../electron/services/appContext'
import { startHttpTransport, type HttpTransport } from '../../electron/services/http/httpServer'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import type { Workspace } from '../../electron/services/workspace'
import { decodeWire } from '@shared/api/wireJson'
import { createDatabase, urlFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'

/** Raw HTTP, so Host and Origin can be set to anything (fetch forbids that). */
function raw(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path, headers: opts.headers }, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

describe('the local HTTP transport', () => {
  let http: HttpTransport
  let workspace: Workspace
  let auth: Record<string, string>

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'renderer-'))
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>MLflow Desk</title>')
    const url = urlFor(await createDatabase('http', FIXTURES.small.template)) + '?sslmode=disable'
    const app = await createAppContext({ home: dir, env: {}, cipher: aesGcmCipher(Buffer.alloc(32, 1), 'a test key'), choice: { url }, transport: 'http' })
    workspace = app.workspace
    http = await startHttpTransport({ handlers: app.handlers, workspace, rendererDir: dir })
    // As `serve` wires it: handler events go out to every tab's event stream.
    app.events.subscribe((event, payload) => http.emit(event, payload))
    auth = { Host: `127.0.0.1:${http.port}`, Authorization: `Bearer ${http.token}`, 'Content-Type': 'application/json' }
  })
  afterAll(async () => {
    await http?.close()
    await workspace?.dispose()
  })

  it('listens on loopback only and hands out a fresh token per start', () => {
    expect(http.url).toBe(`http://127.0.0.1:${http.port}`)
    expect(http.openUrl).toBe(`${http.url}/?token=${http.token}`)
    expect(http.token.length).toBeGreaterThanOrEqual(32)
  })

  it('answers a contract call with MLflow-shaped data, NaN intact', async () => {
    const res = await fetch(`${http.url}/api/runs:search`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ experiment_ids: ['1', '2', '3'], max_results: 500 }),
    })
    expect(res.status).toBe(200)
    const env = decodeWire(await res.text()) as { ok: true; data: { runs: Array<{ data: { metrics: Array<{ value: number }> } }> } }
    expect(env.ok).toBe(true)
    expect(env.data.runs.length).toBeGreaterThan(10)
    expect(env.data.runs.some((r) => r.data.metrics.some((m) => Number.isNaN(m.value)))).toBe(true)
  })

  it('401s without the token, whatever the path', async () => {
    for (const path of ['/api/runs:search', '/api/no-such-channel', '/api/', '/api/events']) {
      const res = await raw(http.port, { path, headers: { Host: `127.0.0.1:${http.port}`, 'Content-Type': 'application/json' }, body: '{}' })
      expect(res.status, path).toBe(401)
      expect(JSON.parse(res.body).error.code).toBe('UNAUTHORIZED')
    }
    const wrong = await raw(http.port, { path: '/api/app:info', headers: { ...auth, Authorization: 'Bearer nope' }, body: '{}' })
    expect(wrong.status).toBe(401)
  })

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin', async () => {
    const host = await raw(http.port, { path: '/api/app:info', headers: { ...auth, Host: `evil.example:${http.port}` }, body: '{}' })
    expect(host.status).toBe(403)
    const page = await raw(http.port, { method: 'GET', path: '/', headers: { Host: 'attacker.test' } })
    expect(page.status).toBe(403)
    const origin = await raw(http.port, { path: '/api/app:info', headers: { ...auth, Origin: 'https://evil.example' }, body: '{}' })
    expect(origin.status).toBe(403)
    const ok = await raw(http.port, { path: '/api/app:info', headers: { ...auth, Origin: `http://127.0.0.1:${http.port}` }, body: '{}' })
    expect(ok.status).toBe(200)
  })

  it('turns malformed requests into typed errors, never a crash', async () => {
    const cases = [
      { body: '{not json', code: 'BAD_REQUEST', status: 400 },
      { body: '{"experiment_ids": "1"}', code: 'BAD_REQUEST', status: 400 },
      { body: '{"experiment_ids": ["1"], "extra": true}', code: 'BAD_REQUEST', status: 400 },
    ]
    for (const c of cases) {
      const res = await raw(http.port, { path: '/api/runs:search', headers: auth, body: c.body })
      expect(res.status).toBe(c.status)
      expect(JSON.parse(res.body).error.code).toBe(c.code)
    }
    const unknown = await raw(http.port, { path: '/api/runs:delete', headers: auth, body: '{}' })
    expect([unknown.status, JSON.parse(unknown.body).error.code]).toEqual([404, 'UNKNOWN_CHANNEL'])
    const notJson = await raw(http.port, { path: '/api/app:info', headers: { ...auth, 'Content-Type': 'text/plain' }, body: '{}' })
    expect(notJson.status).toBe(400)
    const big = await raw(http.port, { path: '/api/app:info', headers: auth, body: '{"x":"' + 'a'.repeat(1_100_000) + '"}' })
    expect(big.status).toBe(400)
    const alive = await raw(http.port, { path: '/api/app:info', headers: auth, body: '{}' })
    expect(alive.status).toBe(200)
  })

  it('serves the renderer with a strict CSP and no Referer leaks', async () => {
    const res = await raw(http.port, { method: 'GET', path: '/', headers: { Host: `127.0.0.1:${http.port}` } })
    expect(res.status).toBe(200)
    expect(res.body).toContain('MLflow Desk')
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'")
    expect(res.headers['referrer-policy']).toBe('no-referrer')
  })

  it('pushes contract events over server-sent events to token holders', async () => {
    const res = await fetch(`${http.url}/api/events?token=${http.token}`)
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const reader = res.body!.getReader()
    await reader.read()
    http.emit('profiles:changed', { reason: 'saved' })
    const { value } = await reader.read()
    expect(new TextDecoder().decode(value)).toContain('event: profiles:changed')
    await reader.cancel()
  })

  it('tells every tab when a profile is saved in another', async () => {
    const res = await fetch(`${http.url}/api/events?token=${http.token}`)
    const reader = res.body!.getReader()
    await reader.read()
    const save = await fetch(`${http.url}/api/profiles:save`, {
      method: 'POST',
      headers: { ...auth, 'X-Desk-Window': 'another-tab-1234' },
      body: JSON.stringify({ settings: { name: 'from-another-tab', host: 'h', database: 'd', user: 'u' } }),
    })
    expect(save.status).toBe(200)
    const { value } = await reader.read()
    expect(new TextDecoder().decode(value)).toContain('event: profiles:changed\ndata: {"reason":"saved"}')
    await reader.cancel()
  })
})
