import { describe, expect, it } from 'vitest'
import { ALL_CAPABILITIES, CAPABILITIES, REQUIRED_TABLES, capabilitiesOf, type Capability } from '../../../electron/services/mlflowSchema/capabilities'
import { ALEMBIC_CHAIN, MLFLOW_HEAD_REVISION, revisionIndex } from '../../../electron/services/mlflowSchema/revisions'
import { MLFLOW_TABLES } from '../../../migrations/mlflowSchema/index'

/** What our migrations create: MLflow 3.5's head, table -> columns. */
const head = new Map(MLFLOW_TABLES.map((t) => [t.name, new Set(Object.keys(t.columns))]))
const headHas = (table: string, column?: string) => !!head.get(table) && (column === undefined || head.get(table)!.has(column))
const names = Object.keys(CAPABILITIES) as Capability[]

describe("MLflow's schema facts", () => {
  it('every table and column a capability needs is one our migrations create', () => {
    const unknown = names.flatMap((n) => CAPABILITIES[n].needs.filter(([t, c]) => !headHas(t, c)).map(([t, c]) => `${n}: ${t}${c ? `.${c}` : ''}`))
    expect(unknown).toEqual([])
    expect(REQUIRED_TABLES.filter((t) => !headHas(t))).toEqual([])
  })

  it('a store as our migrations leave it has every capability', () => {
    expect(capabilitiesOf(headHas)).toEqual(ALL_CAPABILITIES)
    expect(Object.values(ALL_CAPABILITIES).every(Boolean)).toBe(true)
    expect(Object.keys(ALL_CAPABILITIES).sort()).toEqual([...names].sort())
  })

  it("every capability's revision is in MLflow's alembic chain, at or before our head", () => {
    const head = revisionIndex(MLFLOW_HEAD_REVISION)
    expect(head).toBe(ALEMBIC_CHAIN.length - 1)
    for (const n of names) {
      const since = CAPABILITIES[n].since
      if (since === null) continue
      expect(revisionIndex(since), `${n} since ${since}`).toBeGreaterThanOrEqual(0)
    }
    expect(revisionIndex('not-a-revision')).toBe(-1)
  })

  it('a capability is off as soon as one table or column it needs is missing', () => {
    const without = (table: string, column?: string) => capabilitiesOf((t, c) => headHas(t, c) && !(t === table && (column === undefined || c === column)))
    expect(without('metrics', 'is_nan')).toMatchObject({ metricNaN: false, metricSteps: true, latestMetrics: true })
    expect(without('input_tags')).toMatchObject({ datasets: false, runModelIO: true })
    expect(without('inputs', 'step')).toMatchObject({ runModelIO: false, datasets: true, loggedModels: true })
    expect(without('model_versions')).toMatchObject({ modelRegistry: false, modelAliases: true })
    expect(without('experiments', 'last_update_time')).toMatchObject({ experimentTimes: false })
    expect(without('spans')).toMatchObject({ traceSpans: false, traces: true })
    // Only the one named capability goes: every other stays on.
    const off = (caps: Record<string, boolean>) => Object.keys(caps).filter((k) => !caps[k])
    expect(off(without('logged_model_metrics'))).toEqual(['loggedModels'])
    expect(off(without('runs', 'name'))).toEqual(['runNameColumn'])
  })
})
