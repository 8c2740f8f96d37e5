/**
 * Several metrics of one run in one chart (loss with val_loss): MetricChart draws
 * a line per run of one metric, so each key is handed to it as a run of its own —
 * a copy of the run whose id and name are the key (the chart labels a line by
 * the run's name and measures relative time from the run's start, which stays
 * the run's). Nothing else about the chart changes: axes, smoothing, zoom.
 */
import type { CompareSeries } from '@shared/api/contract'
import type { Run } from '@shared/domain/mlflow'

/** Keys overlaid in one chart at most (one metrics:compare call, a readable legend). */
export const MAX_OVERLAY_KEYS = 8

/** The run once per key, as the chart's "runs". */
export function overlayRuns(run: Run, keys: readonly string[]): Run[] {
  return keys.map((key) => ({ ...run, info: { ...run.info, run_id: key, run_uuid: key, run_name: key } }))
}

/** One run's series of several keys, each as the series of its key's "run". */
export function overlaySeries(series: readonly CompareSeries[], runId: string): CompareSeries[] {
  return series.filter((s) => s.run_id === runId).map((s) => ({ ...s, run_id: s.key }))
}

/** The pairs worth overlaying a run offers: `x` with `val_x` / `val/x` (and train/val prefixes), by key. */
export function overlaySuggestions(keys: readonly string[]): string[][] {
  const present = new Set(keys)
  const out: string[][] = []
  for (const k of [...keys].sort((a, b) => a.localeCompare(b))) {
    const slash = k.lastIndexOf('/')
    const dir = k.slice(0, slash + 1)
    const name = k.slice(slash + 1)
    for (const partner of [`val_${name}`, `${dir}val_${name}`, dir === 'train/' ? `val/${name}` : null]) {
      if (partner && partner !== k && present.has(partner)) {
        out.push([k, partner])
        break
      }
    }
  }
  return out
}
