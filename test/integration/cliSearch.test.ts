import { mkdtemp, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, beforeAll } from 'vitest'
import { parse } from 'csv-parse/sync'
import { freePort } from '../../electron/services/demo/embeddedCluster'
import { cli } from '../helpers/cliRunner'
import { adminClient, createDatabase, urlFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { mlflowSearchRunIds } from '../helpers/mlflowReference'

/** runs search with --filter / --order-by / --csv, as a shell user runs it. */
describe('mlflow-desk runs search with filters', () => {
  let url: string
  let db: string
  beforeAll(async () => {
    db = await createDatabase('cli_search', FIXTURES.small.template)
    url = urlFor(db)
  })

  const reference = async (filter: string, orderBy: string[], experimentIds = ['1', '2', '3'], stages = ['active']) => {
    const c = adminClient(db)
    await c.connect()
    try {
      return await mlflowSearchRunIds(c, { experimentIds, stages, filter, orderBy }, 1000)
    } finally {
      await c.end()
    }
  }
  const experimentIds = async (stage: string) => {
    const c = adminClient(db)
    await c.connect()
    try {
      return (
        await c.query<{ id: string }>('SELECT experiment_id::text AS id FROM experiments WHERE lifecycle_stage = $1 ORDER BY experiment_id', [stage])
      ).rows.map((r) => r.id)
    } finally {
      await c.end()
    }
  }
  const runIds = (stdout: string): string[] =>
    JSON.parse(stdout.replace(/\bNaN\b/g, 'null')).runs?.map((x: { info: { run_id: string } }) => x.info.run_id) ?? []

  it("--filter and repeated --order-by give MLflow's runs and order", async () => {
    const filter = "metrics.acc > 0.3 and params.optimizer != 'sgd'"
    const order = ['params.optimizer DESC', 'metrics.acc']
    const r = await cli([
      'runs',
      'search',
      '--experiment-ids',
      '1,2,3',
      '--filter',
      filter,
      '--order-by',
      order[0],
      '--order-by',
      order[1],
      '--json',
      '--url',
      url,
    ])
    expect(r.code).toBe(0)
    const ids = JSON.parse(r.stdout.replace(/\bNaN\b/g, 'null')).runs.map((x: { info: { run_id: string } }) => x.info.run_id)
    expect(ids.length).toBeGreaterThan(3)
    expect(ids).toEqual(await reference(filter, order))
  })

  it('--all follows page tokens to the end', async () => {
    const r = await cli(['runs', 'search', '--experiment-ids', '1,2,3', '--max-results', '3', '--all', '--json', '--url', url])
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout.replace(/\bNaN\b/g, 'null'))
    expect(json.runs.map((x: { info: { run_id: string } }) => x.info.run_id)).toEqual(await reference('', []))
    expect(json.next_page_token).toBeUndefined()
  })

  it('--csv has one row per run and mlflow.search_runs-style columns', async () => {
    const r = await cli([
      'runs',
      'search',
      '--experiment-ids',
      '1',
      '--filter',
      "tags.kind = 'vision'",
      '--order-by',
      'metrics.acc DESC',
      '--csv',
      '--url',
      url,
    ])
    expect(r.code).toBe(0)
    const rows = parse(r.stdout, { columns: true }) as Array<Record<string, string>>
    expect(rows.map((x) => x.run_id)).toEqual(
      await reference("tags.kind = 'vision'", ['metrics.acc DESC']).then((ids) => ids.filter((id) => rows.some((x) => x.run_id === id))),
    )
    expect(rows.length).toBeGreaterThan(0)
    const header = Object.keys(rows[0])
    expect(header.slice(0, 4)).toEqual(['run_id', 'run_name', 'experiment_id', 'status'])
    expect(header).toContain('metrics.acc')
    expect(header).toContain('params.optimizer')
    expect(header).toContain('tags.kind')
    expect(rows.every((x) => x['tags.kind'] === 'vision')).toBe(true)
    // Sorted by acc, descending, as the order asked.
    const acc = rows.map((x) => Number(x['metrics.acc'])).filter((v) => !Number.isNaN(v))
    expect(acc).toEqual([...acc].sort((a, b) => b - a))
  })

  it('a malformed filter exits 2 with the fault shown under a caret', async () => {
    const r = await cli(['runs', 'search', '--experiment-ids', '1', '--filter', "metrics.acc > 'high'", '--url', url])
    expect(r.code).toBe(2)
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines).toContain("  metrics.acc > 'high'")
    expect(lines).toContain(`  ${' '.repeat(14)}^^^^^^`)
    expect(lines[lines.length - 1]).toMatch(/^mlflow-desk: error: Expected a number for metrics\.acc/)
    expect(r.stdout).toBe('')
  })

  it('a bad --order-by names its entry', async () => {
    const r = await cli(['runs', 'search', '--experiment-ids', '1', '--order-by', 'metrics.acc', '--order-by', 'metrics.acc DESC', '--url', url])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/order_by names metric 'acc' twice/)
    expect(r.stderr).toContain('  metrics.acc DESC\n  ^^^^^^^^^^^')
  })

  it('without --experiment-ids searches every active experiment, as mlflow.search_runs(search_all_experiments=True)', async () => {
    const active = await experimentIds('active')
    const deleted = await experimentIds('deleted')
    // Not vacuous: the fixture has a deleted experiment with runs, and runs in several active ones.
    expect(active.length).toBeGreaterThan(2)
    expect((await reference('', [], deleted, ['active', 'deleted'])).length).toBeGreaterThan(0)
    for (const [view, stages, filter, order] of [
      ['active', ['active'], '', []],
      ['all', ['active', 'deleted'], '', []],
      ['all', ['active', 'deleted'], "params.optimizer != 'sgd'", ['metrics.acc DESC']],
    ] as const) {
      const args = [
        'runs',
        'search',
        '--view',
        view,
        '--json',
        '--url',
        url,
        ...(filter ? ['--filter', filter] : []),
        ...order.flatMap((o) => ['--order-by', o]),
      ]
      const r = await cli(args)
      expect(r.code, args.join(' ')).toBe(0)
      const ids = runIds(r.stdout)
      // The union of the per-experiment searches, in MLflow's order over all of them.
      const perExperiment = (await Promise.all(active.map((id) => reference(filter, [...order], [id], [...stages])))).flat()
      const expected = await reference(filter, [...order], active, [...stages])
      expect(expected.length).toBeGreaterThan(0)
      expect(new Set(expected)).toEqual(new Set(perExperiment))
      expect(ids, args.join(' ')).toEqual(expected)
      // Keyset pages across experiments give the same runs in the same order.
      const paged = await cli([...args, '--max-results', '7', '--all'])
      expect(runIds(paged.stdout)).toEqual(expected)
    }
    const deletedRuns = await reference('', [], deleted, ['active', 'deleted'])
    const all = await cli(['runs', 'search', '--view', 'all', '--json', '--url', url])
    expect(runIds(all.stdout).filter((id) => deletedRuns.includes(id))).toEqual([])
    // An empty list means the same as none.
    expect(runIds((await cli(['runs', 'search', '--experiment-ids', '', '--json', '--url', url])).stdout)).toEqual(await reference('', [], active))
  })
})

