import { existsSync, statSync } from 'node:fs'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { demoPaths } from '../../electron/services/config/appPaths'
import { openStore } from '../../electron/services/connections/storeConnection'
import { ensureDemoStore, type DemoStore } from '../../electron/services/demo/demoStore'
import { searchRuns } from '../../electron/services/tracking/runs'
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
