import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import { cli } from '../helpers/cliRunner'
import { createDatabase, urlFor } from '../helpers/databases'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES } from '../helpers/fixtures'
import { genaiReference } from '../helpers/genaiReference'

const dump = FIXTURES.genai.dump
const manifest = JSON.parse(readFileSync(FIXTURES.genai.manifest, 'utf8')) as { evaluation_run_id: string; evaluation_dataset: string }
const evalRun = manifest.evaluation_run_id
const evalTraces = Object.entries(genaiReference()).filter(([, t]) => t.metadata['mlflow.sourceRun'] === evalRun)
const experiment = dumpRows(dump, 'runs').find((r) => r.run_uuid === evalRun)!.experiment_id!
const records = dumpRows(dump, 'evaluation_dataset_records').filter((r) => r.dataset_id === manifest.evaluation_dataset)

describe('mlflow-desk evaluations and datasets on the MLflow 3.5 GenAI fixture', () => {
  let url: string
  beforeAll(async () => {
    url = urlFor(await createDatabase('cli_evaluations', FIXTURES.genai.template))
  })

  it('evaluations list prints the evaluation runs with rows, scorers and scores; --json has them whole', async () => {
    const r = await cli(['evaluations', 'list', '--experiment-id', experiment, '--url', url])
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toMatch(/^RUN ID\s+NAME\s+STARTED \(UTC\)\s+ROWS\s+SCORERS\s+SCORES/)
    expect(r.stdout).toMatch(new RegExp(`${evalRun}\\s+\\S+\\s+[\\d-]+ [\\d:]+\\s+${evalTraces.length}\\s`))
    const json = JSON.parse((await cli(['evaluations', 'list', '--experiment-id', experiment, '--json', '--url', url])).stdout)
    expect(json.runs.map((x: { run: { info: { run_id: string } } }) => x.run.info.run_id)).toEqual([evalRun])
  })

  it('evaluations get prints one row per trace with each scorer; --csv has values and rationales per scorer', async () => {
    const r = await cli(['evaluations', 'get', evalRun, '--url', url])
    expect(r.code).toBe(0)
    for (const [id] of evalTraces) expect(r.stdout).toContain(id)
    const csv = parse((await cli(['evaluations', 'get', evalRun, '--csv', '--url', url])).stdout, { columns: true }) as Array<Record<string, string>>
    expect(csv.map((row) => row.trace_id).sort()).toEqual(evalTraces.map(([id]) => id).sort())
    for (const row of csv) {
      const ref = evalTraces.find(([id]) => id === row.trace_id)![1]
      for (const a of ref.assessments.filter((x) => x.kind === 'Feedback' && x.valid)) {
        expect(row[`${a.name}.value`]).toBe(typeof a.value === 'string' ? a.value : JSON.stringify(a.value))
        expect(row[`${a.name}.rationale`]).toBe(a.rationale ?? '')
      }
    }
  })

  it('evaluations get of a run that is no evaluation fails naming it', async () => {
    const plain = dumpRows(dump, 'runs').find((x) => x.run_uuid !== evalRun)!.run_uuid!
    const r = await cli(['evaluations', 'get', plain, '--url', url])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/not an evaluation run/)
  })

  it('datasets list and get print the dataset and page its records', async () => {
    const l = await cli(['datasets', 'list', '--url', url])
    expect(l.code).toBe(0)
    expect(l.stdout).toMatch(new RegExp(`${manifest.evaluation_dataset}\\s+\\S+\\s+${records.length}\\s`))
    const first = JSON.parse((await cli(['datasets', 'get', manifest.evaluation_dataset, '--max-results', '5', '--json', '--url', url])).stdout)
    expect(first.records).toHaveLength(5)
    const rest = await cli(['datasets', 'get', manifest.evaluation_dataset, '--max-results', '100', '--page-token', first.next_page_token, '--url', url])
    expect(rest.code).toBe(0)
    expect(rest.stderr).toBe(`${records.length - 5} record(s)`)
  })
})