describe('runs search checks the filter before opening a store', () => {
  it("a malformed filter or order exits 2 with the parser's message even when the store cannot be reached", async () => {
    const url = `postgresql://mlflow@127.0.0.1:${await freePort()}/mlflow`
    const bad = await cli(['runs', 'search', '--filter', 'metrics.acc >', '--url', url])
    expect(bad.code).toBe(2)
    expect(bad.stderr.split('\n')).toEqual([
      '  metrics.acc >',
      `  ${' '.repeat(13)}^`,
      "mlflow-desk: error: Expected a value after '>' at the end of the filter.",
    ])
    const order = await cli(['runs', 'search', '--experiment-ids', '1', '--order-by', 'metrics.acc', '--order-by', 'metrics.acc DESC', '--url', url])
    expect(order.code).toBe(2)
    expect(order.stderr).toMatch(/order_by names metric 'acc' twice/)
    // The same command with a good filter does try the store, and fails on it.
    const good = await cli(['runs', 'search', '--filter', 'metrics.acc > 0.5', '--url', url])
    expect(good.code).toBe(1)
    expect(good.stderr).toMatch(/^mlflow-desk: error: Connection refused/)
  })

  it('with --profile demo, a malformed filter starts no demo server and writes nothing', async () => {
    const home = await mkdtemp(join(tmpdir(), 'desk-cli-nodemo-'))
    const r = await cli(['--profile', 'demo', 'runs', 'search', '--filter', "metrics.acc > 'high'"], {}, home)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/mlflow-desk: error: Expected a number for metrics\.acc/)
    expect(await readdir(home)).toEqual([])
  })
})
