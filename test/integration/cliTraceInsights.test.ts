import { beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'csv-parse/sync'
import { parseTimeOption } from '../../electron/cli/actions/traceInsights'
import { cli } from '../helpers/cliRunner'
import { createDatabase, urlFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { genaiReference } from '../helpers/genaiReference'

/**
 * traces sessions / session / overview as a shell user runs them on the GenAI fixture; expected
 * values come from what real MLflow's API returned for each trace (the fixture's search-traces.json).
 */
const REF = genaiReference()
const ALL = Object.entries(REF).map(([id, t]) => ({ id, ...t }))
const sessionOf = (t: (typeof ALL)[number]) => t.metadata['mlflow.trace.session'] ?? t.tags['mlflow.trace.session']

describe('mlflow-desk traces sessions, session, overview', () => {
  let url: string
  beforeAll(async () => {
    url = urlFor(await createDatabase('cli_trace_insights', FIXTURES.genai.template))
  })

  it('sessions --json lists every session with its turns; --csv and the table say the same', async () => {
    const bySession = new Map<string, string[]>()
    for (const t of ALL) if (sessionOf(t)) bySession.set(sessionOf(t)!, [...(bySession.get(sessionOf(t)!) ?? []), t.id])
    expect(bySession.size).toBeGreaterThan(1)
    const r = await cli(['traces', 'sessions', '--experiment-ids', '1,2', '--max-results', '5000', '--json', '--url', url])
    expect(r.code, r.stderr).toBe(0)
    const json = JSON.parse(r.stdout) as { sessions: Array<{ session_id: string; turns: number }>; total: number }
    expect(json.total).toBe(bySession.size)
    expect(Object.fromEntries(json.sessions.map((s) => [s.session_id, s.turns]))).toEqual(
      Object.fromEntries([...bySession].map(([id, traces]) => [id, traces.length])),
    )
    const csv = await cli(['traces', 'sessions', '--experiment-ids', '1,2', '--order-by', 'turns', '--max-results', '3', '--csv', '--url', url])
    const rows = parse(csv.stdout, { columns: true }) as Array<Record<string, string>>
    expect(rows.map((x) => Number(x.turns))).toEqual(
      [...bySession.values()]
        .map((v) => v.length)
        .sort((a, b) => b - a)
        .slice(0, 3),
    )
    const table = await cli(['traces', 'sessions', '--experiment-ids', '1,2', '--max-results', '2', '--url', url])
    expect(table.stdout).toContain('SESSION')
    expect(table.stderr).toContain(`2 of ${bySession.size} session(s); next: --offset 2`)
  })

  it('session SESSION_ID prints its turns in request order; an unknown session is a clear error', async () => {
    const id = ALL.map(sessionOf).find(Boolean)!
    const turns = ALL.filter((t) => sessionOf(t) === id).sort((a, b) => a.request_time - b.request_time || a.id.localeCompare(b.id))
    const r = await cli(['traces', 'session', id, '--experiment-ids', '1,2', '--json', '--url', url])
    expect(r.code, r.stderr).toBe(0)
    expect((JSON.parse(r.stdout) as { turns: Array<{ trace_id: string }> }).turns.map((t) => t.trace_id)).toEqual(turns.map((t) => t.id))
    const table = await cli(['traces', 'session', id, '--experiment-ids', '1,2', '--url', url])
    expect(table.stdout.split('\n').filter((l) => l.includes('tr-'))).toHaveLength(turns.length)
    const missing = await cli(['traces', 'session', 'no-such-session', '--experiment-ids', '1,2', '--url', url])
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toContain('No traces of session "no-such-session"')
  })

  it('overview prints totals, error rate and sections; --json holds the totals of the traces in the range', async () => {
    const r = await cli(['traces', 'overview', '--experiment-ids', '1,2', '--url', url])
    expect(r.code, r.stderr).toBe(0)
    const errors = ALL.filter((t) => t.state === 'ERROR').length
    expect(r.stdout).toContain(`${ALL.length} trace(s)`)
    expect(r.stdout).toContain(`${((100 * errors) / ALL.length).toFixed(1)}%`)
    for (const section of ['By trace name', 'By model', 'Feedback', 'Slowest span names']) expect(r.stdout).toContain(section)
    const times = ALL.map((t) => t.request_time).sort((a, b) => a - b)
    const mid = times[Math.floor(times.length / 2)]
    const json = await cli([
      'traces',
      'overview',
      '--experiment-ids',
      '1,2',
      '--start',
      new Date(mid).toISOString(),
      '--bucket',
      'hour',
      '--json',
      '--url',
      url,
    ])
    expect(json.code, json.stderr).toBe(0)
    const o = JSON.parse(json.stdout) as { bucket: string; totals: { traces: number } }
    expect(o.bucket).toBe('hour')
    expect(o.totals.traces).toBe(ALL.filter((t) => t.request_time >= mid).length)
  })

  it('refuses a bad time, bucket or order naming the option', async () => {
    const bad = await cli(['traces', 'overview', '--experiment-ids', '1', '--start', 'yesterday', '--url', url])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toContain('--start: "yesterday"')
    const order = await cli(['traces', 'sessions', '--experiment-ids', '1', '--order-by', 'size', '--url', url])
    expect(order.code).not.toBe(0)
    expect(order.stderr).toContain('--order-by')
    const range = await cli(['traces', 'overview', '--experiment-ids', '1', '--start', '2026-12-02', '--end', '2026-12-01', '--url', url])
    expect(range.stderr).toContain('--end')
    expect(parseTimeOption('--start', '2026-12-01')).toBe(Date.UTC(2026, 11, 1))
    expect(parseTimeOption('--start', '2026-12-01T08:30')).toBe(Date.UTC(2026, 11, 1, 8, 30))
    expect(parseTimeOption('--start', '2026-12-01T08:30+01:00')).toBe(Date.UTC(2026, 11, 1, 7, 30))
    expect(parseTimeOption('--start', '1764547200000')).toBe(1764547200000)
  })
})
