import type { TraceColumns } from '@shared/domain/traces'
import type { StoreHandle } from '../connections/storeConnection'
import { SqlBuilder } from '../tracking/search/searchSql'
import { TRACE_METADATA } from './traceGrammar'
import { requireTraces, traceExperimentCondition } from './traceSearch'

/**
 * traces:columns — for the column chooser: how many traces the experiments
 * hold, and the tag keys, request metadata keys and assessment names on them
 * with the number of traces carrying each (assessments: the latest valid one
 * per name and trace, as the list shows them). One statement.
 */
export async function traceColumns(store: StoreHandle, experimentIds: readonly string[]): Promise<TraceColumns> {
  requireTraces(store)
  const b = new SqlBuilder(store.capabilities, [])
  const inExperiments = traceExperimentCondition(b, experimentIds)
  const bulky = b.param([TRACE_METADATA.inputs, TRACE_METADATA.outputs], 'text[]')
  // A trace has a latest valid assessment of a name exactly when it has a valid one: count those traces.
  const assessments = store.capabilities.assessments
    ? `SELECT 'assessment' AS source, a.name AS key, a.assessment_type AS kind, count(DISTINCT a.trace_id) AS n
       FROM assessments a JOIN t ON t.request_id = a.trace_id WHERE a.valid GROUP BY a.name, a.assessment_type`
    : `SELECT NULL, NULL, NULL, NULL::bigint WHERE false`
  const rows = await store.select<{ source: string; key: string | null; kind: string | null; n: number }>(
    `WITH t AS (SELECT ti.request_id FROM trace_info ti WHERE ${inExperiments})
     SELECT 'trace' AS source, NULL AS key, NULL AS kind, count(*) AS n FROM t
     UNION ALL
     SELECT 'tag', g.key, NULL, count(*) FROM trace_tags g JOIN t ON t.request_id = g.request_id GROUP BY g.key
     UNION ALL
     SELECT 'metadata', m.key, NULL, count(*) FROM trace_request_metadata m JOIN t ON t.request_id = m.request_id WHERE m.key <> ALL(${bulky}) GROUP BY m.key
     UNION ALL
     ${assessments}`,
    b.bind,
  )
  const of = (source: string) =>
    rows
      .filter((r) => r.source === source && r.key !== null)
      .map((r) => ({ key: r.key as string, count: Number(r.n), kind: r.kind }))
      .sort((x, y) => x.key.localeCompare(y.key))
  return {
    trace_count: Number(rows.find((r) => r.source === 'trace')?.n ?? 0),
    tags: of('tag').map(({ key, count }) => ({ key, count })),
    metadata: of('metadata').map(({ key, count }) => ({ key, count })),
    assessments: of('assessment').map(({ key, count, kind }) => ({ key, count, kind: kind === 'expectation' ? 'expectation' : 'feedback' })),
  }
}
