import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type pg from 'pg'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { searchTraces } from '../../electron/services/traces/traceSearch'
import type { TracesSearchRequest } from '@shared/api/contract'
import { adminClient, createDatabase, targetFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { explain, recordingStore, type SentStatement } from '../helpers/recordingStore'

/**
 * The statements traces:search sends use the indexes MLflow's migrations
 * create: EXPLAIN of each (first and next page), with sequential scans
 * discouraged as on a large store, on the MLflow-written fixture.
 */
describe("traces:search uses the store's indexes", () => {
  let store: StoreHandle
  let client: pg.Client
  let sent: SentStatement[]
  let spy: StoreHandle

  beforeAll(async () => {
    const db = await createDatabase('trace_plans', FIXTURES.genai.template)
    store = await openStore(targetFor(db))
    client = adminClient(db)
    await client.connect()
    await client.query('ANALYZE')
    await client.query('SET enable_seqscan = off')
    ;({ spy, sent } = recordingStore(store))
  })
  afterAll(async () => {
    await client?.end()
    await store?.close()
  })

  /** The plans of a search's first page and of its second. */
  async function plans(req: Omit<TracesSearchRequest, 'max_results'>): Promise<string[]> {
    sent.length = 0
    const first = await searchTraces(spy, { ...req, max_results: 5 })
    expect(first.next_page_token).toBeTruthy()
    await searchTraces(spy, { ...req, max_results: 5, page_token: first.next_page_token })
    return Promise.all(sent.map((statement) => explain(client, statement)))
  }

  it('the default order of one experiment reads (experiment_id, timestamp_ms), the next page starting at the cursor', async () => {
    const [first, next] = await plans({ experiment_ids: ['1'] })
    // PostgreSQL 13 and later walk the index backwards and sort only ties (incremental sort); 12 has
    // no incremental sort, so it reads the experiment's range of the index and sorts it.
    const incremental = Number((await client.query('SHOW server_version_num')).rows[0].server_version_num) >= 130000
    for (const p of [first, next]) {
      expect(p).toMatch(
        incremental ? /Index Scan Backward using index_trace_info_experiment_id_timestamp_ms on trace_info ti/ : /index_trace_info_experiment_id_timestamp_ms/,
      )
      expect(p).not.toMatch(/Seq Scan on trace_info/)
    }
    expect(next).toMatch(/Index Cond: \(\(experiment_id = 1\) AND \(timestamp_ms <= /)
  })

  it('across experiments each one walks its part of the index, and the page is taken from their first rows', async () => {
    const incremental = Number((await client.query('SHOW server_version_num')).rows[0].server_version_num) >= 130000
    for (const p of await plans({ experiment_ids: ['1', '2'] })) {
      expect(p).toMatch(/Function Scan on unnest e/)
      expect(p).toMatch(
        incremental ? /Index Scan Backward using index_trace_info_experiment_id_timestamp_ms on trace_info ti/ : /index_trace_info_experiment_id_timestamp_ms/,
      )
      expect(p).toMatch(/Index Cond: \(experiment_id = e\.id\)|Index Cond: \(\(experiment_id = e\.id\)/)
      expect(p).not.toMatch(/Seq Scan on trace_info/)
    }
  })

  it('span filters use the spans indexes; tags, metadata and assessments of a page are looked up by trace', async () => {
    const [p] = await plans({ experiment_ids: ['2'], filter: "span.type = 'TOOL' AND span.status = 'OK'" })
    // The experiment's matching spans are read once through MLflow's (experiment_id, type, status) index...
    expect(p).toMatch(/(Index (Only )?Scan using|Bitmap Index Scan on) index_spans_experiment_id_type_status .*\n\s+Index Cond: \(\(experiment_id = 2\) AND/)
    // ...not per trace: no subplan (run once per row) reads spans. PostgreSQL 12 did so while the subquery was correlated.
    const subplans = p.split(/\n(?=\s*(?:hashed )?SubPlan \d)/).slice(1)
    expect(subplans.filter((block) => / on spans /.test(block))).toEqual([])
    expect(p).not.toMatch(/Seq Scan/)
    expect(p).toMatch(/index_trace_tags_request_id/)
    expect(p).toMatch(/index_trace_request_metadata_request_id/)
    expect(p).toMatch(/index_assessments_trace_id_created_timestamp/)
  })
})
