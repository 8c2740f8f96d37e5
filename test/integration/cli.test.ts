import { describe, expect, it, beforeAll } from 'vitest'
import { cli } from '../helpers/cliRunner'
import { createDatabase, urlFor } from '../helpers/databases'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES } from '../helpers/fixtures'
import { parsePythonJson } from '../helpers/pythonJson'

describe('the mlflow-desk CLI', () => {
  let url: string
  beforeAll(async () => {
    url = urlFor(await createDatabase('cli', FIXTURES.small.template))
  })

  it('experiments list --json prints MLflow REST JSON', async () => {
    const r = await cli(['experiments', 'list', '--json', '--url', url])
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(Object.keys(json)).toEqual(['experiments'])
    const active = dumpRows(FIXTURES.small.dump, 'experiments').filter((e) => e.lifecycle_stage === 'active')
    expect(json.experiments.map((e: { experiment_id: string }) => e.experiment_id).sort()).toEqual(active.map((e) => e.experiment_id).sort())
    expect(json.experiments[0]).toHaveProperty('artifact_location')
    expect(typeof json.experiments[0].experiment_id).toBe('string')
  })

  it('experiments list prints a table for people', async () => {
    const r = await cli(['experiments', 'list', '--view', 'all', '--url', url])
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+STAGE/)
    expect(r.stdout).toContain('deleted')
  })

  it('runs search --json: MLflow shapes, pages and next_page_token', async () => {
    const first = await cli(['runs', 'search', '--experiment-ids', '1,2', '--max-results', '5', '--json', '--url', url])
    expect(first.code).toBe(0)
    const page = parsePythonJson(first.stdout)
    expect(page.runs).toHaveLength(5)
    expect(page.next_page_token).toEqual(expect.any(String))
    const run = page.runs[0]
    expect(Object.keys(run.info).sort()).toEqual(
      expect.arrayContaining(['run_id', 'run_uuid', 'experiment_id', 'status', 'start_time', 'artifact_uri', 'lifecycle_stage']),
    )
    expect(run.data).toHaveProperty('tags')
    const second = parsePythonJson(
      (await cli(['runs', 'search', '--experiment-ids', '1,2', '--max-results', '5', '--page-token', page.next_page_token, '--json', '--url', url])).stdout,
    )
    expect(second.runs.map((x: any) => x.info.run_id)).not.toContain(run.info.run_id)
  })

  it('writes NaN metrics as Python json does', async () => {
    const r = await cli(['runs', 'search', '--experiment-ids', '1,2,3', '--view', 'all', '--json', '--url', url])
    expect(r.stdout).toMatch(/"value": NaN/)
  })

  it('accepts the SQLAlchemy URI form and MLFLOW_TRACKING_URI', async () => {
    const sqlalchemy = url.replace('postgresql://', 'postgresql+psycopg2://')
    expect((await cli(['experiments', 'list', '--url', sqlalchemy])).code).toBe(0)
    const viaEnv = await cli(['experiments', 'list', '--json'], { MLFLOW_TRACKING_URI: url })
    expect(viaEnv.code).toBe(0)
    expect(JSON.parse(viaEnv.stdout).experiments.length).toBeGreaterThan(0)
  })

  it('--url wins over MLFLOW_TRACKING_URI', async () => {
    const r = await cli(['experiments', 'list', '--url', url], { MLFLOW_TRACKING_URI: 'http://localhost:5000' })
    expect(r.code).toBe(0)
  })

  it('fails with one clear line and a usage exit code on bad input', async () => {
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [['experiments', 'list'], {}, /No store given: pass --url/],
      [['experiments', 'list'], { MLFLOW_TRACKING_URI: 'http://mlflow:5000' }, /MLFLOW_TRACKING_URI: "http" is not a PostgreSQL URI/],
      [['runs', 'search', '--experiment-ids', 'abc', '--url', url], {}, /--experiment-ids \(item 1\): must be a numeric experiment id/],
      [['runs', 'search', '--experiment-ids', '1', '--max-results', '0', '--url', url], {}, /--max-results/],
      [['runs', 'search', '--experiment-ids', '1', '--page-token', 'garbage!', '--url', url], {}, /page_token/],
    ]
    for (const [args, env, pattern] of cases) {
      const r = await cli(args, env)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(pattern)
      expect(r.stderr.split('\n')).toHaveLength(1)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
  })

  it('fails with exit code 1 and no password when the store cannot be reached', async () => {
    const r = await cli(['experiments', 'list', '--url', url.replace(/:[^:@]+@/, ':wrong-password-xyz@')])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^mlflow-desk: error: Authentication failed/)
    expect(r.stderr).not.toContain('wrong-password-xyz')
  })

  it('gets one run, deleted ones too', async () => {
    const deleted = dumpRows(FIXTURES.small.dump, 'runs').find((x) => x.lifecycle_stage === 'deleted')!
    const r = await cli(['runs', 'get', deleted.run_uuid!, '--json', '--url', url])
    expect(r.code).toBe(0)
    expect(parsePythonJson(r.stdout).run.info.lifecycle_stage).toBe('deleted')
    const missing = await cli(['runs', 'get', 'f'.repeat(32), '--url', url])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/not found/)
  })
})
