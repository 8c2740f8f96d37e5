import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type pg from 'pg'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { traceSessions } from '../../electron/services/traces/traceSessions'
import { adminClient, createDatabase, targetFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { explain, recordingStore, type SentStatement } from '../helpers/recordingStore'

/**
 * traces:sessions reads feedback and token usage for the traces of the page's sessions only:
 * over every trace of a 600,000-trace experiment those probes took 22 s, past the statement
 * timeout. EXPLAIN ANALYZE of the statement on the MLflow-written fixture counts the probes.
 */
describe('traces:sessions reads the page, not the experiment', () => {
  let store: StoreHandle
  let client: pg.Client
  let sent: SentStatement[]
  let spy: StoreHandle

  beforeAll(async () => {
    const db = await createDatabase('trace_sessions_plan', FIXTURES.genai.template)
    store = await openStore(targetFor(db))
    client = adminClient(db)
    await client.connect()
    ;({ spy, sent } = recordingStore(store))
  })
  afterAll(async () => {
    await client?.end()
    await store?.close()
  })

  /** How many times the plan read `table` (by any scan), per the loops of its scan nodes. */
  const scans = (plan: string, table: string) =>
    [...plan.matchAll(new RegExp(`Scan (?:using \\S+ )?on ${table} .*loops=(\\d+)`, 'g'))].reduce((n, m) => n + Number(m[1]), 0)

  it.each(['last_activity', 'tokens'] as const)('ordered by %s: feedback is looked up once per trace of the page', async (order_by) => {
    sent.length = 0
    const page = await traceSessions(spy, { experiment_ids: ['1'], order_by, ascending: false, max_results: 2, offset: 0 })
    const plan = await explain(client, sent[0], 'ANALYZE, COSTS OFF')
    const pageTraces = page.sessions.reduce((n, s) => n + s.turns, 0)
    const { rows } = await client.query("SELECT count(*)::int AS n FROM trace_request_metadata WHERE key = 'mlflow.trace.session'")
    expect(page.sessions).toHaveLength(2)
    expect(rows[0].n).toBeGreaterThan(pageTraces * 3)
    expect(scans(plan, 'assessments')).toBe(pageTraces)
  })
})
