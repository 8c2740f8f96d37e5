import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appOver } from '../helpers/appOverFixture'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES } from '../helpers/fixtures'
import { copyEvaluationRun } from '../helpers/evaluationCopy'
import { genaiReference, type RefAssessment } from '../helpers/genaiReference'

/** The GenAI fixture's evaluation, from its manifest, dump and MLflow's own answers: the ground truth. */
const dump = FIXTURES.genai.dump
const manifest = JSON.parse(readFileSync(FIXTURES.genai.manifest, 'utf8')) as { evaluation_run_id: string; evaluation_dataset: string }
const evalRun = manifest.evaluation_run_id
const reference = genaiReference()
const evalTraces = Object.entries(reference).filter(([, t]) => t.metadata['mlflow.sourceRun'] === evalRun)
const runRow = dumpRows(dump, 'runs').find((r) => r.run_uuid === evalRun)!
const evalRunsOf = (experiment: string) => {
  const tagged = new Set(
    dumpRows(dump, 'tags')
      .filter((t) => t.key === 'mlflow.run.isEval' && t.value === 'true')
      .map((t) => t.run_uuid),
  )
  return dumpRows(dump, 'runs').filter((r) => r.experiment_id === experiment && tagged.has(r.run_uuid) && r.lifecycle_stage === 'active')
}
const latestMetrics = (run: string) =>
  dumpRows(dump, 'latest_metrics')
    .filter((m) => m.run_uuid === run)
    .map((m) => ({ key: m.key, value: Number(m.value) }))
    .sort((a, b) => a.key!.localeCompare(b.key!))
/** Per name, the latest valid assessment of a kind, as MLflow's API gave them. */
const latestOf = (list: RefAssessment[], kind: RefAssessment['kind']) => {
  const out: Record<string, RefAssessment> = {}
  for (const a of list.filter((x) => x.kind === kind && x.valid)) out[a.name] = a
  return out
}

