import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { metricPointsCsv } from '@shared/format/metricPointsCsv'

describe('metricPointsCsv', () => {
  it('writes a header and one row per point, quoting what needs it and non-finite values as Python does', () => {
    const csv = metricPointsCsv([
      { run_id: 'a', run_name: 'plain', metric: 'loss', step: 0, timestamp: 1700000000000, value: 0.5 },
      { run_id: 'b', run_name: 'with, comma "and quote"', metric: 'val/acc', step: 2 ** 40, timestamp: null, value: NaN },
      { run_id: 'c', run_name: '', metric: 'loss', step: -1, timestamp: 1, value: 1.7976931348623157e308 },
      { run_id: 'c', run_name: '', metric: 'loss', step: 3, timestamp: 2, value: -1.7976931348623157e308 },
    ])
    expect(csv.split('\r\n')[0]).toBe('run_id,run_name,metric,step,timestamp,value')
    expect(parse(csv, { columns: true })).toEqual([
      { run_id: 'a', run_name: 'plain', metric: 'loss', step: '0', timestamp: '1700000000000', value: '0.5' },
      { run_id: 'b', run_name: 'with, comma "and quote"', metric: 'val/acc', step: '1099511627776', timestamp: '', value: 'NaN' },
      { run_id: 'c', run_name: '', metric: 'loss', step: '-1', timestamp: '1', value: 'inf' },
      { run_id: 'c', run_name: '', metric: 'loss', step: '3', timestamp: '2', value: '-inf' },
    ])
  })
})
