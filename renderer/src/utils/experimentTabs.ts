import type { StoreDescription } from '@shared/domain/mlflow'

/**
 * The tabs of an experiment's page (Runs, and what else the store holds):
 * one entry each, in the order shown. A tab's page is the route of that name,
 * under /experiments/:ids/…, and the tab shows only when the store has the
 * feature it reads.
 */
export interface ExperimentTab {
  /** The route's name; its path is /experiments/:ids/<key>. */
  key: string
  label: string
  /** The store feature the tab needs (null: every store). */
  feature: keyof StoreDescription['features'] | null
}

export const EXPERIMENT_TABS: readonly ExperimentTab[] = [
  { key: 'runs', label: 'Runs', feature: null },
  { key: 'traces', label: 'Traces', feature: 'traces' },
  { key: 'sessions', label: 'Sessions', feature: 'traces' },
  { key: 'overview', label: 'Overview', feature: 'traces' },
  { key: 'logged-models', label: 'Models', feature: 'logged_models' },
  // By the store's schema, as the other tabs: asking each experiment whether it has evaluation runs as its page
  // opened held two more requests in flight beside the page's reads, past Chromium's six per host over HTTP, so
  // leaving a page whose reads waited on a busy store waited for them too.
  { key: 'evaluations', label: 'Evaluations', feature: 'evaluations' },
]

/** The tabs a store with these features shows. */
export function experimentTabsFor(features: StoreDescription['features'] | null | undefined): ExperimentTab[] {
  return EXPERIMENT_TABS.filter((t) => t.feature === null || !!features?.[t.feature])
}