describe('evaluations on the GenAI fixture (MLflow 3.5)', () => {
  let t: Awaited<ReturnType<typeof appOver>>
  beforeAll(async () => {
    t = await appOver('genai', 'evaluations')
  })
  afterAll(() => t?.app.workspace.dispose())

  it('fixture has an evaluation run with traces carrying scorer feedback and expectations', () => {
    expect(evalTraces.length).toBeGreaterThan(1)
    expect(evalTraces.every(([, tr]) => tr.assessments.some((a) => a.kind === 'Feedback'))).toBe(true)
    expect(evalTraces.some(([, tr]) => tr.assessments.some((a) => a.kind === 'Expectation'))).toBe(true)
  })

  it('evaluations:list gives the experiment its evaluation runs with their metrics, row counts and scorers', async () => {
    const experiment = runRow.experiment_id!
    const got = await t.ok('evaluations:list', { experiment_id: experiment })
    expect(got.runs.map((r) => r.run.info.run_id)).toEqual(evalRunsOf(experiment).map((r) => r.run_uuid))
    expect(got.truncated).toBe(false)
    const mine = got.runs.find((r) => r.run.info.run_id === evalRun)!
    expect(mine.trace_count).toBe(evalTraces.length)
    const scorers = [...new Set(evalTraces.flatMap(([, tr]) => Object.keys(latestOf(tr.assessments, 'Feedback'))))].sort()
    expect(mine.scorers).toEqual(scorers)
    expect(mine.run.data.metrics.map((m) => ({ key: m.key, value: m.value }))).toEqual(latestMetrics(evalRun))
    // An experiment without evaluations answers none.
    const other = dumpRows(dump, 'experiments').find((e) => evalRunsOf(e.experiment_id!).length === 0)!
    expect(await t.ok('evaluations:list', { experiment_id: other.experiment_id! })).toEqual({ runs: [], truncated: false })
  })

  it("evaluations:rows gives each trace of the run with its previews, each scorer's value and rationale, and its expectations", async () => {
    const got = await t.ok('evaluations:rows', { run_id: evalRun })
    expect(got.trace_count).toBe(evalTraces.length)
    expect(got.truncated).toBe(false)
    expect(got.aggregates.map((m) => ({ key: m.key, value: m.value }))).toEqual(latestMetrics(evalRun))
    const byTime = [...evalTraces].sort(([x, a], [y, b]) => a.request_time - b.request_time || x.localeCompare(y))
    expect(got.rows.map((r) => r.trace_id)).toEqual(byTime.map(([id]) => id))
    for (const row of got.rows) {
      const ref = reference[row.trace_id]
      expect(row).toMatchObject({ state: ref.state, request_preview: ref.request_preview, response_preview: ref.response_preview })
      expect(row.eval_request_id).toBe(ref.tags['mlflow.eval.requestId'])
      const feedback = latestOf(ref.assessments, 'Feedback')
      expect(Object.keys(row.scores).sort()).toEqual(Object.keys(feedback).sort())
      for (const [name, a] of Object.entries(feedback)) {
        expect(row.scores[name]).toMatchObject({ assessment_id: a.assessment_id, value: a.value, rationale: a.rationale, source_type: a.source_type })
      }
      const expectations = latestOf(ref.assessments, 'Expectation')
      expect(Object.fromEntries(Object.entries(row.expectations).map(([k, v]) => [k, v.value]))).toEqual(
        Object.fromEntries(Object.entries(expectations).map(([k, v]) => [k, v.value])),
      )
    }
    expect(got.scorers).toEqual([...new Set(got.rows.flatMap((r) => Object.keys(r.scores)))].sort())
  })

  it('evaluations:rows orders by a scorer and bounds the rows, saying so', async () => {
    const all = await t.ok('evaluations:rows', { run_id: evalRun })
    const scorer = all.scorers[0]
    const ordered = await t.ok('evaluations:rows', { run_id: evalRun, order_by_scorer: scorer, descending: true })
    expect(ordered.rows.map((r) => r.trace_id).sort()).toEqual(all.rows.map((r) => r.trace_id).sort())
    const few = await t.ok('evaluations:rows', { run_id: evalRun, max_results: 2 })
    expect(few.rows.map((r) => r.trace_id)).toEqual(all.rows.slice(0, 2).map((r) => r.trace_id))
    expect(few).toMatchObject({ truncated: true, trace_count: evalTraces.length })
  })

  it('a run that is not an evaluation, or no run, is NOT_FOUND saying which', async () => {
    const plain = dumpRows(dump, 'runs').find((r) => !evalRunsOf(r.experiment_id!).some((e) => e.run_uuid === r.run_uuid))!
    const e = await t.fails('evaluations:rows', { run_id: plain.run_uuid! })
    expect(e.code).toBe('NOT_FOUND')
    expect(e.message).toMatch(/not an evaluation run/)
    const gone = await t.fails('evaluations:compare', { run_a: evalRun, run_b: 'ffffffffffffffffffffffffffffffff' })
    expect(gone).toMatchObject({ code: 'NOT_FOUND', details: { field: 'run_b' } })
  })

  it('evaluations:compare of a run with itself is the same on every row and scorer', async () => {
    const got = await t.ok('evaluations:compare', { run_a: evalRun, run_b: evalRun })
    expect(got.rows.length).toBe(evalTraces.length)
    expect(got.summary).toEqual({ improved: 0, regressed: 0, mixed: 0, same: evalTraces.length, only_a: 0, only_b: 0 })
    expect(got.rows.every((r) => Object.values(r.changes).every((c) => c === 'same'))).toBe(true)
    expect(got.aggregates.every((a) => a.delta === 0)).toBe(true)
  })

  it('evaluations:compare matches rows by input and says what regressed, improved, and what only one run has', async () => {
    const copy = 'c0de0000c0de0000c0de0000c0de0000'
    await copyEvaluationRun(t.sql, evalRun, copy)
    const rows = (await t.ok('evaluations:rows', { run_id: evalRun })).rows
    const [first, second] = rows
    const scorer = Object.keys(first.scores).find((s) => first.scores[s].value === true)!
    // In the copy: the first row's passing scorer fails, the second row asks something else, the mean drops.
    await t.sql(`UPDATE assessments SET value = 'false' WHERE assessment_id = $1`, ['a-c' + first.scores[scorer].assessment_id.slice(2)])
    await t.sql(`UPDATE trace_info SET request_preview = 'a question only the copy asked' WHERE request_id = $1`, ['tr-c' + second.trace_id.slice(3)])
    await t.sql(`UPDATE latest_metrics SET value = value - 0.25 WHERE run_uuid = $1 AND key = $2`, [copy, `${scorer}/mean`])

    const got = await t.ok('evaluations:compare', { run_a: evalRun, run_b: copy })
    const n = rows.length
    expect(got.summary).toEqual({ improved: 0, regressed: 1, mixed: 0, same: n - 2, only_a: 1, only_b: 1 })
    const regressed = got.rows.find((r) => r.change === 'regressed')!
    expect(regressed.a!.trace_id).toBe(first.trace_id)
    expect(regressed.changes[scorer]).toBe('regressed')
    expect(got.rows.find((r) => r.change === 'only_a')!.a!.trace_id).toBe(second.trace_id)
    expect(got.rows.find((r) => r.change === 'only_b')!.input).toBe('a question only the copy asked')
    expect(got.aggregates.find((a) => a.key === `${scorer}/mean`)!.delta).toBeCloseTo(-0.25)

    const back = await t.ok('evaluations:compare', { run_a: copy, run_b: evalRun })
    expect(back.summary).toMatchObject({ improved: 1, regressed: 0, only_a: 1, only_b: 1 })
    // Both are now the experiment's evaluation runs, newest first.
    const list = await t.ok('evaluations:list', { experiment_id: runRow.experiment_id! })
    expect(list.runs.map((r) => r.run.info.run_id).slice(0, 2)).toEqual([copy, evalRun])
  })
})

