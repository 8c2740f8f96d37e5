import { beforeAll, describe, expect, it } from 'vitest'
import { cli } from '../helpers/cliRunner'
import { createDatabase, urlFor } from '../helpers/databases'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES } from '../helpers/fixtures'

const dump = FIXTURES.genai.dump
const models = dumpRows(dump, 'logged_models')
const STATUS_PROTO = ['LOGGED_MODEL_STATUS_UNSPECIFIED', 'LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED']

describe('mlflow-desk models logged list|get', () => {
  let url: string
  beforeAll(async () => {
    url = urlFor(await createDatabase('cli_logged_models', FIXTURES.genai.template))
  })

  it('models logged get --json prints get_logged_model REST JSON', async () => {
    const row = models[0]
    const id = row.model_id as string
    const r = await cli(['models', 'logged', 'get', id, '--json', '--url', url])
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(Object.keys(json)).toEqual(['model'])
    expect(Object.keys(json.model)).toEqual(['info', 'data'])
    const info = json.model.info
    expect(info).toMatchObject({
      model_id: id,
      experiment_id: row.experiment_id,
      name: row.name,
      artifact_uri: row.artifact_location,
      creation_timestamp_ms: Number(row.creation_timestamp_ms),
      last_updated_timestamp_ms: Number(row.last_updated_timestamp_ms),
      status: STATUS_PROTO[Number(row.status)],
    })
    // Unset fields are left out, as protobuf's JSON does.
    if (row.source_run_id === null) expect(info).not.toHaveProperty('source_run_id')
    if (row.model_type === null) expect(info).not.toHaveProperty('model_type')
    const tags = dumpRows(dump, 'logged_model_tags').filter((t) => t.model_id === id)
    expect(info.tags).toHaveLength(tags.length)
    expect(info.tags).toContainEqual({ key: tags[0].tag_key, value: tags[0].tag_value })
    const params = dumpRows(dump, 'logged_model_params').filter((p) => p.model_id === id)
    expect(new Set(json.model.data.params.map((p: { key: string }) => p.key))).toEqual(new Set(params.map((p) => p.param_key)))
    const metrics = dumpRows(dump, 'logged_model_metrics').filter((m) => m.model_id === id)
    expect(json.model.data.metrics).toHaveLength(metrics.length)
    const m = metrics[0]
    expect(json.model.data.metrics).toContainEqual({
      key: m.metric_name,
      value: Number(m.metric_value),
      timestamp: Number(m.metric_timestamp_ms),
      step: Number(m.metric_step),
      model_id: id,
      run_id: m.run_id,
    })
  })

  it('models logged list --json prints search_logged_models REST JSON, newest first; a table for people', async () => {
    const experiment = models[0].experiment_id as string
    const want = models
      .filter((m) => m.experiment_id === experiment)
      .sort((a, b) => Number(b.creation_timestamp_ms) - Number(a.creation_timestamp_ms))
      .map((m) => m.model_id)
    const r = await cli(['models', 'logged', 'list', '--experiment-ids', experiment, '--json', '--url', url])
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.models.map((m: { info: { model_id: string } }) => m.info.model_id)).toEqual(want)
    const table = await cli(['models', 'logged', 'list', '--experiment-ids', experiment, '--order-by', 'name', '--asc', '--url', url])
    expect(table.code).toBe(0)
    expect(table.stdout.split('\n')[0]).toMatch(/^MODEL ID\s+NAME\s+STATUS/)
    expect(table.stderr).toBe(`${want.length} logged model(s)`)
  })

  it('names the bad option or the unknown model', async () => {
    const bad = await cli(['models', 'logged', 'list', '--experiment-ids', '1', '--status', 'DONE', '--url', url])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(/--status: "DONE" is not one of/)
    const missing = await cli(['models', 'logged', 'get', 'm-00000000000000000000000000000000', '--url', url])
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toMatch(/Logged model 'm-00000000000000000000000000000000' not found/)
  })
})
