/**
 * MLflow's own statements, as its SqlAlchemyStore sends them (../shared/mlflow-schema.md,
 * Appendix B: captured from MLflow 3.5 with a before_cursor_execute hook), timed on the bench
 * store: what the optional mlflow_desk_* indexes may cost the team's tracking server. An index
 * that makes one of them more than 1.1x slower is one MLflow pays for.
 *
 * Side by side (`mlflowSideBySide`, on a generated store with the indexes built): each statement
 * is timed alternately without our indexes (dropped in a transaction that is rolled back) and
 * with them (the same catalog churn: each index's fillfactor set to its default, rolled back), on
 * one connection, so both arms see the same data, statistics, caches and load. Timing the two in
 * separate passes (before and after building the indexes) let the second pass pay for the first
 * one's rolled-back writes and for whatever else the machine did meanwhile: it reported log_batch
 * 1.16x and get_metric_history 1.14x slower with the indexes, which side by side are not.
 *
 * Reads: search_runs a) one experiment in start_time order, b) a metric and a param filter ordered
 * by the metric, d) all experiments; c) get_metric_history; e) get_run. Writes (generated stores
 * only, each in a transaction rolled back): log_batch's inserts into metrics and latest_metrics,
 * params and tags.
 */
import type pg from 'pg'
import type { SearchIndex } from '../../electron/services/tracking/searchIndexes'
import { medianOf, measure, type Figure } from './measure'

const RUN_COLUMNS = `runs.run_uuid, runs.name, runs.source_type, runs.source_name, runs.entry_point_name, runs.user_id, runs.status, runs.start_time,
  runs.end_time, runs.deleted_time, runs.source_version, runs.lifecycle_stage, runs.artifact_uri, runs.experiment_id`
const LATEST = `latest_metrics.key AS key, latest_metrics.value AS value, latest_metrics.timestamp AS timestamp, latest_metrics.step AS step,
  latest_metrics.is_nan AS is_nan, latest_metrics.run_uuid AS run_uuid`

/** Sends one statement and returns its rows (a StoreHandle's select, or a client's query). */
export type Send = (sql: string, bind: unknown[]) => Promise<Record<string, unknown>[]>

/** The selectin loads MLflow sends for a page's runs (latest metrics, tags, params). */
async function children(send: Send, ids: unknown[]): Promise<void> {
  for (const table of ['latest_metrics', 'tags', 'params']) await send(`SELECT * FROM ${table} WHERE run_uuid = ANY($1::text[])`, [ids])
}

export interface MlflowWorkload {
  experiment: number
  experiments: number[]
  lr: string | null
  run: string
  longest: { run_uuid: string; key: string }
}

/** One of MLflow's calls: its statements, sent through `send`. */
interface MlflowCase {
  name: string
  run: (send: Send) => Promise<unknown>
  /** The first statement, for EXPLAIN (which indexes it uses in either arm). */
  explain?: [string, unknown[]]
  /** At most this many timed rounds (long histories, writes). */
  maxRepeat?: number
  /** Seconds long: side by side, not run once untimed in each round first (the catalog change's cost is lost in it anyway). */
  long?: boolean
}

/** MLflow's read calls of the workload: a, b (when the store has params.lr), c, d, e. */
function readCases(w: MlflowWorkload): MlflowCase[] {
  const page =
    (sql: string, bind: unknown[]): MlflowCase['run'] =>
    async (send) =>
      children(
        send,
        (await send(sql, bind)).map((r) => r.run_uuid),
      )
  const a: [string, unknown[]] = [
    `SELECT DISTINCT ${RUN_COLUMNS}, CASE WHEN (runs.start_time IS NULL) THEN 1 ELSE 0 END AS clause_1, runs.start_time AS start_time__1
       FROM runs WHERE runs.experiment_id IN ($1) AND runs.lifecycle_stage IN ('active')
      ORDER BY clause_1, runs.start_time DESC, runs.run_uuid LIMIT 100 OFFSET 0`,
    [w.experiment],
  ]
  const b: [string, unknown[]] = [
    `SELECT DISTINCT ${RUN_COLUMNS}, CASE WHEN (anon_1.is_nan = true) THEN 1 WHEN (anon_1.value IS NULL) THEN 2 ELSE 0 END AS clause_1, anon_1.value
       FROM runs
       JOIN (SELECT ${LATEST} FROM latest_metrics WHERE latest_metrics.key = 'acc' AND latest_metrics.value > 0.5) AS anon_2 ON runs.run_uuid = anon_2.run_uuid
       JOIN (SELECT params.key AS key, params.value AS value, params.run_uuid AS run_uuid FROM params WHERE params.key = 'lr' AND params.value = $2) AS anon_3
         ON runs.run_uuid = anon_3.run_uuid
       LEFT OUTER JOIN (SELECT ${LATEST} FROM latest_metrics WHERE latest_metrics.key = 'acc') AS anon_1 ON runs.run_uuid = anon_1.run_uuid
      WHERE runs.experiment_id IN ($1) AND runs.lifecycle_stage IN ('active')
      ORDER BY clause_1, anon_1.value DESC, runs.start_time DESC, runs.run_uuid LIMIT 100 OFFSET 0`,
    [w.experiment, w.lr],
  ]
  const c: [string, unknown[]] = [
    `SELECT metrics.key, metrics.value, metrics.timestamp, metrics.step, metrics.is_nan, metrics.run_uuid FROM metrics
      WHERE metrics.run_uuid = $1 AND metrics.key = $2 ORDER BY metrics.timestamp, metrics.step, metrics.value LIMIT ALL OFFSET 0`,
    [w.longest.run_uuid, w.longest.key],
  ]
  const d: [string, unknown[]] = [
    `SELECT DISTINCT ${RUN_COLUMNS} FROM runs WHERE runs.experiment_id = ANY($1::int[]) AND runs.lifecycle_stage IN ('active', 'deleted')
      ORDER BY runs.start_time DESC, runs.run_uuid LIMIT 100 OFFSET 0`,
    [w.experiments],
  ]
  const e: [string, unknown[]] = [`SELECT ${RUN_COLUMNS} FROM runs WHERE runs.run_uuid = $1`, [w.run]]
  return [
    { name: "mlflow's own: a) search_runs, one experiment, start_time order", run: page(...a), explain: a },
    ...(w.lr === null ? [] : [{ name: "mlflow's own: b) search_runs, metric + param filter, order by metric", run: page(...b), explain: b }]),
    { name: "mlflow's own: c) get_metric_history, longest history", run: (send) => send(...c), explain: c, maxRepeat: 5, long: true },
    { name: "mlflow's own: d) search_runs, all experiments", run: page(...d), explain: d },
    { name: "mlflow's own: e) get_run", run: async (send) => children(send, [(await send(...e))[0]?.run_uuid]), explain: e },
  ]
}

