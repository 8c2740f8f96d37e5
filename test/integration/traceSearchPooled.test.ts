import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { parseConnectionUrl } from '../../electron/services/connections/connectionUrl'
import { traceColumns } from '../../electron/services/traces/traceColumns'
import { searchTraces } from '../../electron/services/traces/traceSearch'
import { createDatabase, pgInfo } from '../helpers/databases'
import { FIXTURES, FIXTURES_DIR } from '../helpers/fixtures'
import { startPgBouncer, type Bouncer } from '../helpers/pgBouncer'

/**
 * traces:search behind PgBouncer in transaction mode with one shared server
 * connection: no statement relies on a session of its own, so MLflow's answers
 * come back page by page as on a direct connection.
 */
const REFERENCE = JSON.parse(readFileSync(resolve(FIXTURES_DIR, 'genai/mlflow-genai-seed21.search-traces.json'), 'utf8')) as {
  experiment_ids: string[]
  cases: Array<{ filter: string; order_by: string[]; max_results: number; ids: string[]; error?: string }>
}

describe('trace search through PgBouncer in transaction mode (one shared server connection)', () => {
  let bouncer: Bouncer
  let store: StoreHandle

  beforeAll(async () => {
    bouncer = await startPgBouncer({ server: pgInfo(), poolMode: 'transaction', poolSize: 1 })
    const db = await createDatabase('trace_bouncer', FIXTURES.genai.template)
    store = await openStore({ ...parseConnectionUrl(bouncer.url(db)), schema: 'public' })
  })
  afterAll(async () => {
    await store?.close()
    await bouncer?.stop()
  })

  const cases = REFERENCE.cases.filter((c) => !c.error && c.max_results === 1000)
  it.each(cases.map((c) => [`${c.filter || '(no filter)'} ${JSON.stringify(c.order_by)}`, c] as const))('%s', async (_n, c) => {
    const ids: string[] = []
    let token: string | null = null
    do {
      const page: Awaited<ReturnType<typeof searchTraces>> = await searchTraces(store, {
        experiment_ids: REFERENCE.experiment_ids,
        filter: c.filter,
        order_by: c.order_by,
        max_results: 11,
        page_token: token,
      })
      ids.push(...page.traces.map((t) => t.trace_id))
      token = page.next_page_token
    } while (token)
    expect(ids).toEqual(c.ids)
  })

  it('answers an extension filter and the column chooser alike', async () => {
    const page = await searchTraces(store, {
      experiment_ids: REFERENCE.experiment_ids,
      filter: "(feedback.user_thumbs_up = false OR span.status = 'ERROR') AND trace.tokens.total > 0",
      order_by: ['feedback.groundedness DESC'],
      max_results: 1000,
    })
    expect(page.traces.length).toBeGreaterThan(0)
    const columns = await traceColumns(store, REFERENCE.experiment_ids)
    expect(columns.trace_count).toBe(REFERENCE.cases.find((c) => c.filter === '' && c.max_results === 1000)!.ids.length)
  })
})