describe('evaluation datasets on the GenAI fixture', () => {
  let t: Awaited<ReturnType<typeof appOver>>
  beforeAll(async () => {
    t = await appOver('genai', 'eval_datasets')
  })
  afterAll(() => t?.app.workspace.dispose())
  const datasets = dumpRows(dump, 'evaluation_datasets')
  const records = dumpRows(dump, 'evaluation_dataset_records').filter((r) => r.dataset_id === manifest.evaluation_dataset)
  const tags = dumpRows(dump, 'evaluation_dataset_tags').filter((r) => r.dataset_id === manifest.evaluation_dataset)
  const links = dumpRows(dump, 'entity_associations').filter((a) => a.source_id === manifest.evaluation_dataset && a.destination_type === 'experiment')

  it('datasets:list gives each dataset with tags, experiments and record count, of every experiment or one', async () => {
    const got = await t.ok('datasets:list', {})
    expect(got.datasets.map((d) => d.dataset_id)).toEqual(datasets.map((d) => d.dataset_id))
    const d = got.datasets.find((x) => x.dataset_id === manifest.evaluation_dataset)!
    const row = datasets.find((x) => x.dataset_id === manifest.evaluation_dataset)!
    expect(d).toMatchObject({ name: row.name, digest: row.digest, record_count: records.length, created_time: Number(row.created_time) })
    expect(d.tags).toEqual(Object.fromEntries(tags.map((x) => [x.key, x.value])))
    expect(d.experiment_ids).toEqual(links.map((l) => l.destination_id))
    expect((await t.ok('datasets:list', { experiment_id: links[0].destination_id! })).datasets.map((x) => x.dataset_id)).toContain(d.dataset_id)
    const unlinked = dumpRows(dump, 'experiments').find((e) => !links.some((l) => l.destination_id === e.experiment_id))!
    expect(await t.ok('datasets:list', { experiment_id: unlinked.experiment_id! })).toEqual({ datasets: [] })
    expect((await t.ok('datasets:list', { name: row.name!.slice(2, 8).toUpperCase() })).datasets.map((x) => x.dataset_id)).toEqual([d.dataset_id])
  })

  it('datasets:get pages the records oldest first, with inputs, expectations, outputs and source as stored', async () => {
    const want = [...records].sort((a, b) => Number(a.created_time) - Number(b.created_time) || a.dataset_record_id!.localeCompare(b.dataset_record_id!))
    const seen: string[] = []
    let token: string | null = null
    do {
      const page: Awaited<ReturnType<typeof t.ok<'datasets:get'>>> = await t.ok('datasets:get', {
        dataset_id: manifest.evaluation_dataset,
        max_results: 5,
        page_token: token,
      })
      expect(page.records.length).toBeLessThanOrEqual(5)
      for (const r of page.records) {
        const row = records.find((x) => x.dataset_record_id === r.dataset_record_id)!
        expect(r.inputs).toEqual(JSON.parse(row.inputs!))
        expect(r.expectations).toEqual(JSON.parse(row.expectations!))
        expect(r.outputs).toEqual(JSON.parse(row.outputs!))
        expect(r.tags).toEqual(JSON.parse(row.tags!))
        expect(r).toMatchObject({ source_type: row.source_type, created_time: Number(row.created_time) })
      }
      seen.push(...page.records.map((r) => r.dataset_record_id))
      token = page.next_page_token
    } while (token)
    expect(seen).toEqual(want.map((r) => r.dataset_record_id))
    const e = await t.fails('datasets:get', { dataset_id: 'd-00000000000000000000000000000000' })
    expect(e).toMatchObject({ code: 'NOT_FOUND', details: { field: 'dataset_id' } })
  })
})

describe('evaluations on a store before MLflow 3 (the MLflow 1.30 fixture)', () => {
  it('lists are empty, a dataset is NOT_FOUND saying the store has none', async () => {
    const t = await appOver('old', 'evaluations_old')
    try {
      const experiment = dumpRows(FIXTURES.old.dump, 'experiments')[0].experiment_id!
      expect(await t.ok('evaluations:list', { experiment_id: experiment })).toEqual({ runs: [], truncated: false })
      expect(await t.ok('datasets:list', {})).toEqual({ datasets: [] })
      const e = await t.fails('datasets:get', { dataset_id: 'd-00000000000000000000000000000000' })
      expect(e.code).toBe('NOT_FOUND')
      expect(e.message).toMatch(/has no evaluation datasets/)
    } finally {
      await t.app.workspace.dispose()
    }
  })
})
