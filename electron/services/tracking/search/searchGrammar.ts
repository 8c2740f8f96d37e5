/**
 * What MLflow's search_runs accepts (mlflow/utils/search_utils.py, SearchUtils),
 * in one place: entity names and their aliases, the attribute keys, and which
 * comparators each kind of key takes. Extensions beyond MLflow are marked.
 */
export type EntityType = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset'

export const ENTITY_ALIASES: Record<string, EntityType> = {
  metric: 'metric',
  metrics: 'metric',
  parameter: 'param',
  parameters: 'param',
  param: 'param',
  params: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
}

/** Attribute keys MLflow searches, with its aliases, mapped to the canonical key. */
export const ATTRIBUTE_KEYS: Record<string, string> = {
  run_id: 'run_id',
  run_name: 'run_name',
  'run name': 'run_name',
  'Run name': 'run_name',
  'Run Name': 'run_name',
  status: 'status',
  user_id: 'user_id',
  artifact_uri: 'artifact_uri',
  start_time: 'start_time',
  end_time: 'end_time',
  created: 'start_time',
  Created: 'start_time',
  /** Extension: MLflow has this column but does not let you search it. */
  lifecycle_stage: 'lifecycle_stage',
}

/** MLflow orders by the same keys except the spelled-out aliases ("run name", ...): its VALID_ORDER_BY_ATTRIBUTE_KEYS. */
export const ORDERABLE_ATTRIBUTE_KEYS: Record<string, string> = Object.fromEntries(Object.entries(ATTRIBUTE_KEYS).filter(([alias]) => !alias.includes(' ')))

export const NUMERIC_ATTRIBUTES = new Set(['start_time', 'end_time'])
export const DATASET_KEYS = new Set(['name', 'digest', 'context'])

export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN'

const NUMERIC: Comparator[] = ['>', '>=', '!=', '=', '<', '<=']
const STRING: Comparator[] = ['=', '!=', 'LIKE', 'ILIKE']
const STRING_OR_LIST: Comparator[] = [...STRING, 'IN', 'NOT IN']

/**
 * Comparators per kind of key. MLflow takes IN / NOT IN only on run_id and
 * dataset keys; we also answer them for params, tags and the other string
 * attributes (the issue allows going beyond the grammar where the meaning is plain).
 */
export function comparatorsFor(entity: EntityType, key: string): Comparator[] {
  switch (entity) {
    case 'metric':
      return NUMERIC
    case 'param':
    case 'tag':
    case 'dataset':
      return STRING_OR_LIST
    case 'attribute':
      return NUMERIC_ATTRIBUTES.has(key) ? NUMERIC : STRING_OR_LIST
  }
}

/** How an entity is written in messages and in canonical filters. */
export const ENTITY_PREFIX: Record<EntityType, string> = {
  metric: 'metrics',
  param: 'params',
  tag: 'tags',
  attribute: 'attributes',
  dataset: 'datasets',
}
