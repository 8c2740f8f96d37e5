/**
 * The raw audit query figures (npm run bench -- --query): first rows of a
 * simple query on the store, and CSV export throughput of a large query
 * against psql's \copy of the same query as the reference ratio.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ConnectionTarget } from '../../electron/services/connections/connectionUrl'
import type { StoreHandle } from '../../electron/services/connections/storeConnection'
import { runQuery } from '../../electron/services/query/queryRunner'
import { exportResult } from '../../electron/services/query/resultExport'
import { formatFigure, measure, type Figure } from './measure'

const log = (m: string) => console.error(m)

function stats(name: string, values: number[], unit: string): Figure {
  const v = [...values].sort((a, b) => a - b)
  const mid = Math.floor(v.length / 2)
  return { name, median: v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2, min: v[0], max: v[v.length - 1], unit }
}

async function md5(file: string): Promise<string> {
  const hash = createHash('md5')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

function psqlAvailable(): boolean {
  return spawnSync('psql', ['--version']).status === 0
}

/** psql's \copy of the same query to a CSV file, as the reference (its own process, its own libpq). */
function psqlCopy(target: ConnectionTarget, sql: string, file: string): number {
  const started = performance.now()
  execFileSync(
    'psql',
    ['-X', '-q', '-h', target.host, '-p', String(target.port), '-U', target.user, '-d', target.database, '-c', `\\copy (${sql}) to '${file}' csv header`],
    {
      env: { ...process.env, PGPASSWORD: target.password ?? '', PGSSLMODE: 'disable' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
  return performance.now() - started
}

/** Prints one line per figure (name, median, min, max), then the ratio to psql. */
export async function runQueryBench(store: StoreHandle, target: ConnectionTarget, opts: { repeat: number; warmup: number }): Promise<void> {
  const notes: string[] = []
  const figures = await queryFigures(store, target, opts, notes)
  for (const f of figures) console.log(formatFigure(f))
  for (const n of notes) console.log(n)
}

async function queryFigures(store: StoreHandle, target: ConnectionTarget, opts: { repeat: number; warmup: number }, notes: string[]): Promise<Figure[]> {
  const figures: Figure[] = []
  const first = (sql: string, max_rows: number) => () => runQuery(store, { sql, params: {}, max_rows })
  figures.push(await measure('query: first rows, SELECT * FROM runs LIMIT 100', first('SELECT * FROM runs LIMIT 100', 1000), opts))
  figures.push(await measure('query: first 1,000 rows of SELECT * FROM metrics (no LIMIT)', first('SELECT * FROM metrics', 1000), opts))
  figures.push(
    await measure(
      'query: first rows of a join + filter on runs/tags',
      first(
        "SELECT r.run_uuid, r.status, t.value AS user_name FROM runs r JOIN tags t ON t.run_uuid = r.run_uuid AND t.key = 'mlflow.user' WHERE r.status = 'FINISHED'",
        1000,
      ),
      opts,
    ),
  )

  const [{ n }] = await store.select<{ n: number }>('SELECT count(*)::int AS n FROM metrics')
  const sql = 'SELECT run_uuid, key, value, timestamp, step, is_nan FROM metrics'
  log(`export: ${sql} (${n.toLocaleString('en-US')} rows), ${Math.max(3, Math.min(opts.repeat, 5))} times each`)
  const dir = await mkdtemp(join(tmpdir(), 'desk-query-bench-'))
  const runs = Math.max(3, Math.min(opts.repeat, 5))
  try {
    const ours: number[] = []
    const rates: number[] = []
    const mbs: number[] = []
    const peaks: number[] = []
    let bytes = 0
    // Warm-up (JIT, driver buffers), not counted.
    await exportResult(store, { sql: `${sql} LIMIT 200000`, params: {}, format: 'csv', path: join(dir, 'warm.csv'), timeoutMs: 3_600_000 })
    for (let i = 0; i < runs; i++) {
      const baseline = process.memoryUsage().rss
      let peak = baseline
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
      const r = await exportResult(store, { sql, params: {}, format: 'csv', path: join(dir, 'ours.csv'), timeoutMs: 3_600_000 }).finally(() =>
        clearInterval(sampler),
      )
      const seconds = r.duration_ms / 1000
      ours.push(r.duration_ms)
      rates.push(r.rows / seconds)
      mbs.push(r.bytes / 1024 / 1024 / seconds)
      peaks.push((peak - baseline) / 1024 / 1024)
      bytes = r.bytes
    }
    figures.push(stats('export CSV: full metrics table (ms)', ours, 'ms'))
    figures.push(stats('export CSV: throughput (rows/s)', rates, 'rows/s'))
    figures.push(stats('export CSV: throughput (MB/s)', mbs, 'MB/s'))
    figures.push(stats('export CSV: peak RSS growth (MB)', peaks, 'MB'))
    if (!psqlAvailable()) {
      log('psql is not installed (apt-get install postgresql-client): no reference ratio.')
      return figures
    }
    const theirs: number[] = []
    for (let i = 0; i < runs; i++) theirs.push(psqlCopy(target, sql, join(dir, 'psql.csv')))
    const same = (await md5(join(dir, 'ours.csv'))) === (await md5(join(dir, 'psql.csv')))
    figures.push(stats('psql \\copy CSV: full metrics table (ms)', theirs, 'ms'))
    figures.push(
      stats(
        'psql \\copy CSV: throughput (rows/s)',
        theirs.map((ms) => n / (ms / 1000)),
        'rows/s',
      ),
    )
    const ratio = stats('', theirs, '').median / stats('', ours, '').median
    notes.push(`the two CSV files (${(bytes / 1048576).toFixed(1)} MB) are ${same ? 'byte for byte the same' : 'DIFFERENT'}`)
    notes.push(`\nexport CSV speed relative to psql \\copy (psql median / ours): ${ratio.toFixed(2)}x`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  return figures
}
