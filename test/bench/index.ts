/**
 * npm run bench [-- --size large|medium|small] [-- --url postgresql://...] [--repeat N] [--regenerate] [--query] [--export] [--cli] [--charts] [--run-page] [--runs-page [--size S]] [--traces [--size S]] [--overview [--size S]] [--trace-get [--draw]]
 *
 * Times the reads the app does, on a large generated store (kept under
 * BENCH_DIR between runs) or on any existing store given with --url. Prints one
 * line per figure: name, median, min, max. On the medium store — the shape of
 * the store MLflow's own timings were taken on (../shared/mlflow-schema.md,
 * "Baseline") — it also prints the ratio to MLflow's figures.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { parseConnectionUrl, targetToUrl, type ConnectionTarget } from '../../electron/services/connections/connectionUrl'
import { openStore, openWritableClient, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { seedStore, type SeedSize } from '../../electron/services/demo/generator'
import { listExperimentsWithStats } from '../../electron/services/tracking/experiments'
import { getMetricHistory } from '../../electron/services/tracking/metricHistory'
import { downsampleHistory } from '../../electron/services/tracking/metricSeries'
import { migrateStore } from '../../electron/services/tracking/migrate'
import { countRuns, getRun, searchRuns } from '../../electron/services/tracking/runs'
import { runColumns } from '../../electron/services/tracking/runColumns'
import { findResolve, findSearch, type FindSources } from '../../electron/services/find/findService'
import { SEARCH_INDEXES, createSearchIndexes, dropSearchIndexes, searchIndexStatus } from '../../electron/services/tracking/searchIndexes'
import { forgetStoreIndexes } from '../../electron/services/tracking/storeIndexes'
import { ensureBenchStore, type BenchStore } from './benchStore'
import { formatFigure, measure, type Figure } from './measure'
import { runQueryBench } from './queryBench'
import { compareCases, compareWorkload } from './compareBench'
import { drawCases } from './drawBench'
import { runExportBench } from './exportBench'
import { runCliBench } from './cliBench'
import { runChartViewBench } from './chartViewBench'
import { runRunPageBench } from './runPageBench'
import { runRunsPageBench } from './runsPageBench'
import { runTraceSearchBench } from './traceSearchBench'
import { runTraceOverviewBench } from './traceOverviewBench'
import type { GenaiSize } from '../../electron/services/demo/generator/genai'
import { runTraceBench } from './traceBench'
import { mlflowRatios, mlflowSideBySide, mlflowStatementCases, type MlflowWorkload } from './mlflowStatementsBench'

/** MLflow 3.5's SqlAlchemyStore on its 20k-run store, same machine class (mlflow-schema.md). */
const MLFLOW_BASELINE_MS: Record<string, number> = {
  'runs.search first page (100), biggest experiment': 119.7,
  'runs.search first page (100), all experiments': 131.6,
  'runs.get': 8.4,
  'runs.search filtered + ordered by metric, first page (100), biggest experiment': 116.1,
  'metrics.history, longest history (every value)': 357.8,
}

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    size: { type: 'string', default: 'large' },
    /** Default 20 (15 with --cli). */
    repeat: { type: 'string' },
    warmup: { type: 'string', default: '3' },
    regenerate: { type: 'boolean', default: false },
    /** Generated stores: time the reads without, then with the optional mlflow_desk_* indexes (dropped again after). */
    indexes: { type: 'string', default: 'both' },
    /** Only the raw audit query figures (first rows, CSV export vs psql \copy): queryBench.ts. */
    query: { type: 'boolean', default: false },
    /** Only the compare view's figures (many long histories at once, one 1M-point history): compareBench.ts. */
    compare: { type: 'boolean', default: false },
    /** With --compare: also open the comparison in Chromium through `serve` and time it drawn (drawBench.ts); with --trace-get, the trace page (traceViewBench.ts). */
    draw: { type: 'boolean', default: false },
    /** Only the export figures (1 GiB in 1,000 files from local disk vs cp -r, from s3rver vs the AWS SDK's loop): exportBench.ts; needs no store. */
    export: { type: 'boolean', default: false },
    /** Only the command line's start: --help, --version, runs search --help as whole processes (cliBench.ts); needs no store. */
    cli: { type: 'boolean', default: false },
    /** Only the runs page's chart view in Chromium (a click to drawn charts, scrolling 2,000 charts): chartViewBench.ts; makes its own store. */
    charts: { type: 'boolean', default: false },
    /** Only one run's page in Chromium (a run of 200 metric keys: Overview and Metrics tab painted): runPageBench.ts; makes its own store. */
    'run-page': { type: 'boolean', default: false },
    /** Only the runs page in Chromium on the bench store or --url (first rows after a click and on a cold load, scrolling 5,000 rows): runsPageBench.ts. */
    'runs-page': { type: 'boolean', default: false },
    /** Only traces:search and traces:columns on a store of generated traces: traceSearchBench.ts; makes its own store. */
    traces: { type: 'boolean', default: false },
    /** Only traces:overview and traces:sessions on the --traces store (traceOverviewBench.ts); makes its own store. */
    overview: { type: 'boolean', default: false },
    /** Only a trace of 2,000 spans fetched by traces:get's service (traceBench.ts); makes its own store. */
    'trace-get': { type: 'boolean', default: false },
  },
})

