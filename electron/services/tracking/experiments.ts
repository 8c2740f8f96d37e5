import { Op } from 'sequelize'
import type { Experiment, ViewType } from '@shared/domain/mlflow'
import type { ExperimentWithStats } from '@shared/api/contract'
import type { StoreHandle } from '../connections/storeConnection'
import { toStoreError } from '../connections/pgErrors'
import type { ExperimentRow } from './models/experiment.model'
import type { ExperimentTagRow } from './models/experimentTag.model'
import { lifecycleStages } from './viewType'

type ExperimentWithTags = ExperimentRow & { tags?: ExperimentTagRow[] }

function toExperiment(row: ExperimentWithTags): Experiment {
  return {
    experiment_id: String(row.experiment_id),
    name: row.name,
    artifact_location: row.artifact_location ?? null,
    lifecycle_stage: (row.lifecycle_stage ?? 'active') as Experiment['lifecycle_stage'],
    creation_time: row.creation_time ?? null,
    last_update_time: row.last_update_time ?? null,
    tags: (row.tags ?? [])
      .map((t) => ({ key: t.key, value: t.value ?? '' }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  }
}

/**
 * search_experiments without a filter, in MLflow's default order:
 * creation_time DESC (NULLs first, as PostgreSQL sorts them), then experiment_id.
 */
export async function listExperiments(store: StoreHandle, view: ViewType): Promise<Experiment[]> {
  const { Experiment: ExperimentModel, ExperimentTag } = store.models
  const hasCreation = store.schema.has('experiments', 'creation_time')
  try {
    const rows = (await ExperimentModel.findAll({
      where: { lifecycle_stage: { [Op.in]: lifecycleStages(view) } },
      include: ExperimentTag ? [{ model: ExperimentTag, as: 'tags' }] : [],
      order: [...(hasCreation ? [['creation_time', 'DESC NULLS FIRST'] as [string, string]] : []), ['experiment_id', 'ASC']],
    })) as ExperimentWithTags[]
    return rows.map((r) => toExperiment(r.get({ plain: true }) as ExperimentWithTags))
  } catch (e) {
    throw toStoreError(e, store.where)
  }
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
