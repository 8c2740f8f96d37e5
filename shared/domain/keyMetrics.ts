/**
 * Which of a run's metrics its Overview shows first (a run can log hundreds; the
 * Overview draws a few and links to the Metrics tab for all of them). The rule,
 * kept simple so a user can predict it:
 *   1. keys pinned in the experiment's chart layout, in pin order;
 *   2. keys with a common name (the part after the last `/`): loss first, then
 *      accuracy, f1, auc, precision, recall, error measures — in that order, and
 *      by key within a name (`train/loss` before `val/loss`);
 *   3. every other key, alphabetically.
 */

/** Key metrics an Overview shows (more would make it a second Metrics tab), and points in each one's trend line. */
export const KEY_METRICS_SHOWN = 8
export const KEY_METRIC_POINTS = 100

/** Common names, best known first; a key matches on its last segment, case-insensitively, with or without a `val_`/`train_`/`test_` prefix. */
const COMMON_NAMES = ['loss', 'accuracy', 'acc', 'f1', 'f1_score', 'auc', 'roc_auc', 'precision', 'recall', 'rmse', 'mae', 'mse', 'error', 'perplexity']

/** The rank of a key's name in COMMON_NAMES, or -1. */
export function commonNameRank(key: string): number {
  const name = key
    .slice(key.lastIndexOf('/') + 1)
    .toLowerCase()
    .replace(/^(val|valid|validation|train|training|test|eval)[_.-]/, '')
  return COMMON_NAMES.indexOf(name)
}

/** The first `limit` keys by the rule above. */
export function keyMetrics(keys: readonly string[], pinned: readonly string[], limit: number): string[] {
  const present = new Set(keys)
  const first = pinned.filter((k) => present.has(k))
  const taken = new Set(first)
  const rest = keys.filter((k) => !taken.has(k))
  const rank = (k: string) => {
    const r = commonNameRank(k)
    return r < 0 ? COMMON_NAMES.length : r
  }
  rest.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
  return [...first, ...rest].slice(0, limit)
}
