import type { TraceColumns } from '@shared/domain/traces'
import type { StoreHandle } from '../connections/storeConnection'
import { SqlBuilder } from '../tracking/search/searchSql'
import { TRACE_METADATA } from './traceGrammar'
import { requireTraces, traceExperimentCondition, traceExperimentIds } from './traceSearch'

/** How many of the newest traces traces:columns reads for their keys: a column chooser's worth, whatever the store's size. */
export const TRACE_COLUMNS_SAMPLE = 5_000

/**
 * traces:columns — for the column chooser: how many traces the experiments
 * hold, and the tag keys, request metadata keys and assessment names on the
 * newest `sample` of them (each experiment's newest walked on its
 * (experiment_id, timestamp_ms) index), with the number of those traces
 * carrying each (assessments: the latest valid one per name and trace, as the
 * list shows them). Reading every trace's keys took 6 s on 100,000 traces. One statement.
 */
export async function traceColumns(store: StoreHandle, experimentIds: readonly string[], sample = TRACE_COLUMNS_SAMPLE): Promise<TraceColumns> {
  requireTraces(store)
  const b = new SqlBuilder(store.capabilities, [])
  const inExperiments = traceExperimentCondition(b, experimentIds)
  const ids = b.param(traceExperimentIds(experimentIds), 'int[]')
  const limit = b.param(sample, 'int')
  const bulky = b.param([TRACE_METADATA.inputs, TRACE_METADATA.outputs], 'text[]')
  // A trace has a latest valid assessment of a name exactly when it has a valid one: count those traces.
  const assessments = store.capabilities.assessments
    ? `SELECT 'assessment' AS source, a.name AS key, a.assessment_type AS kind, count(DISTINCT a.trace_id) AS n
       FROM assessments a JOIN t ON t.request_id = a.trace_id WHERE a.valid GROUP BY a.name, a.assessment_type`
    : `SELECT NULL, NULL, NULL, NULL::bigint WHERE false`
  const rows = await store.select<{ source: string; key: string | null; kind: string | null; n: number }>(
    `WITH t AS MATERIALIZED (
       SELECT s.request_id FROM unnest(${ids}) AS e(id)
        CROSS JOIN LATERAL (SELECT ti.request_id, ti.timestamp_ms FROM trace_info ti WHERE ti.experiment_id = e.id ORDER BY ti.timestamp_ms DESC LIMIT ${limit}) s
        ORDER BY s.timestamp_ms DESC LIMIT ${limit})
     SELECT 'trace' AS source, NULL AS key, NULL AS kind, (SELECT count(*) FROM trace_info ti WHERE ${inExperiments}) AS n
     UNION ALL
     SELECT 'read', NULL, NULL, count(*) FROM t
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
  const traceCount = Number(rows.find((r) => r.source === 'trace')?.n ?? 0)
  const read = Number(rows.find((r) => r.source === 'read')?.n ?? 0)
  return {
    trace_count: traceCount,
    traces_read: read,
    sampled: read < traceCount,
    tags: of('tag').map(({ key, count }) => ({ key, count })),
    metadata: of('metadata').map(({ key, count }) => ({ key, count })),
    assessments: of('assessment').map(({ key, count, kind }) => ({ key, count, kind: kind === 'expectation' ? 'expectation' : 'feedback' })),
  }
}
