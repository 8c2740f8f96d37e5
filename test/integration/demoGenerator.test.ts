import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../electron/services/connections/storeConnection'
import { localPath } from '../../electron/services/demo/generator/artifacts'
import { copyRows } from '../../electron/services/demo/generator/copyWriter'
import { seedStore, type SeedReport } from '../../electron/services/demo/generator'
import { TRICKY_TEXTS } from '../../electron/services/demo/generator/random'
import { getRun, searchRuns } from '../../electron/services/tracking/runs'
import { adminClient, createDatabase, targetFor } from '../helpers/databases'

const MAX_DOUBLE = 1.7976931348623157e308
const NOW = Date.UTC(2025, 5, 2, 9, 30, 0)
const SEED = 7

/** A store with MLflow's schema and no rows: the fixture's schema, every table but alembic_version truncated. */
async function emptyStore(prefix: string): Promise<{ db: string; client: pg.Client }> {
  const db = await createDatabase(prefix, 'fixture_small')
  const client = adminClient(db)
  await client.connect()
  const { rows } = await client.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'`)
  await client.query(`TRUNCATE ${rows.map((r) => `"${r.t}"`).join(', ')} CASCADE`)
  return { db, client }
}

async function one<T extends pg.QueryResultRow>(c: pg.Client, sql: string, params: unknown[] = []): Promise<T> {
  return (await c.query<T>(sql, params)).rows[0]
}

const CHECKSUM_TABLES = [
  'experiments',
  'experiment_tags',
  'runs',
  'params',
  'tags',
  'metrics',
  'latest_metrics',
  'datasets',
  'inputs',
  'input_tags',
  'registered_models',
  'registered_model_tags',
  'model_versions',
  'model_version_tags',
  'registered_model_aliases',
  'logged_models',
  'logged_model_params',
  'logged_model_tags',
  'logged_model_metrics',
]

async function checksums(c: pg.Client): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const t of CHECKSUM_TABLES) {
    const r = await one<{ md5: string }>(c, `SELECT md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) AS md5 FROM "${t}" x`)
    out[t] = r.md5
  }
  return out
}

