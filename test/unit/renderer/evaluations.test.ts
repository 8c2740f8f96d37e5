import { describe, expect, it } from 'vitest'
import { aggregateScores, isEvaluationRun, rowMatches } from '../../../renderer/src/utils/evaluations'
import { EXPERIMENT_TABS, experimentTabsFor } from '../../../renderer/src/utils/experimentTabs'

describe('evaluation screens', () => {
  it('an evaluation run is one tagged mlflow.run.isEval = true', () => {
    expect(isEvaluationRun([{ key: 'mlflow.run.isEval', value: 'True' }])).toBe(true)
    expect(isEvaluationRun([{ key: 'mlflow.run.isEval', value: 'false' }])).toBe(false)
    expect(isEvaluationRun([])).toBe(false)
  })

  it("aggregate scores: the scorers' metrics first, each group by key", () => {
    const m = (key: string) => ({ key, value: 1, timestamp: 0, step: 0 })
    expect(aggregateScores([m('latency'), m('b/mean'), m('a/mean'), m('accuracy')], ['a', 'b']).map((x) => x.key)).toEqual([
      'a/mean',
      'b/mean',
      'accuracy',
      'latency',
    ])
  })

  it('the regressions filter keeps regressed and mixed rows; changed keeps every row that moved', () => {
    expect((['regressed', 'mixed', 'improved', 'same', 'only_a'] as const).filter((c) => rowMatches(c, 'regressed'))).toEqual(['regressed', 'mixed'])
    expect((['regressed', 'mixed', 'improved', 'same', 'only_a'] as const).filter((c) => rowMatches(c, 'changed'))).toEqual([
      'regressed',
      'mixed',
      'improved',
      'only_a',
    ])
  })

  it('the Evaluations tab shows on stores with assessments (what the scorers write)', () => {
    const tab = EXPERIMENT_TABS.find((t) => t.key === 'evaluations')!
    expect(tab).toMatchObject({ feature: 'evaluations' })
    const features = {
      run_name_column: true,
      latest_metrics: true,
      datasets: true,
      model_registry: true,
      model_aliases: true,
      logged_models: true,
      traces: true,
      evaluations: false,
    }
    expect(experimentTabsFor(features).map((t) => t.key)).not.toContain('evaluations')
    expect(experimentTabsFor({ ...features, evaluations: true }).map((t) => t.key)).toContain('evaluations')
  })
})
