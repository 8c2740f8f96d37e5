import type { QueryExplainResponse } from '@shared/api/contract'
import { AppError } from '@shared/api/errors'
import type { PlanNode } from '@shared/domain/query'
import type { StoreHandle } from '../connections/storeConnection'
import { bindValues, guardOrRefuse, type QueryParams } from './queryRunner'
import { withReadTransaction } from './readTransaction'

type RawPlan = Record<string, unknown> & { Plans?: RawPlan[] }

/** Keys shown as fields of the node rather than as detail lines. */
const FIELDS = new Set([
  'Node Type',
  'Parent Relationship',
  'Relation Name',
  'Schema',
  'Alias',
  'Index Name',
  'Join Type',
  'Startup Cost',
  'Total Cost',
  'Plan Rows',
  'Plan Width',
  'Actual Startup Time',
  'Actual Total Time',
  'Actual Rows',
  'Actual Loops',
  'Plans',
  // Flags that say nothing to a reader of the plan.
  'Parallel Aware',
  'Async Capable',
])

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null)
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)

/** One plan node of EXPLAIN (FORMAT JSON) in our shape; every other key becomes a "Key: value" line. */
export function toPlanNode(raw: RawPlan): PlanNode {
  const relation = str(raw['Relation Name'])
  const schema = str(raw['Schema'])
  const details = Object.entries(raw)
    // Buffer counters that stayed at 0 only add noise.
    .filter(([k, v]) => !FIELDS.has(k) && !(k.endsWith(' Blocks') && v === 0))
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
  return {
    node_type: str(raw['Node Type']) ?? 'Unknown',
    parent_relationship: str(raw['Parent Relationship']),
    relation: relation && schema ? `${schema}.${relation}` : relation,
    alias: str(raw['Alias']),
    index: str(raw['Index Name']),
    join_type: str(raw['Join Type']),
    startup_cost: num(raw['Startup Cost']) ?? 0,
    total_cost: num(raw['Total Cost']) ?? 0,
    plan_rows: num(raw['Plan Rows']) ?? 0,
    plan_width: num(raw['Plan Width']) ?? 0,
    actual_startup_ms: num(raw['Actual Startup Time']),
    actual_total_ms: num(raw['Actual Total Time']),
    actual_rows: num(raw['Actual Rows']),
    actual_loops: num(raw['Actual Loops']),
    details,
    children: (raw.Plans ?? []).map(toPlanNode),
  }
}

/**
 * query:explain: EXPLAIN (FORMAT JSON) of one read, as a tree. With analyze,
 * EXPLAIN (ANALYZE, BUFFERS): the statement executes — only a read, and still
 * inside the READ ONLY transaction that is rolled back. Only what query:run
 * would run is explained; an EXPLAIN typed by hand runs as a query instead.
 */
export async function explainQuery(
  store: StoreHandle,
  req: { sql: string; params: QueryParams; analyze: boolean },
  signal?: AbortSignal,
): Promise<QueryExplainResponse> {
  const guarded = await guardOrRefuse(req.sql, store)
  if (guarded.kind === 'explain' || guarded.kind === 'show') {
    const what = guarded.kind === 'explain' ? 'It is an EXPLAIN already: run it, or leave out EXPLAIN' : 'SHOW has no plan; explain a SELECT'
    throw new AppError('QUERY_REFUSED', `${what}.`)
  }
  const values = bindValues(guarded, req.params)
  // The guarded text is exactly one statement (no trailing semicolon), so the prefix explains that one.
  const prefix = `EXPLAIN (FORMAT JSON${req.analyze ? ', ANALYZE, BUFFERS' : ''}) `
  const text = prefix + guarded.text
  const sent = { text, toOriginal: (i: number) => guarded.toOriginal(Math.max(0, i - prefix.length)) }
  return withReadTransaction(store, { timeoutMs: store.statementTimeoutMs, signal, sent }, async (tx) => {
    const cursor = tx.cursor(text, values)
    const { rows } = await cursor.read(1)
    await cursor.close()
    const rawJson = String(rows[0]?.[0] ?? '[]')
    const [top] = JSON.parse(rawJson) as Array<{ Plan: RawPlan; 'Planning Time'?: number; 'Execution Time'?: number }>
    if (!top?.Plan) throw new AppError('INTERNAL', 'PostgreSQL returned no plan.')
    return {
      plan: toPlanNode(top.Plan),
      planning_ms: num(top['Planning Time']),
      execution_ms: num(top['Execution Time']),
      analyzed: req.analyze,
      raw_json: rawJson,
    }
  })
}
