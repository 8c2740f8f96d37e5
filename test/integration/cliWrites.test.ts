import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { adminClient, createDatabase, urlFor } from '../helpers/databases'
import { cli } from '../helpers/cliRunner'
import { FIXTURES } from '../helpers/fixtures'

/** The only commands that write, and only where the user points them with --url. */
describe('mlflow-desk migrate and generate', () => {
  it('migrate creates the schema once, then says there is nothing to do', async () => {
    const url = urlFor(await createDatabase('cli_migrate'))
    const first = await cli(['migrate', '--url', url])
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/Migrated .* to MLflow schema revision bf29a5ff90ea/)
    const again = await cli(['migrate', '--url', url])
    expect(again.stdout).toMatch(/already at MLflow schema revision bf29a5ff90ea; nothing to do/)
  })

  it('migrate refuses a store written by another MLflow version, and needs an explicit --url', async () => {
    const old = await cli(['migrate', '--url', urlFor(await createDatabase('cli_migrate_old', FIXTURES.old.template))])
    expect(old.code).toBe(1)
    expect(old.stderr).toMatch(/97727af70f4d/)
    expect(old.stderr).toMatch(/mlflow db upgrade/)
    const noUrl = await cli(['migrate'], { MLFLOW_TRACKING_URI: urlFor('postgres') })
    expect(noUrl.code).toBe(2)
    expect(noUrl.stderr).toMatch(/migrate needs --url/)
  })

  it('generate fills an empty database with a readable store, and refuses a filled one', async () => {
    const db = await createDatabase('cli_generate')
    const artifacts = await mkdtemp(join(tmpdir(), 'gen-artifacts-'))
    const gen = await cli(['generate', '--url', urlFor(db), '--size', 'small', '--artifact-root', artifacts])
    expect(gen.code, gen.stderr).toBe(0)
    const report = JSON.parse(gen.stdout)
    expect(report.rows.runs).toBeGreaterThan(200)
    const list = await cli(['experiments', 'list', '--json', '--url', urlFor(db)])
    expect(JSON.parse(list.stdout).experiments.length).toBeGreaterThan(3)
    const c = adminClient(db)
    await c.connect()
    const { rows } = await c.query(`SELECT count(*)::int AS n FROM runs`)
    await c.end()
    expect(rows[0].n).toBe(report.rows.runs)
    const again = await cli(['generate', '--url', urlFor(db), '--artifact-root', artifacts])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/already holds experiments|not empty/)
  })
})
