import { beforeAll, describe, expect, it } from 'vitest'
import { cli } from '../helpers/cliRunner'
import { createDatabase, urlFor } from '../helpers/databases'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES } from '../helpers/fixtures'

const dump = FIXTURES.small.dump

describe('mlflow-desk find and open', () => {
  let url: string
  const run = dumpRows(dump, 'runs').find((r) => r.lifecycle_stage === 'active' && r.name)!
  const version = dumpRows(dump, 'model_versions').find((v) => v.version === '2')!

  beforeAll(async () => {
    url = urlFor(await createDatabase('cli_find', FIXTURES.small.template))
  })

  it('open prints what a run id, a runs:/ URI and a models:/ URI stand for and where the app opens them', async () => {
    const r = await cli(['open', run.run_uuid!, '--url', url])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`^kind\\s+run$`, 'm'))
    expect(r.stdout).toMatch(new RegExp(`^title\\s+${run.name}$`, 'm'))
    expect(r.stdout).toMatch(new RegExp(`^opens\\s+#/runs/${run.run_uuid}$`, 'm'))
    const uri = JSON.parse((await cli(['open', `runs:/${run.run_uuid}/model`, '--json', '--url', url])).stdout)
    expect(uri.hit).toMatchObject({ kind: 'run', id: run.run_uuid, route: `/runs/${run.run_uuid}?tab=artifacts&artifact=model` })
    const model = JSON.parse((await cli(['open', `models:/${version.name}/2`, '--json', '--url', url])).stdout)
    expect(model).toEqual({ hit: expect.objectContaining({ kind: 'model_version', id: `${version.name}/2`, title: `${version.name} v2` }), also: [] })
  })

  it('find lists hits best first, and takes --kind and --limit', async () => {
    const piece = run.name!.slice(0, 6)
    const r = await cli(['find', piece, '--url', url])
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toMatch(/^KIND\s+TITLE\s+ID\s+DETAIL/)
    expect(r.stdout).toContain(run.run_uuid)
    const json = JSON.parse((await cli(['find', piece, '--kind', 'run', '--limit', '2', '--json', '--url', url])).stdout)
    expect(json.hits.length).toBeLessThanOrEqual(2)
    expect(json.hits.every((h: { kind: string }) => h.kind === 'run')).toBe(true)
  })

  it('names what it could not find, and the option at fault', async () => {
    const missing = await cli(['open', 'f'.repeat(32), '--url', url])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(`Run '${'f'.repeat(32)}' not found`)
    const kind = await cli(['find', 'x', '--kind', 'runz', '--url', url])
    expect(kind.code).toBe(2)
    expect(kind.stderr).toMatch(/--kind \(item 1\)/)
    const limit = await cli(['find', 'x', '--limit', '500', '--url', url])
    expect(limit.code).toBe(2)
    expect(limit.stderr).toContain('--limit')
  })
})