describe('demo store generator, small size', () => {
  let root: string
  let db: string
  let c: pg.Client
  let report: SeedReport

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mlflow-desk-demo-artifacts-'))
    ;({ db, client: c } = await emptyStore('demo_small'))
    report = await seedStore(c, { size: 'small', seed: SEED, now: NOW, artifactRoot: root })
  })
  afterAll(async () => {
    await c?.end()
    if (root) await rm(root, { recursive: true, force: true })
  })

  it('reports per-table row counts that match the database', async () => {
    for (const [table, n] of Object.entries(report.rows)) {
      expect((await one<{ n: number }>(c, `SELECT count(*)::int AS n FROM "${table}"`)).n, table).toBe(n)
    }
    expect(report.rows.runs).toBeGreaterThanOrEqual(300)
    expect(report.rows.runs).toBeLessThanOrEqual(400)
    expect(report.rows.experiments).toBeGreaterThanOrEqual(5)
    expect(report.rows.metrics).toBeGreaterThan(30_000)
    expect(report.artifactFiles).toBeGreaterThan(report.rows.runs * 4 - 1)
    // How long seeding takes is a figure of `npm run bench` ("demo store seed"), not a test's bound.
    expect(report.elapsedMs).toBeGreaterThan(0)
  })

  it('keeps latest_metrics exactly what MLflow computes from metrics', async () => {
    const diff = await one<{ expected: number; actual: number; mismatched: number }>(
      c,
      `WITH expected AS (
         SELECT DISTINCT ON (run_uuid, key) run_uuid, key, value, "timestamp", step, is_nan
           FROM metrics ORDER BY run_uuid, key, step DESC, "timestamp" DESC, value DESC)
       SELECT (SELECT count(*) FROM expected)::int AS expected, (SELECT count(*) FROM latest_metrics)::int AS actual,
              (SELECT count(*) FROM expected e FULL JOIN latest_metrics l USING (run_uuid, key)
                WHERE e.run_uuid IS NULL OR l.run_uuid IS NULL
                   OR (e.value, e."timestamp", e.step, e.is_nan) IS DISTINCT FROM (l.value, l."timestamp", l.step, l.is_nan))::int AS mismatched`,
    )
    expect(diff.mismatched).toBe(0)
    expect(diff.actual).toBe(diff.expected)
    const nan = await one<{ n: number }>(c, `SELECT count(*)::int AS n FROM latest_metrics WHERE is_nan`)
    expect(nan.n).toBeGreaterThan(0)
  })

  it('stores NaN as 0 with is_nan, +-inf as +-max double, and odd steps', async () => {
    const r = await one<{ nan_nonzero: number; nan: number; pinf: number; ninf: number; neg: number; huge: number; dup: number }>(
      c,
      `SELECT count(*) FILTER (WHERE is_nan AND value <> 0)::int AS nan_nonzero,
              count(*) FILTER (WHERE is_nan)::int AS nan,
              count(*) FILTER (WHERE value = $1::float8 AND NOT is_nan)::int AS pinf,
              count(*) FILTER (WHERE value = -$1::float8 AND NOT is_nan)::int AS ninf,
              count(*) FILTER (WHERE step < 0)::int AS neg,
              count(*) FILTER (WHERE step = 1099511627776)::int AS huge,
              (SELECT count(*) FROM (SELECT 1 FROM metrics GROUP BY run_uuid, key, step HAVING count(*) > 1) d)::int AS dup
         FROM metrics`,
      [MAX_DOUBLE],
    )
    expect(r.nan_nonzero).toBe(0)
    for (const k of ['nan', 'pinf', 'ninf', 'neg', 'huge', 'dup'] as const) expect(r[k], k).toBeGreaterThan(0)
    const latestInf = await one<{ n: number }>(c, `SELECT count(*)::int AS n FROM latest_metrics WHERE value = -$1::float8`, [MAX_DOUBLE])
    expect(latestInf.n).toBeGreaterThan(0)
    const long = await one<{ n: number }>(c, `SELECT max(n)::int AS n FROM (SELECT count(*) AS n FROM metrics GROUP BY run_uuid, key) x`)
    expect(long.n).toBe(10_000)
  })

  it('has every run status, with end_time exactly when the run has ended', async () => {
    const { rows } = await c.query<{ status: string; n: number; no_end: number }>(
      `SELECT status, count(*)::int AS n, count(*) FILTER (WHERE end_time IS NULL)::int AS no_end FROM runs GROUP BY status`,
    )
    const by = Object.fromEntries(rows.map((r) => [r.status, r]))
    expect(Object.keys(by).sort()).toEqual(['FAILED', 'FINISHED', 'KILLED', 'RUNNING', 'SCHEDULED'])
    expect(by.RUNNING.no_end).toBe(by.RUNNING.n)
    for (const s of ['FINISHED', 'FAILED', 'KILLED']) expect(by[s].no_end, s).toBe(0)
    const bad = await one<{ n: number }>(c, `SELECT count(*)::int AS n FROM runs WHERE end_time < start_time OR start_time > $1`, [NOW])
    expect(bad.n).toBe(0)
  })

  it('writes runs.name and the mlflow.runName tag alike, and the system tags MLflow writes', async () => {
    const r = await one<{ mismatched: number }>(
      c,
      `SELECT count(*)::int AS mismatched FROM runs r LEFT JOIN tags t ON t.run_uuid = r.run_uuid AND t.key = 'mlflow.runName'
        WHERE t.value IS DISTINCT FROM r.name`,
    )
    expect(r.mismatched).toBe(0)
    const { rows } = await c.query<{ key: string; n: number }>(`SELECT key, count(*)::int AS n FROM tags WHERE key LIKE 'mlflow.%' GROUP BY key`)
    const keys = new Set(rows.map((x) => x.key))
    for (const k of [
      'mlflow.user',
      'mlflow.source.name',
      'mlflow.source.type',
      'mlflow.source.git.commit',
      'mlflow.note.content',
      'mlflow.log-model.history',
      'mlflow.parentRunId',
    ]) {
      expect(keys.has(k), k).toBe(true)
    }
    const history = await one<{ value: string; run_uuid: string }>(c, `SELECT value, run_uuid FROM tags WHERE key = 'mlflow.log-model.history' LIMIT 1`)
    const parsed = JSON.parse(history.value)
    expect(parsed[0]).toMatchObject({ run_id: history.run_uuid, artifact_path: 'model' })
  })

  it('deletes the deleted experiment with all its runs, and a few runs in active experiments', async () => {
    const e = await one<{ experiment_id: number; last_update_time: string }>(
      c,
      `SELECT experiment_id, last_update_time FROM experiments WHERE lifecycle_stage = 'deleted'`,
    )
    const runs = await one<{ n: number; ok: number }>(
      c,
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE lifecycle_stage = 'deleted' AND deleted_time IS NOT NULL)::int AS ok FROM runs WHERE experiment_id = $1`,
      [e.experiment_id],
    )
    expect(runs.n).toBeGreaterThan(0)
    expect(runs.ok).toBe(runs.n)
    const active = await one<{ deleted: number; stray: number }>(
      c,
      `SELECT count(*) FILTER (WHERE r.lifecycle_stage = 'deleted' AND r.deleted_time IS NOT NULL)::int AS deleted,
              count(*) FILTER (WHERE (r.lifecycle_stage = 'active') <> (r.deleted_time IS NULL))::int AS stray
         FROM runs r JOIN experiments x USING (experiment_id) WHERE x.lifecycle_stage = 'active'`,
    )
    expect(active.deleted).toBeGreaterThanOrEqual(2)
    expect(active.stray).toBe(0)
  })

  it('nests runs through mlflow.parentRunId, down to a grandchild', async () => {
    const r = await one<{ dangling: number; children: number; grandchildren: number }>(
      c,
      `SELECT count(*) FILTER (WHERE p.run_uuid IS NULL OR p.experiment_id <> c.experiment_id)::int AS dangling,
              count(*)::int AS children,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM tags g WHERE g.run_uuid = t.value AND g.key = 'mlflow.parentRunId'))::int AS grandchildren
         FROM tags t JOIN runs c ON c.run_uuid = t.run_uuid LEFT JOIN runs p ON p.run_uuid = t.value
        WHERE t.key = 'mlflow.parentRunId'`,
    )
    expect(r.dangling).toBe(0)
    expect(r.children).toBeGreaterThan(10)
    expect(r.grandchildren).toBeGreaterThan(0)
  })

  it('puts artifacts on disk under every run artifact_uri, MLmodel folders for logged models', async () => {
    const exps = (await c.query<{ experiment_id: number; artifact_location: string }>(`SELECT experiment_id, artifact_location FROM experiments`)).rows
    for (const e of exps) {
      const expected = e.experiment_id === 0 ? join(root, '0') : pathToFileURL(join(root, String(e.experiment_id))).href
      expect(e.artifact_location).toBe(expected)
    }
    const runs = (
      await c.query<{ run_uuid: string; artifact_uri: string; location: string; has_model: boolean }>(
        `SELECT r.run_uuid, r.artifact_uri, x.artifact_location AS location,
                EXISTS (SELECT 1 FROM tags t WHERE t.run_uuid = r.run_uuid AND t.key = 'mlflow.log-model.history') AS has_model
           FROM runs r JOIN experiments x USING (experiment_id)`,
      )
    ).rows
    let models = 0
    for (const r of runs) {
      expect(r.artifact_uri).toBe(`${r.location}/${r.run_uuid}/artifacts`)
      const dir = localPath(r.artifact_uri)
      for (const f of ['training.log', 'metrics.json', 'eval/predictions.csv', 'plots/training_curves.png'])
        expect(existsSync(join(dir, f)), `${dir}/${f}`).toBe(true)
      expect(readFileSync(join(dir, 'plots/training_curves.png')).subarray(1, 4).toString()).toBe('PNG')
      if (r.has_model) {
        models++
        for (const f of ['MLmodel', 'conda.yaml', 'python_env.yaml', 'requirements.txt', 'input_example.json', 'model.pkl'])
          expect(existsSync(join(dir, 'model', f)), f).toBe(true)
        expect(readFileSync(join(dir, 'model/MLmodel'), 'utf8')).toContain(`run_id: ${r.run_uuid}`)
      }
    }
    expect(models).toBeGreaterThan(5)
    const lm = (await c.query<{ artifact_location: string }>(`SELECT artifact_location FROM logged_models`)).rows
    expect(lm.length).toBeGreaterThan(0)
    for (const m of lm) expect(existsSync(join(localPath(m.artifact_location), 'MLmodel'))).toBe(true)
  })

  it('registers model versions from existing runs, with aliases on existing versions', async () => {
    const r = await one<{
      models: number
      versions: number
      bad_run: number
      bad_source: number
      ready: number
      stages: string[]
      bad_alias: number
      aliases: string[]
    }>(
      c,
      `SELECT (SELECT count(*) FROM registered_models)::int AS models,
              (SELECT count(*) FROM model_versions)::int AS versions,
              (SELECT count(*) FROM model_versions v LEFT JOIN runs r ON r.run_uuid = v.run_id WHERE r.run_uuid IS NULL)::int AS bad_run,
              (SELECT count(*) FROM model_versions WHERE source <> 'runs:/' || run_id || '/model')::int AS bad_source,
              (SELECT count(*) FROM model_versions WHERE status = 'READY')::int AS ready,
              (SELECT array_agg(DISTINCT current_stage ORDER BY current_stage) FROM model_versions) AS stages,
              (SELECT count(*) FROM registered_model_aliases a LEFT JOIN model_versions v ON v.name = a.name AND v.version = a.version WHERE v.name IS NULL)::int AS bad_alias,
              (SELECT array_agg(DISTINCT alias ORDER BY alias) FROM registered_model_aliases) AS aliases`,
    )
    expect(r.models).toBeGreaterThanOrEqual(3)
    expect(r.bad_run).toBe(0)
    expect(r.bad_source).toBe(0)
    expect(r.ready).toBeGreaterThan(r.versions / 2)
    expect(r.stages).toEqual(['Archived', 'None', 'Production', 'Staging'])
    expect(r.bad_alias).toBe(0)
    expect(r.aliases).toEqual(['baseline', 'challenger', 'champion'])
    const tags = await one<{ rm: number; mv: number }>(
      c,
      `SELECT (SELECT count(*) FROM registered_model_tags)::int AS rm, (SELECT count(*) FROM model_version_tags)::int AS mv`,
    )
    expect(tags.rm).toBeGreaterThan(0)
    expect(tags.mv).toBeGreaterThan(0)
  })

  it('links datasets to runs with training / validation / evaluation contexts', async () => {
    const r = await one<{ dangling: number; contexts: string[]; untagged: number }>(
      c,
      `SELECT (SELECT count(*) FROM inputs i LEFT JOIN datasets d ON d.dataset_uuid = i.source_id LEFT JOIN runs r ON r.run_uuid = i.destination_id
                WHERE i.source_type = 'DATASET' AND (d.dataset_uuid IS NULL OR r.run_uuid IS NULL OR i.destination_type <> 'RUN'))::int AS dangling,
              (SELECT array_agg(DISTINCT value ORDER BY value) FROM input_tags WHERE name = 'mlflow.data.context') AS contexts,
              (SELECT count(*) FROM inputs i WHERE i.source_type = 'DATASET' AND NOT EXISTS
                 (SELECT 1 FROM input_tags t WHERE t.input_uuid = i.input_uuid AND t.name = 'mlflow.data.context'))::int AS untagged`,
    )
    expect(r.dangling).toBe(0)
    expect(r.untagged).toBe(0)
    expect(r.contexts).toEqual(['evaluation', 'training', 'validation'])
    const ds = await one<{ source: string; profile: string }>(c, `SELECT dataset_source AS source, dataset_profile AS profile FROM datasets LIMIT 1`)
    expect(() => JSON.parse(ds.source)).not.toThrow()
    expect(JSON.parse(ds.profile)).toHaveProperty('num_rows')
  })

  it('round-trips long, unicode and COPY-special values exactly', async () => {
    const long = await one<{ n: number }>(c, `SELECT max(length(value))::int AS n FROM params`)
    expect(long.n).toBeGreaterThan(3_000)
    const notes = (await c.query<{ value: string }>(`SELECT DISTINCT value FROM params WHERE key = 'note'`)).rows.map((r) => r.value)
    expect(notes.length).toBeGreaterThan(3)
    for (const v of notes) expect(TRICKY_TEXTS).toContain(v)
    await c.query(`CREATE TEMP TABLE copy_probe (id int, v text)`)
    const values = [...TRICKY_TEXTS, '\\N', '', null, 'a\rb', 'end\\']
    await copyRows(
      c,
      'copy_probe',
      ['id', 'v'],
      values.map((v, i) => [i, v]),
    )
    const back = (await c.query<{ v: string | null }>(`SELECT v FROM copy_probe ORDER BY id`)).rows.map((r) => r.v)
    expect(back).toEqual(values)
  })

  it('moves the experiment id sequence past the seeded experiments', async () => {
    const r = await one<{ last: number; max: number }>(
      c,
      `SELECT (SELECT last_value FROM experiments_experiment_id_seq)::int AS last, (SELECT max(experiment_id) FROM experiments) AS max`,
    )
    expect(r.last).toBe(r.max)
  })

  it('refuses to seed a store that already has runs', async () => {
    await expect(seedStore(c, { size: 'small', seed: SEED, now: NOW, artifactRoot: root })).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH' })
  })

  it('gives the same rows for the same seed, and other rows for another seed', async () => {
    const twin = await emptyStore('demo_twin')
    const other = await emptyStore('demo_other')
    const otherRoot = await mkdtemp(join(tmpdir(), 'mlflow-desk-demo-other-'))
    try {
      // Same artifactRoot as the first store: the locations are part of the rows.
      await seedStore(twin.client, { size: 'small', seed: SEED, now: NOW, artifactRoot: root })
      await seedStore(other.client, { size: 'small', seed: SEED + 1, now: NOW, artifactRoot: otherRoot })
      const mine = await checksums(c)
      expect(await checksums(twin.client)).toEqual(mine)
      expect((await checksums(other.client)).runs).not.toBe(mine.runs)
    } finally {
      await twin.client.end()
      await other.client.end()
      await rm(otherRoot, { recursive: true, force: true })
    }
  })

  it('is read back by our reader', async () => {
    const store = await openStore(targetFor(db))
    try {
      const ids = (await c.query<{ id: string }>(`SELECT experiment_id::text AS id FROM experiments`)).rows.map((r) => r.id)
      const res = await searchRuns(store, { experiment_ids: ids, view: 'all', max_results: 50_000 })
      expect(res.runs.length).toBe(report.rows.runs)
      expect(res.runs.reduce((n, r) => n + r.data.metrics.length, 0)).toBe(report.rows.latest_metrics)
      expect(res.runs.reduce((n, r) => n + r.data.params.length, 0)).toBe(report.rows.params)
      for (const run of res.runs) expect(run.data.tags.find((t) => t.key === 'mlflow.runName')?.value).toBe(run.info.run_name)
      expect(res.runs.some((r) => r.data.metrics.some((m) => Number.isNaN(m.value)))).toBe(true)
      expect(res.runs.some((r) => r.inputs.dataset_inputs.length > 0)).toBe(true)
      const deleted = res.runs.find((r) => r.info.lifecycle_stage === 'deleted')!
      expect((await getRun(store, deleted.info.run_id)).info.lifecycle_stage).toBe('deleted')
    } finally {
      await store.close()
    }
  })
})
