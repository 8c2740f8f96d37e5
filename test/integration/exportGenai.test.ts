import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MlflowSpan } from '@shared/domain/traces'
import { parsePythonJson } from '../helpers/pythonJson'
import { artifactAccess } from '../../electron/services/artifacts/artifactAccess'
import { openArtifactRepository } from '../../electron/services/artifacts/openRepository'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { runExport, type ExportReport } from '../../electron/services/export/exportRunner'
import { getTrace } from '../../electron/services/traces/traceGet'
import { cli } from '../helpers/cliRunner'
import { adminClient, createDatabase, targetFor, urlFor } from '../helpers/databases'
import { artifactRootUri, FIXTURES, readManifest } from '../helpers/fixtures'

const ROOT = artifactRootUri('genai')
const MANIFEST = readManifest('genai') as { experiments: Record<string, string>; logged_models: Record<string, string>; evaluation_dataset: string }
const EXPERIMENT = MANIFEST.experiments['support-assistant']
let db: string
let store: StoreHandle
let tmp: string
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')
const args = (...a: string[]) => ['--url', urlFor(db), '--artifact-map', `${ROOT}=${FIXTURES.genai.artifacts}`, ...a]
const access = () => artifactAccess({ mappings: [{ prefix: ROOT, path: FIXTURES.genai.artifacts }], env: {} })
const readDoc = async (path: string) => parsePythonJson(await readFile(path, 'utf8'))

async function tree(dir: string, skip = new Set<string>()): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue
    const rel = join(e.parentPath, e.name).slice(dir.length + 1)
    if (!skip.has(rel)) out[rel] = sha(await readFile(join(dir, rel)))
  }
  return out
}

/** The manifest lists exactly the files on disk (but itself), each with its size and sha256. */
async function expectManifestMatches(out: string) {
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { files: Array<{ path: string; size: number; sha256: string }> }
  expect(Object.fromEntries(manifest.files.map((f) => [f.path, f.sha256]))).toEqual(await tree(out, new Set(['manifest.json'])))
  for (const f of manifest.files) expect((await stat(join(out, f.path))).size).toBe(f.size)
  expect((await readdir(out, { recursive: true })).filter((f) => String(f).endsWith('.part'))).toEqual([])
  expect(existsSync(join(out, '.mlflow-desk-export.journal'))).toBe(false)
}

const traceIdsOf = async (experimentId: string, where = 'TRUE') =>
  (await store.select<{ id: string }>(`SELECT request_id AS id FROM trace_info WHERE experiment_id = $1 AND ${where} ORDER BY request_id`, [experimentId])).map(
    (r) => r.id,
  )
