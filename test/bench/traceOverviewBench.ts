/**
 * `npm run bench -- --overview [--size large|medium|small]`: the Overview and Sessions tabs' reads
 * (traces:overview, traces:sessions) on the generated GenAI store the --traces bench uses (large:
 * 1M traces, ~10M spans). Prints the overview over all time and over the last tenth of the range,
 * and the first page of sessions.
 */
import { openStore } from '../../electron/services/connections/storeConnection'
import { traceOverview } from '../../electron/services/traces/traceOverview'
import { traceSessions } from '../../electron/services/traces/traceSessions'
import { formatFigure, measure } from './measure'
import type { GenaiSize } from '../../electron/services/demo/generator/genai'
import { genaiBenchStore } from './traceSearchBench'

export async function runTraceOverviewBench(opts: { repeat: number; warmup: number; size: GenaiSize }, log: (m: string) => void): Promise<void> {
  const { target, stop } = await genaiBenchStore(opts.size, log)
  const store = await openStore(target)
  const few = { repeat: Math.min(opts.repeat, 5), warmup: 1 }
  try {
    const all = ['1', '2', '3']
    const [range] = await store.select<{ first: number; last: number }>('SELECT min(timestamp_ms) AS first, max(timestamp_ms) AS last FROM trace_info')
    const recent = range.last - Math.round((range.last - range.first) / 10)
    const cases: Array<[string, () => Promise<unknown>]> = [
      [`traces.overview all time, all three experiments (${opts.size})`, () => traceOverview(store, { experiment_ids: all })],
      ['traces.overview last tenth of the range, by hour', () => traceOverview(store, { experiment_ids: all, start_ms: recent, bucket: 'hour' })],
      [
        'traces.sessions first page (50) by last activity, biggest experiment',
        () => traceSessions(store, { experiment_ids: ['1'], order_by: 'last_activity', ascending: false, max_results: 50, offset: 0 }),
      ],
    ]
    for (const [name, fn] of cases) console.log(formatFigure(await measure(name, fn, few)))
  } finally {
    await store.close()
    await stop()
  }
}