/** `INSERT INTO table (columns) VALUES (...), (...)` of all rows in one statement, as SQLAlchemy's psycopg2 executemany sends an ORM flush. */
function insertMany(table: string, columns: string[], rows: unknown[][]): [string, unknown[]] {
  const values = rows.map((_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`)
  return [`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`, rows.flat()]
}

const METRIC_COLUMNS = ['key', 'value', 'timestamp', 'step', 'is_nan', 'run_uuid']

/**
 * MLflow's writes (generated stores only; the caller runs each in a transaction it rolls back, so
 * the commit's WAL flush, which a real call also pays, is left out: the ratios are upper bounds).
 * - log_batch: 1,000 metric rows of 10 new keys in one statement, their latest_metrics rows
 *   (read FOR UPDATE first, then one insert per key), 20 params and 20 tags in one statement each.
 * - log_metric at a step of a running run, three keys: a metric row each, and the run's
 *   latest_metrics rows read FOR UPDATE and updated (new value, step and timestamp).
 */
function writeCases(run: string): MlflowCase[] {
  let round = 0
  const latestFor = (keys: string[], send: Send) =>
    send(`SELECT ${LATEST} FROM latest_metrics WHERE latest_metrics.run_uuid = $1 AND latest_metrics.key = ANY($2::text[]) FOR UPDATE`, [run, keys])
  return [
    {
      name: "mlflow's own: log_batch (1,000 metrics, 20 params, 20 tags), rolled back",
      maxRepeat: 60,
      run: async (send) => {
        const tag = `bench_w${process.pid}_${round++}`
        const keys = Array.from({ length: 10 }, (_, k) => `${tag}_m${k}`)
        await send(
          ...insertMany(
            'metrics',
            METRIC_COLUMNS,
            keys.flatMap((key) => Array.from({ length: 100 }, (_, s) => [key, Math.random(), 1_700_000_000_000 + s, s, false, run])),
          ),
        )
        await latestFor(keys, send)
        for (const key of keys)
          await send('INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES ($1, $2, $3, $4, false, $5)', [
            key,
            Math.random(),
            1_700_000_000_099,
            99,
            run,
          ])
        await send(
          ...insertMany(
            'params',
            ['key', 'value', 'run_uuid'],
            Array.from({ length: 20 }, (_, k) => [`${tag}_p${k}`, String(k), run]),
          ),
        )
        await send(
          ...insertMany(
            'tags',
            ['key', 'value', 'run_uuid'],
            Array.from({ length: 20 }, (_, k) => [`${tag}_t${k}`, String(k), run]),
          ),
        )
      },
    },
    {
      name: "mlflow's own: log_metric x3 at a new step (latest_metrics updated), rolled back",
      maxRepeat: 60,
      run: async (send) => {
        const latest = await send(`SELECT key, step FROM latest_metrics WHERE run_uuid = $1 ORDER BY key LIMIT 3`, [run])
        const now = Date.now()
        for (const { key, step } of latest) {
          const next = Number(step) + 1
          await send(...insertMany('metrics', METRIC_COLUMNS, [[key, Math.random(), now, next, false, run]]))
          await latestFor([String(key)], send)
          await send(
            'UPDATE latest_metrics SET value = $1, timestamp = $2, step = $3, is_nan = false WHERE latest_metrics.key = $4 AND latest_metrics.run_uuid = $5',
            [Math.random(), now, next, key, run],
          )
        }
      },
    },
  ]
}

/** MLflow's read statements, each timed on its own (any store, read-only: `--url`, or a pass without the indexes). */
export async function mlflowStatementCases(send: Send, w: MlflowWorkload, opts: { repeat: number; warmup: number }): Promise<Figure[]> {
  const figures: Figure[] = []
  for (const c of readCases(w))
    figures.push(await measure(c.name, () => c.run(send), c.maxRepeat ? { repeat: Math.min(opts.repeat, c.maxRepeat), warmup: 1 } : opts))
  return figures
}

/**
 * MLflow's reads and writes side by side, without and with `ours` (the mlflow_desk_* indexes,
 * built), alternating on one connection of a role that may drop them; each round is a
 * transaction rolled back. Returns two figures per call ("… [desk indexes]" for the arm with
 * them) and, per read, the indexes its plan uses in either arm when they differ.
 */
export async function mlflowSideBySide(
  client: pg.Client,
  ours: readonly Pick<SearchIndex, 'name'>[],
  w: MlflowWorkload,
  opts: { repeat: number; warmup: number; only?: 'reads' | 'writes'; hidden?: readonly Pick<SearchIndex, 'name'>[]; label?: string },
): Promise<{ figures: Figure[]; plans: string[] }> {
  const send: Send = async (sql, bind) => (await client.query(sql, bind)).rows
  const arm = async <T>(withOurs: boolean, fn: () => Promise<T>): Promise<T> => {
    await client.query('BEGIN')
    try {
      // Indexes of ours outside this comparison (the opt-in ones, when timing the default set) are gone in both arms.
      for (const { name } of opts.hidden ?? []) await client.query(`DROP INDEX ${name}`)
      // The same catalog change in both arms (an option set to its default, or the index gone), so both plan afresh.
      for (const { name } of ours) await client.query(withOurs ? `ALTER INDEX ${name} SET (fillfactor = 90)` : `DROP INDEX ${name}`)
      return await fn()
    } finally {
      await client.query('ROLLBACK')
    }
  }
  const figures: Figure[] = []
  const plans: string[] = []
  for (const c of [...(opts.only === 'writes' ? [] : readCases(w)), ...(opts.only === 'reads' ? [] : writeCases(w.run))]) {
    const repeat = c.maxRepeat ? Math.min(opts.repeat, c.maxRepeat) : opts.repeat
    const times: [number[], number[]] = [[], []]
    for (let i = 0; i < Math.max(1, opts.warmup) + repeat; i++)
      for (const withOurs of i % 2 ? [true, false] : [false, true])
        await arm(withOurs, async () => {
          // Once untimed after the catalog change, so the timed call finds the table's indexes in the
          // relation cache, as MLflow's calls do (the arm with ours would otherwise pay to load them).
          if (!c.long) await c.run(send)
          const t0 = performance.now()
          await c.run(send)
          if (i >= Math.max(1, opts.warmup)) times[withOurs ? 1 : 0].push(performance.now() - t0)
        })
    const name = opts.label ? `${c.name} (${opts.label})` : c.name
    figures.push(figureOf(name, times[0]), figureOf(`${name} [desk indexes]`, times[1]))
    if (c.explain) {
      const [sql, bind] = c.explain
      const used = (withOurs: boolean) => arm(withOurs, async () => indexesInPlan((await send(`EXPLAIN (FORMAT JSON) ${sql}`, bind))[0]['QUERY PLAN']))
      const [without, withThem] = [await used(false), await used(true)]
      if (without.join() !== withThem.join())
        plans.push(`${c.name}: plan without ours uses ${without.join(', ') || 'no index'}; with them ${withThem.join(', ') || 'no index'}`)
    }
  }
  return { figures, plans }
}

function figureOf(name: string, times: number[]): Figure {
  const sorted = [...times].sort((a, b) => a - b)
  return { name, median: medianOf(sorted), min: sorted[0], max: sorted[sorted.length - 1], unit: 'ms' }
}

/** The index names a JSON plan scans, in plan order, each once. */
function indexesInPlan(plan: unknown): string[] {
  const names: string[] = []
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk)
    if (!node || typeof node !== 'object') return
    const o = node as Record<string, unknown>
    if (typeof o['Index Name'] === 'string' && !names.includes(o['Index Name'])) names.push(o['Index Name'])
    for (const v of Object.values(o)) if (typeof v === 'object') walk(v)
  }
  walk(plan)
  return names
}

/** Ratios of MLflow's own figures with the indexes to without: > 1.1 is a cost the indexes put on MLflow. */
export function mlflowRatios(figures: readonly Figure[]): string[] {
  return figures
    .filter((f) => f.name.startsWith("mlflow's own") && !f.name.endsWith('[desk indexes]'))
    .flatMap((f) => {
      const w = figures.find((g) => g.name === `${f.name} [desk indexes]`)
      if (!w) return []
      const r = w.median / f.median
      return [`${f.name.padEnd(72)} ${r.toFixed(2).padStart(5)}x with the indexes${r > 1.1 ? '   ** slower than 1.1x **' : ''}`]
    })
}
