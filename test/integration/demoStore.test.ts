import { existsSync, statSync } from 'node:fs'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { demoPaths } from '../../electron/services/config/appPaths'
import { ensureDemoStore, type DemoStore } from '../../electron/services/demo/demoStore'
import { searchRuns } from '../../electron/services/tracking/runs'
import { searchTraces } from '../../electron/services/traces/traceSearch'
import { openStore, openWritableClient } from '../../electron/services/connections/storeConnection'
import { listExperiments } from '../../electron/services/tracking/experiments'

/** The built-in demo store, end to end: its own embedded PostgreSQL in a fresh app folder. */
describe('the demo store', () => {
  let home: string
  let first: DemoStore | undefined

  afterAll(async () => {
    await first?.cluster.stop()
    if (home) await rm(home, { recursive: true, force: true })
  })

  it('starts, migrates and seeds on first use, with artifacts on disk and a private password file', async () => {
    home = await mkdtemp(join(tmpdir(), 'desk-home-'))
    await chmod(home, 0o755)
    first = await ensureDemoStore(home)
    expect(first.seededNow).toBe(true)
    const paths = demoPaths(home)
    expect(statSync(paths.credentials).mode & 0o777).toBe(0o600)
    const store = await openStore(first.target)
    try {
      expect(store.schema.revision).toBe('bf29a5ff90ea')
      const experiments = await listExperiments(store, 'all')
      expect(experiments.some((e) => e.lifecycle_stage === 'deleted')).toBe(true)
      const runs = await searchRuns(store, { experiment_ids: experiments.map((e) => e.experiment_id), view: 'all', max_results: 1000 })
      expect(runs.runs.length).toBeGreaterThan(200)
      const withArtifacts = runs.runs.filter((r) => r.info.artifact_uri?.startsWith('file://'))
      expect(withArtifacts.length).toBeGreaterThan(100)
      for (const r of withArtifacts.slice(0, 20)) expect(existsSync(new URL(r.info.artifact_uri!).pathname), r.info.artifact_uri!).toBe(true)
      // The GenAI side: three applications' experiments after the runs' ones, with traces, spans, sessions and assessments.
      const genai = experiments.filter((e) => ['support-assistant', 'sql-agent', 'doc-summarizer'].includes(e.name))
      expect(genai.map((e) => Number(e.experiment_id))).toEqual(
        [1, 2, 3].map((i) => Math.max(...experiments.filter((e) => !genai.includes(e)).map((e) => Number(e.experiment_id))) + i),
      )
      const traces = await searchTraces(store, { experiment_ids: genai.map((e) => e.experiment_id), max_results: 1000 })
      expect(traces.traces.length).toBeGreaterThan(500)
      expect(new Set(traces.traces.map((t) => t.experiment_id))).toEqual(new Set(genai.map((e) => e.experiment_id)))
      expect(traces.traces.some((t) => t.session)).toBe(true)
      expect(traces.traces.some((t) => Object.keys(t.assessments).length > 0)).toBe(true)
      const [{ spans }] = await store.select<{ spans: number }>('SELECT count(*)::int AS spans FROM spans')
      expect(spans).toBeGreaterThan(traces.traces.length * 5)
    } finally {
      await store.close()
    }
  })

  it('on the next start, joins the running server and does not seed again', async () => {
    const second = await ensureDemoStore(home)
    expect(second.seededNow).toBe(false)
    expect(second.cluster.owned).toBe(false)
    expect(second.target.port).toBe(first!.target.port)
  })

  it('a demo store seeded before it had traces gets them once, beside its runs', async () => {
    const store = await openStore(first!.target)
    const client = await openWritableClient(first!.target)
    try {
      const count = async (sql: string) => (await store.select<{ n: number }>(sql))[0].n
      const runs = await count('SELECT count(*)::int AS n FROM runs')
      await client.query('TRUNCATE trace_info CASCADE')
      await client.query("DELETE FROM experiments WHERE name IN ('support-assistant', 'sql-agent', 'doc-summarizer')")
      const progress: string[] = []
      expect((await ensureDemoStore(home, (m) => progress.push(m))).seededNow).toBe(false)
      expect(progress).toContain('Adding GenAI traces to the demo store (once)…')
      expect(await count('SELECT count(*)::int AS n FROM trace_info')).toBeGreaterThan(500)
      expect(await count('SELECT count(*)::int AS n FROM runs')).toBe(runs)
      const again: string[] = []
      await ensureDemoStore(home, (m) => again.push(m))
      expect(again).toEqual([])
    } finally {
      await client.end()
      await store.close()
    }
  })
})

describe('where the demo keeps its PostgreSQL data when run as root', () => {
  it('inside the app folder whenever the postgres user can reach it', async () => {
    const { clusterDataDir } = await import('../../electron/services/demo/embeddedCluster')
    const reachable = await mkdtemp(join(tmpdir(), 'desk-reach-'))
    await chmod(reachable, 0o755)
    await ensureDemoStore(reachable).then((d) => d.cluster.stop())
    expect(clusterDataDir(demoPaths(reachable).pgData)).toBe(demoPaths(reachable).pgData)
    expect(existsSync(join(demoPaths(reachable).pgData, 'PG_VERSION'))).toBe(true)
    expect(statSync(demoPaths(reachable).credentials).mode & 0o777).toBe(0o600)
    await rm(reachable, { recursive: true, force: true })
  })
})
