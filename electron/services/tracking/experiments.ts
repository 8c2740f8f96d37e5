import type { Experiment, ViewType } from '@shared/domain/mlflow'
import type { ExperimentWithStats } from '@shared/api/contract'
import type { StoreHandle } from '../connections/storeConnection'
import { lifecycleStages } from './viewType'

interface ExperimentRow {
  experiment_id: number
  name: string
  artifact_location: string | null
  lifecycle_stage: string | null
  creation_time: number | null
  last_update_time: number | null
  tags: Array<{ key: string; value: string | null }>
}

function toExperiment(row: ExperimentRow): Experiment {
  return {
    experiment_id: String(row.experiment_id),
    name: row.name,
    artifact_location: row.artifact_location ?? null,
    lifecycle_stage: (row.lifecycle_stage ?? 'active') as Experiment['lifecycle_stage'],
    creation_time: row.creation_time ?? null,
    last_update_time: row.last_update_time ?? null,
    tags: row.tags.map((t) => ({ key: t.key, value: t.value ?? '' })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  }
}

/**
 * search_experiments without a filter, in MLflow's default order:
 * creation_time DESC (NULLs first, as PostgreSQL sorts them), then experiment_id.
 * Stores older than MLflow 2.2 have no creation or update times.
 */
export async function listExperiments(store: StoreHandle, view: ViewType): Promise<Experiment[]> {
  const times = store.capabilities.experimentTimes
  const col = (c: string) => (times ? `e.${c}` : 'NULL::bigint')
  const tags = store.capabilities.experimentTags
    ? `COALESCE((SELECT json_agg(json_build_object('key', t.key, 'value', t.value)) FROM experiment_tags t WHERE t.experiment_id = e.experiment_id), '[]')`
    : `'[]'::json`
  const rows = await store.select<ExperimentRow>(
    `SELECT e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage,
            ${col('creation_time')} AS creation_time, ${col('last_update_time')} AS last_update_time, ${tags} AS tags
       FROM experiments e
      WHERE e.lifecycle_stage = ANY($1::text[])
      ORDER BY ${times ? 'e.creation_time DESC NULLS FIRST, ' : ''}e.experiment_id`,
    [lifecycleStages(view)],
  )
  return rows.map(toExperiment)
}

/** Experiments plus their run counts and last run start, for the experiments page. */
export async function listExperimentsWithStats(store: StoreHandle, view: ViewType): Promise<ExperimentWithStats[]> {
  const [experiments, stats] = await Promise.all([
    listExperiments(store, view),
    store.select<{ experiment_id: number; active: number; deleted: number; last_start: number | null }>(
      `SELECT experiment_id,
              count(*) FILTER (WHERE lifecycle_stage = 'active')::int AS active,
              count(*) FILTER (WHERE lifecycle_stage = 'deleted')::int AS deleted,
              max(start_time) AS last_start
         FROM runs GROUP BY experiment_id`,
    ),
  ])
  const byId = new Map(stats.map((s) => [String(s.experiment_id), s]))
  return experiments.map((e) => {
    const s = byId.get(e.experiment_id)
    return { ...e, run_count: s?.active ?? 0, deleted_run_count: s?.deleted ?? 0, last_run_start_time: s?.last_start ?? null }
  })
}
