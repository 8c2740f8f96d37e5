import { describe, expect, it } from 'vitest'
import { applyCompletion, completeFilter } from '@/utils/filterCompletion'

const COLUMNS = { metrics: ['acc', 'val_acc', 'f1 score', 'loss'], params: ['lr', 'optimizer'], tags: ['mlflow.user', 'team'] }
const labels = (text: string, cursor = text.length, hints?: Parameters<typeof completeFilter>[3]) =>
  completeFilter(text, cursor, COLUMNS, hints)?.items.map((i) => i.label) ?? null

describe('filter autocomplete', () => {
  it('offers the entities at the start and after AND / OR / (', () => {
    expect(labels('')).toEqual(['metrics.', 'params.', 'tags.', 'attributes.', 'datasets.'])
    expect(labels('met')).toEqual(['metrics.'])
    expect(labels("params.lr = '0.1' and ")).toContain('tags.')
    expect(labels('metrics.acc > 1 OR (p')).toEqual(['params.'])
  })

  it('offers the experiments’ keys after an entity, prefix matches first, quoting keys MLflow cannot read bare', () => {
    expect(labels('metrics.')).toEqual(['metrics.acc', 'metrics.`f1 score`', 'metrics.loss', 'metrics.val_acc'])
    expect(labels('metrics.ac')).toEqual(['metrics.acc', 'metrics.val_acc'])
    expect(labels('tags.mlf')).toEqual(['tags.`mlflow.user`'])
    expect(labels('metric.`f1')).toEqual(['metric.`f1 score`'])
    expect(labels('attributes.st')).toEqual(['attributes.start_time', 'attributes.status', 'attributes.lifecycle_stage'])
    expect(labels('datasets.')).toEqual(['datasets.context', 'datasets.digest', 'datasets.name'])
    expect(labels('nosuch.x')).toBeNull()
  })

  it('offers the comparators each entity accepts', () => {
    expect(labels('metrics.acc ')).toEqual(['>', '>=', '<', '<=', '=', '!='])
    expect(labels('params.lr ')).toEqual(['=', '!=', 'LIKE', 'ILIKE'])
    expect(labels('attributes.run_id ')).toEqual(['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'])
    expect(labels('attributes.start_time ')).toEqual(['>', '>=', '<', '<=', '=', '!='])
    expect(labels('params.lr i')).toEqual(['ILIKE'])
  })

  it('offers values it knows: statuses, and param values seen in the loaded runs', () => {
    expect(labels('attributes.status = ')).toContain("'FAILED'")
    expect(labels('params.lr = ', undefined, (entity, key) => (entity === 'params' && key === 'lr' ? ['0.01', "it's"] : []))).toEqual(["'0.01'", `"it's"`])
    expect(labels('metrics.acc > ')).toBeNull()
  })

  it('offers AND / OR after a value, and nothing while a value is typed', () => {
    expect(labels("params.lr = '0.1' ")).toEqual(['AND', 'OR'])
    expect(labels('metrics.acc > 0.5 a')).toEqual(['AND'])
    expect(labels("params.lr = '0.")).toBeNull()
    expect(labels('metrics.acc > 0.5')).toBeNull()
    expect(labels("attributes.run_id IN ('a', ")).toBeNull()
  })

  it('replaces the whole word under the cursor and puts the cursor after it', () => {
    const text = 'metrics.va > 0.5'
    const result = completeFilter(text, 10, COLUMNS)!
    expect(result.items[0].label).toBe('metrics.val_acc')
    const applied = applyCompletion(text, result, result.items[0])
    expect(applied.text).toBe('metrics.val_acc > 0.5')
    expect(applied.cursor).toBe('metrics.val_acc '.length)

    const end = completeFilter('par', 3, COLUMNS)!
    expect(applyCompletion('par', end, end.items[0])).toEqual({ text: 'params.', cursor: 7 })
  })
})
