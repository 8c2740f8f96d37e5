import { describe, expect, it } from 'vitest'
import type { Run } from '@shared/domain/mlflow'
import { buildRunRows, runKeysUnder, visibleRows } from '@/utils/runTree'

function run(id: string, opts: { parent?: string; lr?: string } = {}): Run {
  const tags = opts.parent ? [{ key: 'mlflow.parentRunId', value: opts.parent }] : []
  const params = opts.lr ? [{ key: 'lr', value: opts.lr }] : []
  return {
    info: {
      run_id: id,
      run_uuid: id,
      run_name: id,
      experiment_id: '1',
      user_id: null,
      status: 'FINISHED',
      start_time: 0,
      end_time: 0,
      artifact_uri: null,
      lifecycle_stage: 'active',
    },
    data: { metrics: [], params, tags },
    inputs: { dataset_inputs: [], model_inputs: [] },
    outputs: { model_outputs: [] },
  }
}

const keys = (rows: ReturnType<typeof buildRunRows>) => rows.map((r) => r.key)

describe('runs table rows', () => {
  // Children start after their parent: in start_time DESC order they come first.
  const runs = [
    run('c2', { parent: 'p', lr: '0.1' }),
    run('g', { parent: 'c1' }),
    run('c1', { parent: 'p', lr: '0.01' }),
    run('p', { lr: '0.1' }),
    run('orphan', { parent: 'gone' }),
    run('solo', { lr: '0.01' }),
  ]

  it('nests children under loaded parents, keeping the server’s order at each level', () => {
    const rows = buildRunRows(runs, { nest: true, groupBy: null })
    expect(keys(rows)).toEqual(['p', 'orphan', 'solo'])
    expect(keys(rows[0].children!)).toEqual(['c2', 'c1'])
    expect(keys(rows[0].children![1].children!)).toEqual(['g'])
    expect(rows[0].descendants).toBe(3)
    expect(rows[1].missingParent).toBe('gone')
    expect(rows[2].children).toBeUndefined()
  })

  it('shows every run on its own row when flat', () => {
    expect(keys(buildRunRows(runs, { nest: false, groupBy: null }))).toEqual(runs.map((r) => r.info.run_id))
  })

  it('cuts a parent loop instead of losing its runs', () => {
    const loop = [run('a', { parent: 'b' }), run('b', { parent: 'a' })]
    const rows = buildRunRows(loop, { nest: true, groupBy: null })
    expect(rows.flatMap(runKeysUnder).sort()).toEqual(['a', 'b'])
  })

  it('groups by a param value in order of first appearance, unset last, with counts', () => {
    const rows = buildRunRows(runs, { nest: false, groupBy: { entity: 'params', key: 'lr' } })
    expect(rows.map((r) => [r.group!.value, r.group!.count])).toEqual([
      ['0.1', 2],
      ['0.01', 2],
      [null, 2],
    ])
    expect(runKeysUnder(rows[0])).toEqual(['c2', 'p'])
  })

  it('lists the rows as shown for the expanded keys', () => {
    const rows = buildRunRows(runs, { nest: true, groupBy: null })
    expect(keys(visibleRows(rows, new Set()))).toEqual(['p', 'orphan', 'solo'])
    expect(keys(visibleRows(rows, new Set(['p', 'c1'])))).toEqual(['p', 'c2', 'c1', 'g', 'orphan', 'solo'])
  })
})
