import type { Metric, Run } from '@shared/domain/mlflow'

/**
 * Look-ups into a run's metrics, params and tags. A table of thousands of
 * runs and dozens of columns asks for every cell on every scroll: the lists
 * become maps once per run (and are dropped with the run).
 */
interface RunMaps {
  metrics: Map<string, Metric>
  params: Map<string, string>
  tags: Map<string, string>
}

const cache = new WeakMap<Run, RunMaps>()

function maps(run: Run): RunMaps {
  let m = cache.get(run)
  if (!m) {
    m = {
      metrics: new Map(run.data.metrics.map((x) => [x.key, x])),
      params: new Map(run.data.params.map((x) => [x.key, x.value])),
      tags: new Map(run.data.tags.map((x) => [x.key, x.value])),
    }
    cache.set(run, m)
  }
  return m
}

export function runMetric(run: Run, key: string): Metric | undefined {
  return maps(run).metrics.get(key)
}

export function runParam(run: Run, key: string): string | undefined {
  return maps(run).params.get(key)
}

export function runTag(run: Run, key: string): string | undefined {
  return maps(run).tags.get(key)
}

/** The parent of a nested run: MLflow's only nesting mechanism is this tag. */
export function parentRunId(run: Run): string | undefined {
  return runTag(run, 'mlflow.parentRunId')
}

/** The user MLflow's UI shows: the mlflow.user tag, else the run's user_id. */
export function runUser(run: Run): string | null {
  return runTag(run, 'mlflow.user') ?? run.info.user_id
}

/** Distinct values of a param or tag in these runs, most frequent first (for filter hints). */
export function distinctValues(runs: readonly Run[], entity: 'params' | 'tags', key: string, limit = 50): string[] {
  const counts = new Map<string, number>()
  for (const r of runs) {
    const v = entity === 'params' ? runParam(r, key) : runTag(r, key)
    if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1)
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([v]) => v)
}

/**
 * Metrics charted when none are chosen: the keys most of the runs logged. Here rather than in
 * compareState, whose limits come from the contract (and zod with it): the compare store is in
 * the shell's first chunk.
 */
export const DEFAULT_METRIC_COUNT = 3

/** Metric keys of these runs, the most widely logged first: the default metric columns. */
export function commonMetricKeys(runs: readonly Run[]): string[] {
  const counts = new Map<string, number>()
  for (const r of runs) for (const m of r.data.metrics) counts.set(m.key, (counts.get(m.key) ?? 0) + 1)
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k)
}
