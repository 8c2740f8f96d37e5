import { beforeAll, describe, expect, it } from 'vitest'
import { cli } from '../helpers/cliRunner'
import { createDatabase, urlFor } from '../helpers/databases'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES, readManifest } from '../helpers/fixtures'
import { parsePythonJson } from '../helpers/pythonJson'

const dump = FIXTURES.small.dump

describe('mlflow-desk models and metrics commands', () => {
  let url: string
  beforeAll(async () => {
    url = urlFor(await createDatabase('cli_registry', FIXTURES.small.template))
  })

  it('models list --json prints MLflow REST JSON', async () => {
    const r = await cli(['models', 'list', '--json', '--url', url])
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(Object.keys(json)).toEqual(['registered_models'])
    expect(json.registered_models.map((m: { name: string }) => m.name)).toEqual(
      dumpRows(dump, 'registered_models')
        .map((m) => m.name)
        .sort(),
    )
    const model = json.registered_models[0]
    expect(Object.keys(model)).toEqual(['name', 'creation_timestamp', 'last_updated_timestamp', 'description', 'latest_versions', 'tags', 'aliases'])
    expect(typeof model.latest_versions[0].version).toBe('string')
    expect(model.aliases[0]).toEqual({ alias: expect.any(String), version: expect.any(String) })
    // Fields MLflow leaves out when unset are left out (no user_id in the fixture).
    expect(model.latest_versions[0]).not.toHaveProperty('user_id')
  })

  it('models list pages with --max-results and --page-token, and filters by name', async () => {
    const names = dumpRows(dump, 'registered_models')
      .map((m) => m.name!)
      .sort()
    const first = JSON.parse((await cli(['models', 'list', '--max-results', '1', '--json', '--url', url])).stdout)
    expect(first.registered_models.map((m: { name: string }) => m.name)).toEqual([names[0]])
    const second = JSON.parse((await cli(['models', 'list', '--max-results', '1', '--page-token', first.next_page_token, '--json', '--url', url])).stdout)
    expect(second.registered_models.map((m: { name: string }) => m.name)).toEqual([names[1]])
    expect(second).not.toHaveProperty('next_page_token')
    const filtered = JSON.parse((await cli(['models', 'list', '--filter', `name LIKE '${names[1].slice(0, 10)}%'`, '--json', '--url', url])).stdout)
    expect(filtered.registered_models.map((m: { name: string }) => m.name)).toEqual([names[1]])
  })

  it('models list prints a table for people', async () => {
    const r = await cli(['models', 'list', '--url', url])
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+LATEST VERSIONS\s+ALIASES/)
    expect(r.stdout).toContain('Production')
    expect(r.stdout).toContain('@champion')
    expect(r.stderr).toBe('2 model(s)')
  })

  it('models get --json prints the model and every version, newest first', async () => {
    const name = dumpRows(dump, 'registered_models')[0].name!
    const r = await cli(['models', 'get', name, '--json', '--url', url])
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(Object.keys(json)).toEqual(['registered_model', 'model_versions'])
    expect(json.registered_model.name).toBe(name)
    const versions = dumpRows(dump, 'model_versions')
      .filter((v) => v.name === name)
      .map((v) => v.version!)
    expect(json.model_versions.map((v: { version: string }) => v.version)).toEqual(versions.sort((a, b) => Number(b) - Number(a)))
    expect(json.model_versions[0].run_id).toMatch(/^[0-9a-f]{32}$/)

    const table = await cli(['models', 'get', name, '--url', url])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/^VERSION\s+STAGE\s+STATUS/m)
  })

  it('metrics history --json prints MLflow get_metric_history JSON, NaN as Python writes it', async () => {
    const rows = dumpRows(dump, 'metrics')
    const nan = rows.find((m) => m.is_nan === 't')!
    const r = await cli(['metrics', 'history', '--run-id', nan.run_uuid!, '--key', nan.key!, '--json', '--url', url])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/"value": NaN/)
    expect(r.stdout).toContain('1.7976931348623157e+308')
    const json = parsePythonJson(r.stdout)
    expect(Object.keys(json)).toEqual(['metrics'])
    expect(json.metrics).toHaveLength(rows.filter((m) => m.run_uuid === nan.run_uuid && m.key === nan.key).length)
    expect(Object.keys(json.metrics[0])).toEqual(['key', 'value', 'timestamp', 'step'])
  })

  it('metrics history pages and prints a table for people', async () => {
    const row = dumpRows(dump, 'metrics').find((m) => m.key === 'val_loss')!
    const first = await cli(['metrics', 'history', '--run-id', row.run_uuid!, '--key', 'val_loss', '--max-results', '3', '--url', url])
    expect(first.code).toBe(0)
    expect(first.stdout.split('\n')).toHaveLength(4)
    expect(first.stdout.split('\n')[0]).toMatch(/^STEP\s+VALUE\s+TIMESTAMP \(UTC\)/)
    const token = /--page-token (\S+)/.exec(first.stderr)![1]
    const second = JSON.parse(
      (await cli(['metrics', 'history', '--run-id', row.run_uuid!, '--key', 'val_loss', '--max-results', '3', '--page-token', token, '--json', '--url', url]))
        .stdout,
    )
    expect(second.metrics).toHaveLength(3)
    expect(second.next_page_token).toEqual(expect.any(String))
  })

  it('exits 2 with one clear line for a wrong command line', async () => {
    const runId = dumpRows(dump, 'runs')[0].run_uuid!
    const cases: Array<[string[], RegExp]> = [
      [['models', 'list', '--max-results', '0', '--url', url], /--max-results/],
      [['models', 'list', '--max-results', 'many', '--url', url], /--max-results: "many" is not a whole number/],
      [['models', 'list', '--filter', "tags.owner = 'bob'", '--url', url], /filter: "tags\.owner" cannot be filtered on/],
      [['models', 'list', '--page-token', 'garbage!', '--url', url], /page_token/],
      [['metrics', 'history', '--run-id', runId, '--url', url], /required option '--key <metric>'/],
      [['metrics', 'history', '--run-id', 'not a run id!', '--key', 'loss', '--url', url], /--run-id: must be a run id/],
    ]
    for (const [args, pattern] of cases) {
      const r = await cli(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(pattern)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
  })

  it('models version shows a version, its run and its MLmodel; without the artifacts it says why the MLmodel was not read', async () => {
    const v = dumpRows(dump, 'model_versions')[0]
    const map = ['--artifact-map', `${readManifest('small').artifact_root_uri as string}=${FIXTURES.small.artifacts}`]
    const r = await cli(['models', 'version', v.name!, v.version!, '--json', '--url', url, ...map])
    expect(r.code, r.stderr).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.model_version).toMatchObject({ name: v.name, version: v.version, source: v.source, run_id: v.run_id })
    expect(json.run.info.run_id).toBe(v.run_id)
    expect(json.files).toMatchObject({ location: v.storage_location, mlmodel: { run_id: v.run_id, artifact_path: 'model' } })
    const table = await cli(['models', 'version', v.name!, v.version!, '--url', url, ...map])
    expect(table.stdout).toMatch(/^FIELD\s+VALUE/)
    expect(table.stdout).toMatch(new RegExp(`location\\s+${v.storage_location}`))
    // The recorded server path is not on this machine: the version shows, the MLmodel says why it is missing.
    const unmapped = await cli(['models', 'version', v.name!, v.version!, '--url', url])
    expect(unmapped.code).toBe(0)
    expect(unmapped.stdout).toMatch(/MLmodel\s+not read: No MLmodel file in .*: nothing is there/)
    const missing = await cli(['models', 'version', v.name!, '99', '--url', url])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/version 99 not found/)
    const bad = await cli(['models', 'version', v.name!, 'two', '--url', url])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/VERSION: must be a version number/)
  })

  it('exits 1 when the run or model does not exist', async () => {
    const missingRun = 'f'.repeat(32)
    const history = await cli(['metrics', 'history', '--run-id', missingRun, '--key', 'loss', '--url', url])
    expect(history.code).toBe(1)
    expect(history.stderr).toMatch(new RegExp(`^mlflow-desk: error: Run '${missingRun}' not found`))
    const model = await cli(['models', 'get', 'no-such-model', '--url', url])
    expect(model.code).toBe(1)
    expect(model.stderr).toMatch(/^mlflow-desk: error: Registered model 'no-such-model' not found/)
    expect(model.stderr.split('\n')).toHaveLength(1)
  })
})
