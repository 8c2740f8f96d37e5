import { describe, expect, it } from 'vitest'
import { openStore } from '../../electron/services/connections/storeConnection'
import { CAPABILITIES, type Capability } from '../../electron/services/mlflowSchema/capabilities'
import { revisionIndex } from '../../electron/services/mlflowSchema/revisions'
import { adminClient, createDatabase, targetFor } from '../helpers/databases'
import { FIXTURES, type FixtureName } from '../helpers/fixtures'

const names = Object.keys(CAPABILITIES) as Capability[]

/** What the facts say a store at `revision` has: every capability whose revision is at or before it. */
function expectedAt(revision: string): Record<Capability, boolean> {
  const at = revisionIndex(revision)
  expect(at, revision).toBeGreaterThanOrEqual(0)
  return Object.fromEntries(names.map((n) => [n, CAPABILITIES[n].since === null || revisionIndex(CAPABILITIES[n].since) <= at])) as Record<Capability, boolean>
}

async function capabilitiesOfDatabase(db: string) {
  const store = await openStore(targetFor(db))
  try {
    return { revision: store.schema.revision, capabilities: { ...store.capabilities }, description: store.schema.describe() }
  } finally {
    await store.close()
  }
}

describe("a store's capabilities, probed from MLflow-written stores", () => {
  const cases: Array<[FixtureName, string]> = [
    ['small', 'bf29a5ff90ea'],
    ['genai', 'bf29a5ff90ea'],
    ['old', '97727af70f4d'],
  ]
  for (const [fixture, revision] of cases) {
    it(`${fixture} (alembic ${revision}): each capability is on exactly when its revision is reached`, async () => {
      const got = await capabilitiesOfDatabase(await createDatabase(`caps_${fixture}`, FIXTURES[fixture].template))
      expect(got.revision).toBe(revision)
      expect(got.capabilities).toEqual(expectedAt(revision))
    })
  }

  it('MLflow 1.30 lacks what came with 2.3 and later, and has what came before', async () => {
    const { capabilities, description } = await capabilitiesOfDatabase(await createDatabase('caps_old', FIXTURES.old.template))
    const off = names.filter((n) => !capabilities[n]).sort()
    expect(off).toEqual([
      'assessments',
      'datasets',
      'evaluationDatasetOutputs',
      'evaluationDatasets',
      'loggedModels',
      'modelAliases',
      'modelVersionStorage',
      'runModelIO',
      'tracePreviews',
      'traceSpans',
      'traces',
    ])
    // session:describe keeps its wire shape, read from the same capabilities.
    expect(description.features).toEqual({
      run_name_column: true,
      latest_metrics: true,
      datasets: false,
      model_registry: true,
      model_aliases: false,
      logged_models: false,
      traces: false,
      evaluations: false,
    })
  })

  it('a store older than its alembic stamp says (columns and tables removed) reads as what it has, not what its revision promises', async () => {
    const db = await createDatabase('caps_pre13', FIXTURES.old.template)
    const admin = adminClient(db)
    await admin.connect()
    try {
      // What MLflow 1.0 left: no latest_metrics, no metrics.step or is_nan, no experiment times, no registry run link.
      await admin.query('DROP TABLE latest_metrics')
      await admin.query('ALTER TABLE metrics DROP COLUMN is_nan, DROP COLUMN step')
      await admin.query('ALTER TABLE experiments DROP COLUMN creation_time')
      await admin.query('ALTER TABLE model_versions DROP COLUMN run_link')
    } finally {
      await admin.end()
    }
    const { capabilities } = await capabilitiesOfDatabase(db)
    expect(capabilities).toMatchObject({
      latestMetrics: false,
      metricSteps: false,
      metricNaN: false,
      experimentTimes: false,
      modelVersionRunLink: false,
      modelRegistry: true,
      experimentTags: true,
      runNameColumn: true,
    })
  })
})
