/**
 * How the runs table names what it shows: MLflow's search entities, their
 * keys, and the quoting MLflow's filter and order_by syntax need.
 */

/** The entities a runs column (and an order_by key) can come from. */
export type RunEntity = 'attributes' | 'metrics' | 'params' | 'tags'

/** One thing a column shows, e.g. `{ entity: 'metrics', key: 'val_acc' }`. */
export interface RunFieldRef {
  entity: RunEntity
  key: string
}

/** Every entity prefix MLflow's search accepts, aliases included (search_utils), to its canonical name. */
const ENTITY_ALIASES: Record<string, RunEntity | 'datasets'> = {
  metrics: 'metrics',
  metric: 'metrics',
  params: 'params',
  param: 'params',
  parameters: 'params',
  parameter: 'params',
  tags: 'tags',
  tag: 'tags',
  attributes: 'attributes',
  attribute: 'attributes',
  attr: 'attributes',
  run: 'attributes',
  datasets: 'datasets',
  dataset: 'datasets',
}

/** `metric` -> `metrics`, `attr` -> `attributes`, …; null for what is no entity. */
export function entityOfAlias(alias: string): RunEntity | 'datasets' | null {
  return ENTITY_ALIASES[alias.toLowerCase()] ?? null
}

/** MLflow's run attributes that search_runs can filter on, with the value type of each. */
export const FILTER_ATTRIBUTES: ReadonlyArray<{ key: string; numeric: boolean }> = [
  { key: 'run_id', numeric: false },
  { key: 'run_name', numeric: false },
  { key: 'status', numeric: false },
  { key: 'user_id', numeric: false },
  { key: 'artifact_uri', numeric: false },
  { key: 'lifecycle_stage', numeric: false },
  { key: 'start_time', numeric: true },
  { key: 'end_time', numeric: true },
]

/** What `datasets.` filters on. */
export const DATASET_KEYS = ['name', 'digest', 'context'] as const

export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const

/** A stable id for a column or a preference: `metrics.val_acc`, `attributes.status`. */
export function fieldId(ref: RunFieldRef): string {
  return `${ref.entity}.${ref.key}`
}

/** The inverse of fieldId (the key may itself hold dots: `tags.mlflow.user`). */
export function parseFieldId(id: string): RunFieldRef | null {
  const dot = id.indexOf('.')
  if (dot < 0) return null
  const entity = id.slice(0, dot)
  const key = id.slice(dot + 1)
  if (!key || !['attributes', 'metrics', 'params', 'tags'].includes(entity)) return null
  return { entity: entity as RunEntity, key }
}

/**
 * A key as MLflow's parser reads it back: backticks around it (double quotes
 * when the key holds a backtick), so spaces, dots and dashes survive.
 */
export function quoteKey(key: string): string {
  return key.includes('`') ? `"${key}"` : `\`${key}\``
}

/** Keys MLflow reads without quotes: a plain identifier. */
export function isPlainKey(key: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
}

/** `metrics.acc`, `tags.\`mlflow.user\``: the shortest form MLflow's filter parser accepts. */
export function filterIdentifier(entity: string, key: string): string {
  return `${entity}.${isPlainKey(key) ? key : quoteKey(key)}`
}

/** A string value in MLflow's filter syntax. */
export function quoteValue(value: string): string {
  return value.includes("'") && !value.includes('"') ? `"${value}"` : `'${value.replace(/'/g, "''")}'`
}
