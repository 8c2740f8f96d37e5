import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { cli } from '../helpers/cliRunner'
import { adminClient, createDatabase, urlFor } from '../helpers/databases'
import { artifactRootUri, FIXTURES } from '../helpers/fixtures'

interface RefTrace {
  state: string
  spans: Array<{ span_id: string; parent_id: string | null; name: string; status: string }>
  assessments: Array<{ assessment_id: string; valid: boolean; overrides: string | null }>
}
const REFERENCE = (JSON.parse(readFileSync(FIXTURES.genai.dump.replace(/\.sql$/, '.search-traces.json'), 'utf8')) as { traces: Record<string, RefTrace> })
  .traces
/** A failed trace whose judge was overridden by a human: the richest one to read in a terminal. */
const [TRACE_ID, TRACE] = Object.entries(REFERENCE).find(([, t]) => t.assessments.some((a) => a.overrides)) ?? []
const FAILED = Object.entries(REFERENCE).find(([, t]) => t.state === 'ERROR')!

let db: string
const args = (...a: string[]) => ['--url', urlFor(db), '--artifact-map', `${artifactRootUri('genai')}=${FIXTURES.genai.artifacts}`, ...a]

beforeAll(async () => {
  db = await createDatabase('cli_trace_get', FIXTURES.genai.template)
})

describe('mlflow-desk traces get', () => {
  it("--json prints MLflow's trace JSON: info with tags, metadata and assessments, data with every span", async () => {
    const res = await cli(['traces', 'get', ...args(TRACE_ID!, '--json')])
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    const trace = JSON.parse(res.stdout) as {
      info: { trace_id: string; state: string; assessments: Array<{ assessment_id: string; valid: boolean }>; tags: object; trace_metadata: object }
      data: { spans: Array<{ span_id: string; name: string; start_time_unix_nano: string; events: unknown[]; attributes: object }> }
    }
    expect(trace.info.trace_id).toBe(TRACE_ID)
    expect(trace.info.state).toBe(TRACE!.state)
    expect(trace.info.assessments.map((a) => [a.assessment_id, a.valid]).sort()).toEqual(TRACE!.assessments.map((a) => [a.assessment_id, a.valid]).sort())
    expect(trace.data.spans.map((s) => Buffer.from(s.span_id, 'base64').toString('hex'))).toEqual(TRACE!.spans.map((s) => s.span_id))
    expect(trace.data.spans.every((s) => /^\d{19}$/.test(s.start_time_unix_nano) && Array.isArray(s.events))).toBe(true)
  })

  it('without --json: the span tree indented under parents with durations and error marks, and the assessments with the overridden one marked', async () => {
    const res = await cli(['traces', 'get', ...args(TRACE_ID!)])
    expect(res.code).toBe(0)
    const lines = res.stdout.split('\n')
    for (const s of TRACE!.spans) {
      const line = lines.find((l) => l.trimStart().startsWith(`${s.name}  [`))
      expect(line, s.name).toBeDefined()
      expect(line!.startsWith(s.parent_id ? '  ' : s.name)).toBe(true)
      expect(line).toMatch(/\d (µs|ms|s)/)
    }
    const overridden = TRACE!.assessments.find((a) => !a.valid)!
    const by = TRACE!.assessments.find((a) => a.overrides === overridden.assessment_id)!
    expect(res.stdout).toContain(`overridden by ${by.assessment_id}`)
    expect(res.stdout).toContain(`overrides ${overridden.assessment_id}`)

    const failed = await cli(['traces', 'get', ...args(FAILED[0])])
    const errorSpans = FAILED[1].spans.filter((s) => s.status === 'ERROR')
    expect(errorSpans.length).toBeGreaterThan(0)
    for (const s of errorSpans) expect(failed.stdout.split('\n').find((l) => l.trimStart().startsWith(`${s.name}  [`))).toContain('✗')
  })

  it('reads the spans from traces.json through --artifact-map when the store has none', async () => {
    const copy = await createDatabase('cli_trace_get_artifact', FIXTURES.genai.template)
    const c = adminClient(copy)
    await c.connect()
    await c.query('DELETE FROM spans').finally(() => c.end())
    const res = await cli(['traces', 'get', '--url', urlFor(copy), '--artifact-map', `${artifactRootUri('genai')}=${FIXTURES.genai.artifacts}`, TRACE_ID!])
    expect(res.code).toBe(0)
    expect(res.stdout).toContain(`${TRACE!.spans.length} span(s) (from ${artifactRootUri('genai')}`)
    const unmapped = await cli(['traces', 'get', '--url', urlFor(copy), TRACE_ID!])
    expect(unmapped.code).toBe(0)
    expect(unmapped.stdout).toContain('0 span(s)')
    expect(unmapped.stderr).toContain('traces.json')
  })

  it('an unknown trace fails naming it; a malformed id is a usage error naming TRACE_ID', async () => {
    const missing = await cli(['traces', 'get', ...args('tr-ffffffffffffffffffffffffffffffff')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("Trace 'tr-ffffffffffffffffffffffffffffffff' not found")
    const bad = await cli(['traces', 'get', ...args('tr-1;drop')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('TRACE_ID')
  })
})