const log = (m: string) => console.error(m)

async function storeFacts(store: StoreHandle) {
  const [facts] = await store.select<{ runs: number; experiments: number; metric_rows: number }>(
    `SELECT (SELECT count(*) FROM runs)::int AS runs, (SELECT count(*) FROM experiments)::int AS experiments,
            (SELECT reltuples::bigint FROM pg_class WHERE relname = 'metrics' AND relnamespace = current_schema()::regnamespace) AS metric_rows`,
  )
  const [biggest] = await store.select<{ experiment_id: number; n: number }>(
    `SELECT experiment_id, count(*)::int AS n FROM runs WHERE lifecycle_stage = 'active' GROUP BY experiment_id ORDER BY n DESC LIMIT 1`,
  )
  return { ...facts, biggest }
}

/**
 * Our reads on the store, and MLflow's own statements timed on their own when `mlflowAlone` (on
 * a generated store they are timed side by side instead, after the pass with the indexes).
 */
async function runCases(
  store: StoreHandle,
  opts: { repeat: number; warmup: number },
  mlflowAlone: boolean,
): Promise<{ figures: Figure[]; mlflow: MlflowWorkload }> {
  const facts = await storeFacts(store)
  log(
    `store: ${facts.runs.toLocaleString('en-US')} runs in ${facts.experiments} experiments, ~${Number(facts.metric_rows).toLocaleString('en-US')} metric rows; biggest experiment ${facts.biggest.experiment_id} (${facts.biggest.n.toLocaleString('en-US')} active runs)`,
  )
  const all = (await listExperimentsWithStats(store, 'all')).map((e) => e.experiment_id)
  const big = [String(facts.biggest.experiment_id)]
  const figures: Figure[] = []
  figures.push(await measure('experiments.list with run counts', () => listExperimentsWithStats(store, 'active'), opts))
  figures.push(
    await measure('runs.search first page (100), biggest experiment', () => searchRuns(store, { experiment_ids: big, view: 'active', max_results: 100 }), opts),
  )

  // What MLflow's UI and clients send: start_time DESC asked for (runs without one last), not the default.
  const explicit = { experiment_ids: big, view: 'active' as const, max_results: 100, order_by: ['attributes.start_time DESC'] }
  figures.push(await measure('runs.search first page (100), biggest experiment, order_by start_time DESC', () => searchRuns(store, explicit), opts))
  let deep: string | null = null
  for (let p = 1; p < Math.min(500, Math.floor(facts.biggest.n / 100)); p++) deep = (await searchRuns(store, { ...explicit, page_token: deep })).next_page_token
  if (deep) {
    const t = deep
    figures.push(await measure('runs.search deep page, order_by start_time DESC', () => searchRuns(store, { ...explicit, page_token: t }), opts))
  }
  // Walk to a deep page once (not timed), then time fetching that page.
  const depth = Math.min(500, Math.floor(facts.biggest.n / 100))
  let token: string | null = null
  for (let p = 1; p < depth; p++)
    token = (await searchRuns(store, { experiment_ids: big, view: 'active', max_results: 100, page_token: token })).next_page_token
  if (depth > 1 && token) {
    const t = token
    figures.push(
      await measure(
        `runs.search page ${depth} (100/page), biggest experiment`,
        () => searchRuns(store, { experiment_ids: big, view: 'active', max_results: 100, page_token: t }),
        opts,
      ),
    )
  }
  figures.push(
    await measure('runs.search first page (100), all experiments', () => searchRuns(store, { experiment_ids: all, view: 'all', max_results: 100 }), opts),
  )
  // The most common params.lr: MLflow's case b filters on it (ours and MLflow's own statements alike).
  const [lr] = await store.select<{ value: string }>(`SELECT value FROM params WHERE key = 'lr' GROUP BY value ORDER BY count(*) DESC, value LIMIT 1`)
  figures.push(...(await filteredSearches(store, big, all, lr?.value ?? null, opts)))
  figures.push(await measure('runs.columns (metric/param/tag keys), biggest experiment', () => runColumns(store, big, 'active'), opts))
  const [smallest] = await store.select<{ experiment_id: number }>(
    `SELECT experiment_id FROM runs GROUP BY experiment_id ORDER BY count(*), experiment_id LIMIT 1`,
  )
  if (smallest) figures.push(await measure('runs.columns, smallest experiment', () => runColumns(store, [String(smallest.experiment_id)], 'active'), opts))
  const [someRun] = await store.select<{ run_uuid: string }>('SELECT run_uuid FROM latest_metrics LIMIT 1')
  figures.push(await measure('runs.get', () => getRun(store, someRun.run_uuid), opts))
  figures.push(...(await findCases(store, someRun.run_uuid, opts)))
  const [longest] = await store.select<{ run_uuid: string; key: string; n: number }>(
    'SELECT run_uuid, key, count(*)::int AS n FROM metrics GROUP BY run_uuid, key ORDER BY n DESC LIMIT 1',
  )
  log(`longest metric history: ${longest.n.toLocaleString('en-US')} values (${longest.key} of run ${longest.run_uuid})`)
  figures.push(
    await measure('metrics.history, longest history (every value)', () => getMetricHistory(store, { run_id: longest.run_uuid, metric_key: longest.key }), opts),
  )
  figures.push(
    await measure(
      'metrics.history downsampled to 1,000 points, longest history',
      () => downsampleHistory(store, { run_id: longest.run_uuid, metric_key: longest.key, max_points: 1000 }),
      opts,
    ),
  )
  const mlflow = { experiment: facts.biggest.experiment_id, experiments: all.map(Number), lr: lr?.value ?? null, run: someRun.run_uuid, longest }
  if (mlflowAlone) figures.push(...(await mlflowStatementCases((sql, bind) => store.select(sql, bind), mlflow, opts)))
  return { figures, mlflow }
}

