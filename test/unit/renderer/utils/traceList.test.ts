import { describe, expect, it } from 'vitest'
import type { TraceAssessmentValue, TraceColumns } from '@shared/domain/traces'
import { applyCompletion, completeWith } from '@/utils/filterCompletion'
import { andClause, assessmentCell, formatTokens, formatTraceDuration, metadataEquals, userTags } from '@/utils/traceCells'
import { traceFilterGrammar } from '@/utils/traceFilterCompletion'
import { assessmentColumn, defaultTraceColumns, loadTracePrefs, saveTracePrefs, shownTraceColumns, tracePrefsKey } from '@/utils/traceTablePrefs'
import {
  DEFAULT_TRACE_SORT,
  assessmentOrderKey,
  nextTraceSort,
  parseTraceSort,
  readTracesQuery,
  sameTracesQuery,
  writeTraceSort,
  writeTracesQuery,
} from '@/utils/tracesRouteQuery'
import { memoryStorage } from '../fakeTransport'

const feedback = (value: unknown, extra: Partial<TraceAssessmentValue> = {}): TraceAssessmentValue => ({
  assessment_id: 'a-1',
  kind: 'feedback',
  value,
  source_type: 'LLM_JUDGE',
  source_id: 'judge-gpt-4o',
  error: null,
  ...extra,
})

const COLUMNS: TraceColumns = {
  trace_count: 128,
  traces_read: 128,
  sampled: false,
  tags: [
    { key: 'env', count: 100 },
    { key: 'app.version', count: 90 },
  ],
  metadata: [{ key: 'mlflow.trace.user', count: 128 }],
  assessments: [
    { key: 'groundedness', count: 66, kind: 'feedback' },
    { key: 'user_thumbs_up', count: 60, kind: 'feedback' },
    { key: 'expected_response', count: 41, kind: 'expectation' },
  ],
}

describe('trace list cells', () => {
  it('show booleans as thumbs, numbers as numbers, pass/fail and yes/no as verdicts, failures as errors', () => {
    expect(assessmentCell(feedback(true))).toMatchObject({ kind: 'thumb', up: true })
    expect(assessmentCell(feedback(false, { source_type: 'HUMAN', source_id: 'chen@example.com' }))).toMatchObject({
      kind: 'thumb',
      up: false,
      title: 'No — feedback by human (chen@example.com)',
    })
    expect(assessmentCell(feedback(0.14))).toMatchObject({ kind: 'number', text: '0.14' })
    expect(assessmentCell(feedback('no'))).toMatchObject({ kind: 'verdict', good: false, text: 'no' })
    expect(assessmentCell(feedback('PASS'))).toMatchObject({ kind: 'verdict', good: true, text: 'PASS' })
    expect(assessmentCell(feedback('cites kb/trash.md'))).toMatchObject({ kind: 'text', text: 'cites kb/trash.md' })
    expect(assessmentCell(feedback({ score: 3 }))).toMatchObject({ kind: 'text', text: '{"score":3}' })
    const failed = assessmentCell(feedback(null, { error: 'rate limited' }))
    expect(failed.kind).toBe('error')
    expect(failed.kind === 'error' && failed.title).toContain('rate limited')
    expect(assessmentCell(undefined)).toEqual({ kind: 'none' })
    expect(assessmentCell(feedback(null))).toEqual({ kind: 'none' })
  })

  it('format durations and token counts', () => {
    expect(formatTraceDuration(null)).toBe('—')
    expect(formatTraceDuration(636)).toBe('636 ms')
    expect(formatTraceDuration(1432)).toBe('1.43 s')
    expect(formatTraceDuration(23_456)).toBe('23.5 s')
    expect(formatTraceDuration(125_000)).toBe('2 min 5 s')
    expect(formatTokens(12345)).toBe('12,345')
    expect(formatTokens(null)).toBe('—')
  })

  it('filter by a user or session: the metadata key quoted, the value quoted, ANDed onto the filter (OR kept in parentheses)', () => {
    const user = metadataEquals('mlflow.trace.user', "o'brien@example.com")
    expect(user).toBe(`metadata.\`mlflow.trace.user\` = "o'brien@example.com"`)
    expect(andClause('', user)).toBe(user)
    expect(andClause("trace.status = 'ERROR'", user)).toBe(`trace.status = 'ERROR' AND ${user}`)
    expect(andClause("tags.env = 'prod' OR tags.env = 'dev'", user)).toBe(`(tags.env = 'prod' OR tags.env = 'dev') AND ${user}`)
    expect(andClause(`trace.status = 'OK' AND ${user}`, user)).toBe(`trace.status = 'OK' AND ${user}`)
  })

  it('list the tags a person set, not mlflow.* ones', () => {
    expect(userTags({ tags: { 'mlflow.traceName': 'x', env: 'prod', 'app.version': '1.4.0' } })).toEqual([
      ['app.version', '1.4.0'],
      ['env', 'prod'],
    ])
  })
})

