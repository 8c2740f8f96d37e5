/**
 * `npm run bench -- --compare`: the compare view's reads on the longest histories of the store.
 * The first view of many runs (preview, then exact), one long history downsampled, and a zoomed
 * window of it refetched. Repeats are capped: an exact comparison of 15M points takes seconds.
 */
import type { StoreHandle } from '../../electron/services/connections/storeConnection'
import { compareMetrics } from '../../electron/services/tracking/metricCompare'
import { hasStepIndex } from '../../electron/services/tracking/metricPreview'
import { downsampleHistory } from '../../electron/services/tracking/metricSeries'
import { contract, type MetricsCompareRequest } from '@shared/api/contract'
import { measure, type Figure } from './measure'

export const COMPARE_RUNS = 50
export const COMPARE_KEYS = 3

interface Workload {
  runIds: string[]
  keys: string[]
  /** Fewest points among the compared series (from their last step). */
  minPoints: number
  longest: { run_uuid: string; key: string; n: number; lo: number; hi: number }
}

/**
 * The keys most runs logged longest, and the runs with the longest histories of all of them (read
 * once, not timed). latest_metrics' step (the last step logged) stands in for a history's length,
 * which would take a pass over all of metrics to count; the few longest candidates are counted.
 */
export async function compareWorkload(store: StoreHandle, log: (m: string) => void): Promise<Workload> {
  log('finding the longest histories…')
  const rows = await store.select<{ run_uuid: string; key: string; step: number }>(
    'SELECT run_uuid, key, step FROM latest_metrics ORDER BY step DESC LIMIT 20000',
  )
  const byKey = new Map<string, number>()
  for (const r of rows) byKey.set(r.key, (byKey.get(r.key) ?? 0) + 1)
  // Keys many runs share (a sparse key with one huge step logged by a few runs is not a history).
  const keys = [...byKey.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, COMPARE_KEYS)
    .map(([k]) => k)
  const perRun = new Map<string, number[]>()
  for (const r of rows) if (keys.includes(r.key)) perRun.set(r.run_uuid, [...(perRun.get(r.run_uuid) ?? []), Number(r.step)])
  const chosen = [...perRun.entries()]
    .filter(([, s]) => s.length === keys.length)
    .sort((a, b) => Math.min(...b[1]) - Math.min(...a[1]))
    .slice(0, COMPARE_RUNS)
  let longest = { run_uuid: '', key: '', n: 0, lo: 0, hi: 0 }
  // Count one candidate per key, its longest-running run (a key's top step may be sparse, so counted, not assumed).
  const firstPerKey = new Map<string, (typeof rows)[number]>()
  for (const r of rows) if (!firstPerKey.has(r.key)) firstPerKey.set(r.key, r)
  for (const c of firstPerKey.values()) {
    const [m] = await store.select<{ n: number; lo: number; hi: number }>(
      'SELECT count(*)::int AS n, min(step) AS lo, max(step) AS hi FROM metrics WHERE run_uuid = $1 AND key = $2',
      [c.run_uuid, c.key],
    )
    if (m.n > longest.n) longest = { run_uuid: c.run_uuid, key: c.key, n: m.n, lo: Number(m.lo), hi: Number(m.hi) }
  }
  return { runIds: chosen.map(([id]) => id), keys, minPoints: Math.min(...chosen.flatMap(([, s]) => s)) + 1, longest }
}

export async function compareCases(
  store: StoreHandle,
  w: Workload,
  opts: { repeat: number; warmup: number },
  log: (m: string) => void = () => {},
): Promise<Figure[]> {
  const heavy = { repeat: Math.min(opts.repeat, 5), warmup: 1 }
  const shape = `${w.runIds.length} runs x ${w.keys.length} metrics, >= ${w.minPoints.toLocaleString('en-US')} points each`
  const req = (precision: 'preview' | 'exact'): MetricsCompareRequest =>
    contract['metrics:compare'].request.parse({ run_ids: w.runIds, metric_keys: w.keys, max_points: 1000, precision }) as MetricsCompareRequest
  const figures: Figure[] = []
  const byStep = await hasStepIndex(store)
  log(`timing the compare view: ${shape}, and a ${w.longest.n.toLocaleString('en-US')}-point history${byStep ? ' (step index present)' : ''}…`)
  // The preview probes our step index by step, else MLflow's metric_pk by time (previewByTime).
  const preview = await compareMetrics(store, req('preview'))
  if (preview.precision !== 'preview') log('compare preview: none within its budget; the exact series came instead')
  figures.push(await measure(`compare first view, preview by ${byStep ? 'step' : 'time'} (${shape})`, () => compareMetrics(store, req('preview')), opts))
  figures.push(await measure(`compare exact, 1,000 points/series (${shape})`, () => compareMetrics(store, req('exact')), heavy))
  const n = w.longest.n.toLocaleString('en-US')
  const one = { run_id: w.longest.run_uuid, metric_key: w.longest.key, max_points: 1000 }
  figures.push(await measure(`${n}-point history downsampled to 1,000 points`, () => downsampleHistory(store, one), heavy))
  const span = w.longest.hi - w.longest.lo
  const zoom = { ...one, from_step: w.longest.lo + Math.floor(span * 0.4), to_step: w.longest.lo + Math.floor(span * 0.41) }
  figures.push(await measure(`${n}-point history, 1% window zoomed (exact)`, () => downsampleHistory(store, zoom), opts))
  return figures
}