/** "Find anything" (the palette, `mlflow-desk find`/`open`): a piece of a run name and an id prefix across every experiment, and exact lookups. */
async function findCases(store: StoreHandle, runId: string, opts: { repeat: number; warmup: number }): Promise<Figure[]> {
  const src: FindSources = { store: async () => store, savedQueries: async () => [] }
  const [named] = await store.select<{ name: string }>(`SELECT name FROM runs WHERE run_uuid = $1`, [runId])
  const piece = (named?.name ?? 'run').slice(2, 8)
  log(`find: "${piece}" (a piece of run ${runId}'s name), its id's first 8 characters, the id itself`)
  return [
    await measure(`find.search a piece of a run name, every experiment (20 hits)`, () => findSearch(src, { text: piece, limit: 20 }), opts),
    await measure('find.search a run id prefix (8 hex), every experiment', () => findSearch(src, { text: runId.slice(0, 8), limit: 20 }), opts),
    await measure('find.resolve a run id', () => findResolve(src, { text: runId }), opts),
  ]
}

/**
 * MLflow's case b: a metric and a param filter, ordered by the metric
 * (`metrics.acc > 0.5 and params.lr = '<most common lr>'`, order metrics.acc DESC):
 * the first page, a deep page, across all experiments, and the count.
 */