describe('trace list route query and sort', () => {
  it('reads and writes ?filter and ?order, keeping other entries and leaving empty ones out', () => {
    expect(readTracesQuery({ filter: " trace.status = 'ERROR' ", order: 'execution_time_ms DESC' })).toEqual({
      filter: "trace.status = 'ERROR'",
      order: 'execution_time_ms DESC',
    })
    expect(readTracesQuery({ filter: ['a', 'b'] })).toEqual({ filter: 'a', order: '' })
    expect(writeTracesQuery({ filter: 'old', keep: '1' }, { filter: '', order: 'name ASC' })).toEqual({ keep: '1', order: 'name ASC' })
    expect(sameTracesQuery({ filter: 'a ', order: '' }, { filter: 'a', order: '' })).toBe(true)
    expect(sameTracesQuery({ filter: 'a', order: 'name ASC' }, { filter: 'a', order: '' })).toBe(false)
  })

  it('cycles a header: biggest first, then smallest, then MLflow’s order (newest first, written as no order)', () => {
    const first = nextTraceSort(DEFAULT_TRACE_SORT, 'execution_time_ms')
    expect(writeTraceSort(first)).toBe('execution_time_ms DESC')
    const second = nextTraceSort(parseTraceSort(writeTraceSort(first)), 'execution_time_ms')
    expect(writeTraceSort(second)).toBe('execution_time_ms ASC')
    expect(writeTraceSort(nextTraceSort(second, 'execution_time_ms'))).toBe('')
    // The default column turns around at the first click.
    expect(writeTraceSort(nextTraceSort(parseTraceSort(''), 'timestamp_ms'))).toBe('timestamp_ms ASC')
    expect(parseTraceSort('assessment.groundedness')).toEqual({ key: 'assessment.groundedness', desc: false })
    expect(assessmentOrderKey('user thumbs')).toBe('assessment.`user thumbs`')
  })
})

describe('trace list columns', () => {
  it('default to the fixed columns and every feedback; the trace id always; remembered per store and experiments', () => {
    const defaults = defaultTraceColumns(COLUMNS)
    expect(defaults).toContain(assessmentColumn('groundedness'))
    expect(defaults).not.toContain(assessmentColumn('expected_response'))
    expect(defaults).not.toContain('experiment')
    expect(defaultTraceColumns(COLUMNS, 2)).toEqual(['trace_id', 'experiment', ...defaults.slice(1)])
    expect(shownTraceColumns({ columns: null, widths: {} }, COLUMNS, 3)).toContain('experiment')
    expect(shownTraceColumns({ columns: ['user', 'assessment:x'], widths: {} }, COLUMNS)).toEqual(['trace_id', 'user', 'assessment:x'])
    expect(tracePrefsKey('demo', ['10', '2'])).toBe(tracePrefsKey('demo', ['2', '10']))
    const storage = memoryStorage()
    saveTracePrefs(storage, 'k', { columns: ['state'], widths: { state: 90, bad: 5 } })
    expect(loadTracePrefs(storage, 'k')).toEqual({ columns: ['state'], widths: { state: 90 } })
    storage.setItem('k', '{not json')
    expect(loadTracePrefs(storage, 'k')).toEqual({ columns: null, widths: {} })
  })
})

describe('trace filter completion', () => {
  const grammar = traceFilterGrammar(COLUMNS, [])
  const labels = (text: string) => completeWith(text, text.length, grammar)?.items.map((i) => i.label) ?? null

  it('offers the entities, the experiments’ keys quoted as the parser reads them, comparators and values', () => {
    expect(labels('')).toEqual(['trace.', 'tags.', 'metadata.', 'span.', 'feedback.', 'expectation.', 'assessment.'])
    expect(labels('tags.')).toEqual(['tags.`app.version`', 'tags.env'])
    expect(labels('metadata.mlflow')).toEqual(['metadata.`mlflow.trace.user`'])
    expect(labels('feedback.')).toEqual(['feedback.groundedness', 'feedback.user_thumbs_up'])
    expect(labels('trace.tokens')).toEqual(['trace.tokens.input', 'trace.tokens.output', 'trace.tokens.total'])
    expect(labels('trace.execution_time_ms ')).toEqual(['>', '>=', '<', '<=', '=', '!='])
    expect(labels('trace.status = ')).toEqual(["'OK'", "'ERROR'", "'IN_PROGRESS'"])
    expect(labels('span.type = ')).toContain("'RETRIEVER'")
    expect(labels('nosuch.')).toBeNull()
    const r = completeWith('trace.sta', 9, grammar)!
    expect(applyCompletion('trace.sta', r, r.items[0]).text).toBe('trace.status ')
  })
})