const folders = async (dir: string) =>
  (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()

/** The trace folder holds traces:get's MLflow JSON: info as is, data as mlflow-export-import's span list, the spans whole. */
async function expectTraceFolder(dir: string, id: string, spanCounts: Map<string, number>) {
  const got = await getTrace(store, id, (location) => openArtifactRepository(location, access()))
  const doc = await readDoc(join(dir, id, 'trace.json'))
  expect(Object.keys(doc)).toEqual(['system', 'mlflow'])
  expect(doc.mlflow.info).toEqual(JSON.parse(JSON.stringify(got.trace.info)))
  const spans = (await readDoc(join(dir, id, 'artifacts', 'traces.json'))).spans as MlflowSpan[]
  expect(spans).toHaveLength(spanCounts.get(id) ?? 0)
  expect(spans).toEqual(JSON.parse(JSON.stringify(got.trace.data.spans)))
  const data = doc.mlflow.data as Array<{ name: string; trace_id: string; span_id: string; parent_id: string | null }>
  expect(data.map((s) => s.span_id)).toEqual(spans.map((s) => Buffer.from(s.span_id, 'base64').toString('hex')))
  expect(data.every((s) => s.trace_id === id)).toBe(true)
}

beforeAll(async () => {
  db = await createDatabase('export_genai', FIXTURES.genai.template)
  store = await openStore(targetFor(db))
  tmp = await mkdtemp(join(tmpdir(), 'desk-export-genai-'))
})
afterAll(async () => {
  await store?.close()
  await rm(tmp, { recursive: true, force: true })
})

describe('an experiment export carries its GenAI side', () => {
  let out: string
  let report: ExportReport
  beforeAll(async () => {
    out = join(tmp, 'experiment')
    const res = await cli(['export', ...args('--experiment-id', EXPERIMENT, '--out', out, '--json')])
    // stderr holds only the progress lines (one a second)
    expect(res.stderr.split('\n').filter((l) => l && !l.startsWith('export: '))).toEqual([])
    expect(res.code).toBe(0)
    report = parsePythonJson(res.stdout) as ExportReport
  })

  it("one folder per trace of the experiment, each equal to traces:get's MLflow JSON, with its spans", async () => {
    const ids = await traceIdsOf(EXPERIMENT)
    expect(ids.length).toBeGreaterThan(0)
    expect((await folders(join(out, 'traces'))).sort()).toEqual(ids)
    const counts = new Map(
      (await store.select<{ id: string; n: number }>('SELECT trace_id AS id, count(*)::int AS n FROM spans GROUP BY trace_id')).map((r) => [r.id, r.n]),
    )
    for (const id of ids) await expectTraceFolder(join(out, 'traces'), id, counts)
    const summary = await readDoc(join(out, 'traces', 'traces.json'))
    expect(summary.mlflow.experiments).toHaveLength(1)
    expect(summary.mlflow.experiments[0].id).toBe(EXPERIMENT)
    expect(summary.mlflow.experiments[0].name).toBe('support-assistant')
    expect([...summary.mlflow.experiments[0].traces].sort()).toEqual(ids)
    expect(summary.info).toEqual({ num_total_trace: ids.length, num_ok_traces: ids.length, num_failed_traces: 0, failed_traces: [] })
    expect(report.traces).toMatchObject({ dir: 'traces', exported: ids.length, kept_verified: 0, without_spans: [] })
    // A run's traces are listed in its run.json (mlflow.traces), as mlflow-export-import writes them beside the run.
    const bySourceRun = await store.select<{ run_id: string; ids: string[] }>(
      `SELECT m.value AS run_id, array_agg(m.request_id ORDER BY m.request_id) AS ids FROM trace_request_metadata m
         JOIN trace_info t ON t.request_id = m.request_id WHERE t.experiment_id = $1 AND m.key = 'mlflow.sourceRun' GROUP BY m.value`,
      [EXPERIMENT],
    )
    expect(bySourceRun.length).toBeGreaterThan(0)
    for (const r of bySourceRun) expect([...(await readDoc(join(out, 'runs', r.run_id, 'run.json'))).mlflow.traces].sort()).toEqual(r.ids)
    const [quiet] = await store.select<{ id: string }>(
      `SELECT run_uuid AS id FROM runs WHERE experiment_id = $1 AND lifecycle_stage = 'active' AND run_uuid <> ALL($2::text[]) LIMIT 1`,
      [EXPERIMENT, bySourceRun.map((r) => r.run_id)],
    )
    if (quiet) expect((await readDoc(join(out, 'runs', quiet.id, 'run.json'))).mlflow).not.toHaveProperty('traces')
  })

  it('its logged models with params, metrics, tags and artifacts; its evaluation dataset with every record', async () => {
    const models = await store.select<{ model_id: string; name: string }>(
      'SELECT model_id, name FROM logged_models WHERE experiment_id = $1 ORDER BY model_id',
      [EXPERIMENT],
    )
    expect(models.map((m) => m.model_id).sort()).toEqual(Object.values(MANIFEST.logged_models).sort())
    expect((await folders(join(out, 'logged_models'))).sort()).toEqual(models.map((m) => m.model_id))
    for (const m of models) {
      const doc = await readDoc(join(out, 'logged_models', m.model_id, 'logged_model.json'))
      expect(doc.mlflow).toMatchObject({ model_id: m.model_id, name: m.name, experiment_id: EXPERIMENT, status: 'READY' })
      const params = await store.select<{ k: string; v: string }>('SELECT param_key AS k, param_value AS v FROM logged_model_params WHERE model_id = $1', [
        m.model_id,
      ])
      expect(doc.mlflow.params).toEqual(Object.fromEntries(params.map((p) => [p.k, p.v])))
      const [{ n }] = await store.select<{ n: number }>('SELECT count(*)::int AS n FROM logged_model_metrics WHERE model_id = $1', [m.model_id])
      expect(doc.mlflow.metrics).toHaveLength(n)
      const source = join(FIXTURES.genai.artifacts, 'support-assistant', 'models', m.model_id, 'artifacts')
      expect(await tree(join(out, 'logged_models', m.model_id, 'artifacts'))).toEqual(await tree(source))
    }
    const listed = await readDoc(join(out, 'logged_models', 'logged_models.json'))
    expect([...listed.mlflow.experiments[0].logged_models].sort()).toEqual(models.map((m) => m.model_id))

    const [ds] = await store.select<{ name: string; n: number }>(
      'SELECT d.name, (SELECT count(*)::int FROM evaluation_dataset_records r WHERE r.dataset_id = d.dataset_id) AS n FROM evaluation_datasets d WHERE d.dataset_id = $1',
      [MANIFEST.evaluation_dataset],
    )
    expect(ds.n).toBe(12)
    const doc = await readDoc(join(out, 'evaluation_datasets', `${ds.name}_${MANIFEST.evaluation_dataset}`, 'evaluation_dataset.json'))
    const dataset = doc.mlflow.evaluation_dataset
    expect(dataset).toMatchObject({ dataset_id: MANIFEST.evaluation_dataset, name: ds.name, experiment_ids: [EXPERIMENT] })
    const tags = await store.select<{ key: string; value: string }>('SELECT key, value FROM evaluation_dataset_tags WHERE dataset_id = $1', [
      MANIFEST.evaluation_dataset,
    ])
    expect(dataset.tags).toEqual(Object.fromEntries(tags.map((t) => [t.key, t.value])))
    expect(dataset.records).toHaveLength(ds.n)
    expect(dataset.records.every((r: { inputs: unknown; input_hash?: unknown }) => typeof r.inputs === 'object' && r.input_hash === undefined)).toBe(true)
    const summary = await readDoc(join(out, 'evaluation_datasets', 'evaluation_datasets_summary.json'))
    expect(summary.mlflow.datasets).toEqual([{ name: ds.name, dataset_id: MANIFEST.evaluation_dataset }])
    expect(report.evaluation_datasets).toEqual([expect.objectContaining({ dataset_id: MANIFEST.evaluation_dataset, records: 12 })])
  })

  it('the manifest lists every file with its size and sha256', async () => expectManifestMatches(out))
})

describe('exporting traces', () => {
  it('--traces ID,ID: traces.json and a folder per trace at the top', async () => {
    const [a, b] = await traceIdsOf(MANIFEST.experiments['sql-agent'])
    const [c] = await traceIdsOf(EXPERIMENT)
    const out = join(tmp, 'three')
    const res = await cli(['export', ...args('--traces', `${a},${b},${c}`, '--out', out, '--json')])
    // stderr holds only the progress lines (one a second)
    expect(res.stderr.split('\n').filter((l) => l && !l.startsWith('export: '))).toEqual([])
    expect(res.code).toBe(0)
    const report = parsePythonJson(res.stdout) as ExportReport
    expect(report.layout).toBe('traces')
    // Files, size and checksums count each trace's two files (trace.json, artifacts/traces.json).
    expect(report).toMatchObject({ files: 6, checksums_verified: 6, downloaded: { files: 6 }, skipped_verified: { files: 0 } })
    expect(report.bytes).toBe(report.traces!.bytes)
    expect(await folders(out)).toEqual([a, b, c].sort())
    const summary = await readDoc(join(out, 'traces.json'))
    const byExperiment = Object.fromEntries(summary.mlflow.experiments.map((e: { id: string; traces: string[] }) => [e.id, e.traces]))
    expect(byExperiment).toEqual({ [MANIFEST.experiments['sql-agent']]: [a, b], [EXPERIMENT]: [c] })
    const counts = new Map(
      (await store.select<{ id: string; n: number }>('SELECT trace_id AS id, count(*)::int AS n FROM spans GROUP BY trace_id')).map((r) => [r.id, r.n]),
    )
    for (const id of [a, b, c]) await expectTraceFolder(out, id, counts)
    await expectManifestMatches(out)
  })

  it('--experiment-id with --traces-filter exports the matches of the search', async () => {
    const out = join(tmp, 'errors')
    const res = await cli(['export', ...args('--experiment-id', EXPERIMENT, '--traces-filter', "trace.status = 'ERROR'", '--out', out)])
    // stderr holds only the progress lines (one a second)
    expect(res.stderr.split('\n').filter((l) => l && !l.startsWith('export: '))).toEqual([])
    expect(res.code).toBe(0)
    const failed = await traceIdsOf(EXPERIMENT, `status = 'ERROR'`)
    expect(failed.length).toBeGreaterThan(0)
    expect(await folders(out)).toEqual(failed)
  })

  it('an unknown trace id is an error naming it, and nothing is exported', async () => {
    const [known] = await traceIdsOf(EXPERIMENT)
    const out = join(tmp, 'unknown')
    const res = await cli(['export', ...args('--traces', `${known},tr-00000000000000000000000000000000`, '--out', out)])
    expect(res.code).not.toBe(0)
    expect(res.stderr).toContain("Trace 'tr-00000000000000000000000000000000' not found")
    expect(existsSync(join(out, known))).toBe(false)
  })

  it('interrupted part way, then resumed: finished traces are kept untouched and the rest completed', async () => {
    const ids = await traceIdsOf(EXPERIMENT)
    const out = join(tmp, 'resumed')
    const ctrl = new AbortController()
    // Cancel once 20 traces have been read (each trace is one statement, as traces:get reads it).
    let reads = 0
    const counted = (s: StoreHandle): StoreHandle =>
      new Proxy(s, {
        get(target, prop) {
          if (prop === 'withSignal') return (signal: AbortSignal) => counted(target.withSignal(signal))
          if (prop === 'select')
            return (sql: string, bind?: unknown[]) => {
              if (sql.includes('WHERE t.request_id = $1') && ++reads > 20) ctrl.abort()
              return target.select(sql, bind)
            }
          const v = Reflect.get(target, prop) as unknown
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
        },
      })
    const selection = { kind: 'experiment' as const, experiment_id: EXPERIMENT }
    await expect(runExport(counted(store), { selection, out, access: access(), profileName: 'test', signal: ctrl.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    })
    expect(existsSync(join(out, 'manifest.json'))).toBe(false)
    const done = (await readdir(join(out, 'traces'))).filter((id) => existsSync(join(out, 'traces', id, 'trace.json')))
    expect(done.length).toBeGreaterThan(0)
    expect(done.length).toBeLessThan(ids.length)
    const before = new Map(await Promise.all(done.map(async (id) => [id, (await stat(join(out, 'traces', id, 'trace.json'))).mtimeMs] as const)))

    const report = await runExport(store, { selection, out, resume: true, access: access(), profileName: 'test' })
    expect(report.traces!.kept_verified).toBe(done.length)
    expect(report.traces!.exported + report.traces!.kept_verified).toBe(ids.length)
    expect(report.skipped_verified.files).toBe(report.traces!.kept.files)
    expect(report.traces!.kept.files).toBe(2 * done.length)
    expect(report.downloaded.files + report.skipped_verified.files).toBe(report.files)
    for (const [id, mtime] of before) expect((await stat(join(out, 'traces', id, 'trace.json'))).mtimeMs).toBe(mtime)
    expect(await folders(join(out, 'traces'))).toEqual(ids)
    await expectManifestMatches(out)
  })
})

describe('stores MLflow wrote otherwise', () => {
  it('spans kept only in traces.json (MLflow before 3.3) are exported from there; ids that cannot name a folder are reported, never used', async () => {
    const copy = await createDatabase('export_genai_odd', FIXTURES.genai.template)
    const [first, second] = await traceIdsOf(EXPERIMENT)
    const c = adminClient(copy)
    await c.connect()
    try {
      await c.query('DELETE FROM spans')
      await c.query(`INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status) VALUES ('..', $1, 1, 1, 'OK')`, [EXPERIMENT])
      await c.query(
        `INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms, status, lifecycle_stage)
         VALUES ('../escape', $1, 'escape', 'file:///nowhere', 1, 1, 2, 'active')`,
        [EXPERIMENT],
      )
    } finally {
      await c.end()
    }
    const out = join(tmp, 'odd')
    const res = await cli([
      'export',
      '--url',
      urlFor(copy),
      '--artifact-map',
      `${ROOT}=${FIXTURES.genai.artifacts}`,
      '--experiment-id',
      EXPERIMENT,
      '--out',
      out,
    ])
    expect(res.code, res.stderr).toBe(0)
    const summary = await readDoc(join(out, 'traces', 'traces.json'))
    expect(summary.info.failed_traces).toEqual(['..'])
    expect((await readDoc(join(out, 'logged_models', 'logged_models.json'))).info.failed_logged_models).toEqual(['../escape'])
    expect(existsSync(join(out, 'escape'))).toBe(false)
    // The spans as the trace's traces.json in the artifact store has them (its nanosecond times, JSON integers
    // there, are exact decimal strings here, as traces:get gives them: compared as the doubles JSON.parse reads).
    const asRead = (spans: MlflowSpan[]) => JSON.parse(JSON.stringify(spans), (k, v) => (/time_unix_nano$/.test(k) && v !== null ? Number(v) : v)) as unknown
    for (const id of [first, second]) {
      const source = JSON.parse(await readFile(join(FIXTURES.genai.artifacts, 'support-assistant', 'traces', id, 'artifacts', 'traces.json'), 'utf8'))
      const exported = (await readDoc(join(out, 'traces', id, 'artifacts', 'traces.json'))).spans as MlflowSpan[]
      expect(exported.length).toBeGreaterThan(0)
      expect(exported.every((x) => /^\d{19}$/.test(x.start_time_unix_nano))).toBe(true)
      expect(asRead(exported)).toEqual(source.spans)
    }
    await expectManifestMatches(out)
  })
})

describe('a store without GenAI tables', () => {
  it("an MLflow 1.x store's experiment export is as before: no traces, logged models or datasets folders", async () => {
    const old = await createDatabase('export_genai_old', FIXTURES.old.template)
    const [exp] = await (async () => {
      const s = await openStore(targetFor(old))
      try {
        return await s.select<{ id: string }>(
          `SELECT experiment_id::text AS id FROM experiments WHERE lifecycle_stage = 'active' ORDER BY experiment_id LIMIT 1`,
        )
      } finally {
        await s.close()
      }
    })()
    const out = join(tmp, 'old')
    const res = await cli(['export', '--url', urlFor(old), '--experiment-id', exp.id, '--out', out, '--json'])
    expect(res.code).toBe(0)
    const report = parsePythonJson(res.stdout) as ExportReport
    expect(report).toMatchObject({ layout: 'experiment', traces: null, logged_models: [], evaluation_datasets: [] })
    const top = (await readdir(out)).sort()
    expect(top.filter((n) => !['experiment.json', 'runs', 'export-report.json', 'manifest.json'].includes(n))).toEqual([])
    await expectManifestMatches(out)
  })

  it('--traces on a store without traces says so', async () => {
    const old = await createDatabase('export_genai_old_traces', FIXTURES.old.template)
    const res = await cli(['export', '--url', urlFor(old), '--traces', 'tr-00000000000000000000000000000000', '--out', join(tmp, 'old-traces')])
    expect(res.code).not.toBe(0)
    expect(res.stderr).toContain('keeps no traces')
  })
})