async function filteredSearches(
  store: StoreHandle,
  big: string[],
  all: string[],
  lr: string | null,
  opts: { repeat: number; warmup: number },
): Promise<Figure[]> {
  if (lr === null) {
    log('no params.lr in this store: filtered searches skipped')
    return []
  }
  const filter = `metrics.acc > 0.5 and params.lr = '${lr.replace(/'/g, "''")}'`
  const order_by = ['metrics.acc DESC']
  log(`filtered search: ${filter}, order by ${order_by[0]}`)
  const search = (ids: string[], page_token?: string | null) =>
    searchRuns(store, { experiment_ids: ids, view: 'active', max_results: 100, filter, order_by, page_token })
  const figures = [await measure('runs.search filtered + ordered by metric, first page (100), biggest experiment', () => search(big), opts)]
  const matches = await countRuns(store, { experiment_ids: big, view: 'active', filter })
  const depth = Math.min(500, Math.floor(matches / 100))
  log(`filtered search matches ${matches.toLocaleString('en-US')} runs in the biggest experiment`)
  let token: string | null = null
  for (let p = 1; p < depth; p++) token = (await search(big, token)).next_page_token
  if (depth > 1 && token) {
    const t = token
    figures.push(await measure(`runs.search filtered + ordered by metric, page ${depth}, biggest experiment`, () => search(big, t), opts))
  }
  figures.push(await measure('runs.search filtered + ordered by metric, first page (100), all experiments', () => search(all), opts))
  figures.push(await measure('runs.count filtered, biggest experiment', () => countRuns(store, { experiment_ids: big, view: 'active', filter }), opts))
  return figures
}

/** The HTTP app from `npm run build`: process start until it prints its URL. */
async function appStart(target: ConnectionTarget, repeat: number): Promise<Figure | null> {
  const cli = resolve(__dirname, '../../out/main/cli.js')
  if (!existsSync(cli)) return null
  return measure(
    'app start: serve ready (process start -> URL printed)',
    () =>
      new Promise<void>((done, fail) => {
        const child = spawn(process.execPath, [cli, 'serve', '--url', targetToUrl(target, true)], { stdio: ['ignore', 'pipe', 'pipe'] })
        child.stdout.on('data', (d: Buffer) => {
          if (String(d).includes('token=')) {
            child.kill('SIGTERM')
            done()
          }
        })
        child.on('exit', (code) => (code ? fail(new Error(`serve exited ${code}`)) : undefined))
      }),
    { repeat, warmup: 1 },
  )
}

