import type { ModelStatic, Sequelize } from 'sequelize'
import type { StoreSchema } from '../schemaProbe'
import { defineExperiment, type ExperimentRow } from './experiment.model'
import { defineExperimentTag, type ExperimentTagRow } from './experimentTag.model'
import { defineRun, type RunRow } from './run.model'
import { defineParam, type ParamRow } from './param.model'
import { defineTag, type TagRow } from './tag.model'
import { defineLatestMetric, defineMetric, type MetricRow } from './metric.model'
import { defineModelVersion, defineRegisteredModel, type ModelVersionRow, type RegisteredModelRow } from './registry.model'

/** Models of one store. Tables an older MLflow did not have are absent (undefined). */
export interface TrackingModels {
  Experiment: ModelStatic<ExperimentRow>
  ExperimentTag?: ModelStatic<ExperimentTagRow>
  Run: ModelStatic<RunRow>
  Param: ModelStatic<ParamRow>
  Tag: ModelStatic<TagRow>
  Metric: ModelStatic<MetricRow>
  LatestMetric?: ModelStatic<MetricRow>
  RegisteredModel?: ModelStatic<RegisteredModelRow>
  ModelVersion?: ModelStatic<ModelVersionRow>
}

/** Define the models on this store's own Sequelize instance (one set per connection), then associate. */
export function defineTrackingModels(sequelize: Sequelize, schema: StoreSchema): TrackingModels {
  const m: TrackingModels = {
    Experiment: defineExperiment(sequelize, schema),
    ExperimentTag: schema.has('experiment_tags') ? defineExperimentTag(sequelize, schema) : undefined,
    Run: defineRun(sequelize, schema),
    Param: defineParam(sequelize, schema),
    Tag: defineTag(sequelize, schema),
    Metric: defineMetric(sequelize, schema),
    LatestMetric: schema.has('latest_metrics') ? defineLatestMetric(sequelize, schema) : undefined,
    RegisteredModel: schema.has('registered_models') ? defineRegisteredModel(sequelize, schema) : undefined,
    ModelVersion: schema.has('model_versions') ? defineModelVersion(sequelize, schema) : undefined,
  }
  const noConstraints = { constraints: false } as const
  if (m.ExperimentTag) m.Experiment.hasMany(m.ExperimentTag, { foreignKey: 'experiment_id', as: 'tags', ...noConstraints })
  m.Experiment.hasMany(m.Run, { foreignKey: 'experiment_id', as: 'runs', ...noConstraints })
  m.Run.hasMany(m.Param, { foreignKey: 'run_uuid', as: 'params', ...noConstraints })
  m.Run.hasMany(m.Tag, { foreignKey: 'run_uuid', as: 'tags', ...noConstraints })
  if (m.LatestMetric) m.Run.hasMany(m.LatestMetric, { foreignKey: 'run_uuid', as: 'latestMetrics', ...noConstraints })
  if (m.RegisteredModel && m.ModelVersion) {
    m.RegisteredModel.hasMany(m.ModelVersion, { foreignKey: 'name', as: 'versions', ...noConstraints })
  }
  return m
}
