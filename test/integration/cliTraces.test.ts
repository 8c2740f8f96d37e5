import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'csv-parse/sync'
import { cli } from '../helpers/cliRunner'
import { createDatabase, urlFor } from '../helpers/databases'
import { FIXTURES, FIXTURES_DIR } from '../helpers/fixtures'

/** traces search as a shell user runs it, answers checked against real MLflow's (the fixture's search-traces.json). */
const REFERENCE = JSON.parse(readFileSync(resolve(FIXTURES_DIR, 'genai/mlflow-genai-seed21.search-traces.json'), 'utf8')) as {
  experiment_ids: string[]
  cases: Array<{ filter: string; order_by: string[]; max_results: number; ids: string[] }>
  traces: Record<string, { request_time: number; execution_duration: number; state: string; tags: Record<string, string> }>
}
const mlflowIds = (filter: string, orderBy: string[] = []) =>
  REFERENCE.cases.find((c) => c.filter === filter && JSON.stringify(c.order_by) === JSON.stringify(orderBy) && c.max_results === 1000)!.ids

describe('mlflow-desk traces search', () => {
  let url: string
  const experiments = () => REFERENCE.experiment_ids.join(',')
  beforeAll(async () => {
    url = urlFor(await createDatabase('cli_traces', FIXTURES.genai.template))
  })

  it("--json prints MLflow's REST shape with MLflow's traces and order", async () => {
    const filter = "trace.name = 'sql_agent'"
    const order = ['execution_time_ms DESC']
    const r = await cli([
      'traces',
      'search',
      '--experiment-ids',
      experiments(),
      '--filter',
      filter,
      '--order-by',
      order[0],
      '--max-results',
      '1000',
      '--json',
      '--url',
      url,
    ])
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout) as { traces: Array<Record<string, unknown>>; next_page_token?: string }
    expect(json.traces.map((t) => t.trace_id)).toEqual(mlflowIds(filter, order))
    expect(json.next_page_token).toBeUndefined()
    const first = json.traces[0]
    const t = REFERENCE.traces[first.trace_id as string]
    expect(first).toMatchObject({
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: expect.any(String) } },
      request_time: new Date(t.request_time).toISOString(),
      execution_duration: `${t.execution_duration / 1000}s`,
      state: t.state,
      tags: t.tags,
      trace_metadata: expect.objectContaining({ 'mlflow.trace_schema.version': '3' }),
    })
  })

  it('--all follows page tokens to the end; a page token continues where the page ended', async () => {
    const all = await cli(['traces', 'search', '--experiment-ids', experiments(), '--max-results', '9', '--all', '--json', '--url', url])
    expect(all.code).toBe(0)
    expect(JSON.parse(all.stdout).traces.map((t: { trace_id: string }) => t.trace_id)).toEqual(mlflowIds(''))
    const first = await cli(['traces', 'search', '--experiment-ids', experiments(), '--max-results', '5', '--json', '--url', url])
    const token = JSON.parse(first.stdout).next_page_token as string
    expect(token).toBeTruthy()
    const second = await cli(['traces', 'search', '--experiment-ids', experiments(), '--max-results', '5', '--page-token', token, '--json', '--url', url])
    expect(JSON.parse(second.stdout).traces.map((t: { trace_id: string }) => t.trace_id)).toEqual(mlflowIds('').slice(5, 10))
  })

  it('--csv: one row per trace with tokens, tags and assessments; the table names the next page', async () => {
    const filter = "tags.env = 'prod'"
    const r = await cli(['traces', 'search', '--experiment-ids', experiments(), '--filter', filter, '--max-results', '1000', '--csv', '--url', url])
    expect(r.code).toBe(0)
    const rows = parse(r.stdout, { columns: true }) as Array<Record<string, string>>
    expect(rows.map((x) => x.trace_id)).toEqual(mlflowIds(filter))
    expect(Object.keys(rows[0])).toEqual(expect.arrayContaining(['total_tokens', 'tags.env', 'assessments.groundedness']))
    expect(rows.every((x) => x['tags.env'] === 'prod' && Number(x.total_tokens) > 0)).toBe(true)

    const table = await cli(['traces', 'search', '--experiment-ids', experiments(), '--max-results', '3', '--url', url])
    expect(table.code).toBe(0)
    expect(table.stdout.split('\n')[0]).toMatch(/^TRACE ID\s+NAME\s+STATE/)
    expect(table.stdout).toContain(mlflowIds('')[0])
    expect(table.stderr).toMatch(/^3 trace\(s\); next page: --page-token \S+$/m)
  })

  it('a malformed filter exits 2 with the fault under a caret, before any store is opened', async () => {
    const r = await cli([
      'traces',
      'search',
      '--experiment-ids',
      '1',
      '--filter',
      "trace.execution_time_ms > 'fast'",
      '--url',
      'postgresql://nobody@127.0.0.1:1/none',
    ])
    expect(r.code).toBe(2)
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines).toContain("  trace.execution_time_ms > 'fast'")
    expect(lines).toContain(`  ${' '.repeat(26)}^^^^^^`)
    expect(lines[lines.length - 1]).toMatch(/^mlflow-desk: error: Expected a number for trace\.execution_time_ms/)
    expect(r.stdout).toBe('')
  })

  it('--experiment-ids is required; a bad id names the option', async () => {
    expect((await cli(['traces', 'search', '--url', url])).code).toBe(2)
    const r = await cli(['traces', 'search', '--experiment-ids', 'abc', '--url', url])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--experiment-ids/)
  })
})