/** Seeding the built-in demo store (what the first `npm start` pays). */
async function demoSeed(target: ConnectionTarget, repeat: number): Promise<Figure> {
  const admin = await openWritableClient({ ...target, database: 'postgres' })
  const dir = await mkdtemp(join(tmpdir(), 'bench-demo-'))
  let i = 0
  try {
    return await measure(
      'demo store seed (small: ~350 runs, ~100k metric rows, artifacts)',
      async () => {
        const db = `bench_demo_seed_${process.pid}_${i++}`
        await admin.query(`CREATE DATABASE ${db}`)
        try {
          await migrateStore({ ...target, database: db })
          const c = await openWritableClient({ ...target, database: db })
          try {
            await seedStore(c, { size: 'small', artifactRoot: join(dir, db) })
          } finally {
            await c.end()
          }
        } finally {
          await admin.query(`DROP DATABASE ${db}`)
        }
      },
      { repeat, warmup: 0 },
    )
  } finally {
    await admin.end()
    await rm(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const opts = { repeat: Number(args.repeat ?? (args.cli ? 15 : 20)), warmup: Number(args.warmup) }
  if (args.export) return runExportBench(opts, log)
  if (args.cli) return runCliBench(opts, log)
  if (args.charts) return runChartViewBench(opts, log)
  if (args['run-page']) return runRunPageBench(opts, log)
  if (args.overview) return runTraceOverviewBench({ ...opts, size: args.size as GenaiSize }, log)
  if (args.traces) return runTraceSearchBench({ ...opts, size: args.size as GenaiSize }, log)
  if (args['trace-get']) return runTraceBench({ ...opts, draw: args.draw }, log)
  let bench: BenchStore | null = null
  let target: ConnectionTarget
  if (args.url) {
    target = parseConnectionUrl(args.url)
  } else {
    const size = args.size as SeedSize
    if (!['small', 'medium', 'large'].includes(size)) throw new Error(`--size: small, medium or large, not "${size}"`)
    bench = await ensureBenchStore(size, log, args.regenerate)
    target = bench.target
    if (bench.generated) log(`generated the ${size} store in ${bench.generated.seconds.toFixed(1)} s`)
  }
  if (args['runs-page']) {
    try {
      return await runRunsPageBench({ ...opts, target }, log)
    } finally {
      if (bench?.cluster.owned) await bench.cluster.stop()
    }
  }
  const store = await openStore(target)
  try {
    const [{ size }] = await store.select<{ size: string }>('SELECT pg_size_pretty(pg_database_size(current_database())) AS size')
    log(`database size ${size}; PostgreSQL ${store.serverVersion}; MLflow schema ${store.schema.describe().mlflow_versions}`)
    if (args.query) return await runQueryBench(store, target, opts)
    const workload = args.compare ? await compareWorkload(store, log) : null
    const withIndexes = bench !== null && args.indexes !== 'without'
    // MLflow's own statements: side by side with and without the indexes on a generated store (writes included), else alone.
    let mlflow: MlflowWorkload | null = null
    const cases = async (s: StoreHandle) => {
      if (!workload) {
        const r = await runCases(s, opts, !withIndexes)
        mlflow = r.mlflow
        return r.figures
      }
      return [
        ...(await compareCases(s, workload, opts, log)),
        ...(args.draw ? await drawCases(target, workload, { repeat: Math.min(opts.repeat, 5) }, log).catch((e) => (log(`draw: ${e}`), [])) : []),
      ]
    }
    const figures = args.indexes === 'with' && bench ? [] : await cases(store)
    if (withIndexes) {
      const admin = await openWritableClient(target)
      try {
        // Our reads with every index, the opt-in metrics one included; MLflow's calls with the default set (the 1.1x bar), then its writes with the opt-in one too.
        const built = await createSearchIndexes(admin, { schema: target.schema, where: 'the bench store' }, log, { metricHistory: true })
        forgetStoreIndexes(store)
        figures.push(...(await cases(store)).map((f) => ({ ...f, name: `${f.name} [desk indexes]` })))
        if (mlflow) {
          log("MLflow's own statements, side by side without and with the indexes…")
          const ours = SEARCH_INDEXES.filter((i) => built.includes(i.name))
          const optIn = ours.filter((i) => i.optIn)
          const side = await mlflowSideBySide(
            admin,
            ours.filter((i) => !i.optIn),
            mlflow,
            { ...opts, hidden: optIn },
          )
          figures.push(...side.figures)
          for (const p of side.plans) log(p)
          if (!side.plans.length) log("MLflow's own reads: the same indexes in their plans with ours as without")
          if (optIn.length) {
            const label = `with ${[...new Set(optIn.map((i) => i.optIn!.flag))].join(' ')}`
            figures.push(...(await mlflowSideBySide(admin, ours, mlflow, { ...opts, only: 'writes', label })).figures)
          }
        }
      } finally {
        await dropSearchIndexes(admin, { schema: target.schema, where: 'the bench store' })
        forgetStoreIndexes(store)
        await admin.end()
      }
    } else if (!bench) {
      const present = (await searchIndexStatus(store)).filter((i) => i.state === 'present').map((i) => i.name)
      log(`optional mlflow_desk_* indexes present: ${present.length ? present.join(', ') : 'none'}`)
    }
    const start = workload ? null : await appStart(target, 5)
    if (start) figures.push(start)
    if (bench && !workload) figures.push(await demoSeed(target, 3))
    for (const f of figures) console.log(formatFigure(f))
    const ratios = mlflowRatios(figures)
    if (ratios.length) console.log(`\nMLflow's own statements with the optional indexes / without (1.1x at most is the bar):\n${ratios.join('\n')}`)
    if (args.size === 'medium' && !args.url) {
      console.log('\nratio to MLflow 3.5 SqlAlchemyStore on its 20k-run store (MLflow median / ours):')
      for (const f of figures) {
        const base = MLFLOW_BASELINE_MS[f.name.replace(' [desk indexes]', '')]
        if (base) console.log(`${f.name.padEnd(58)} ${(base / f.median).toFixed(1).padStart(6)}x   (MLflow ${base} ms)`)
      }
    }
  } finally {
    await store.close()
    if (bench?.cluster.owned) await bench.cluster.stop()
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e)
  process.exitCode = 1
})
