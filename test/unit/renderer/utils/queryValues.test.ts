import { describe, expect, it } from 'vitest'
import type { PlanNode } from '@shared/domain/query'
import { cellText, columnText, exportFileName, exportRate, flattenPlan, formatBytes, planTitle, rowText, splitHint } from '@/utils/queryValues'

const node = (over: Partial<PlanNode>): PlanNode => ({
  node_type: 'Seq Scan',
  parent_relationship: null,
  relation: null,
  alias: null,
  index: null,
  join_type: null,
  startup_cost: 0,
  total_cost: 1,
  plan_rows: 1,
  plan_width: 4,
  actual_startup_ms: null,
  actual_total_ms: null,
  actual_rows: null,
  actual_loops: null,
  details: [],
  children: [],
  ...over,
})

describe('console values', () => {
  it('copies NULL as empty, rows as TSV and columns with their name', () => {
    expect(cellText(null)).toBe('')
    expect(cellText(false)).toBe('false')
    expect(rowText([1, null, 'a\tb'])).toBe('1\t\ta b')
    expect(columnText({ name: 'n', type: 'int', category: 'number' }, [[1], [null], [3]], 0)).toBe('n\n1\n\n3')
  })

  it('formats sizes and rates', () => {
    expect(formatBytes(340)).toBe('340 B')
    expect(formatBytes(1_250_000)).toBe('1.25 MB')
    expect(exportRate(1000, 2000, 500)).toEqual({ rowsPerS: 2000, bytesPerS: 4000 })
  })

  it('names export files safely', () => {
    expect(exportFileName('Runs / per user?', 'csv', new Date('2026-01-02T03:04:05Z'))).toBe('Runs-per-user-2026-01-02-03-04-05.csv')
    expect(exportFileName('..', 'jsonl', new Date('2026-01-02T03:04:05Z'))).toBe('query-2026-01-02-03-04-05.jsonl')
  })

  it('splits PostgreSQL’s hint from its message', () => {
    expect(splitHint('PostgreSQL refused the statement: no column x. Hint: Perhaps y.')).toEqual({
      message: 'PostgreSQL refused the statement: no column x.',
      hint: 'Perhaps y.',
    })
    expect(splitHint('plain').hint).toBeNull()
  })

  it('flattens a plan depth-first with titles', () => {
    const plan = node({
      node_type: 'Hash Join',
      join_type: 'Inner',
      children: [
        node({ relation: 'public.runs', alias: 'r', parent_relationship: 'Outer' }),
        node({ node_type: 'Hash', children: [node({ relation: 'experiments', alias: 'experiments' })] }),
      ],
    })
    const flat = flattenPlan(plan)
    expect(flat.map((l) => [planTitle(l.node), l.depth])).toEqual([
      ['Hash Join (Inner)', 0],
      ['Seq Scan on public.runs r', 1],
      ['Hash', 1],
      ['Seq Scan on experiments', 2],
    ])
  })
})
