import { DataTypes } from 'sequelize'
import { LIFECYCLE_STAGES, opt, req, type ForeignKeySpec, type TableSpec } from './spec'

const { BIGINT, DOUBLE, INTEGER, STRING, TEXT } = DataTypes

/** The experiment link of a model's children does not cascade; the model link does. */
function childFks(table: string): ForeignKeySpec[] {
  return [
    { name: `fk_${table}_experiment_id`, fields: ['experiment_id'], references: { table: 'experiments', fields: ['experiment_id'] } },
    {
      name: `fk_${table}_model_id`,
      fields: ['model_id'],
      references: { table: 'logged_models', fields: ['model_id'] },
      onDelete: 'CASCADE',
    },
  ]
}

/** MLflow 3 logged models (alembic 400f98739977). */
export const LOGGED_MODEL_TABLES: TableSpec[] = [
  {
    name: 'logged_models',
    columns: {
      model_id: req(STRING(36)),
      experiment_id: req(INTEGER),
      name: req(STRING(500)),
      artifact_location: req(STRING(1000)),
      creation_timestamp_ms: req(BIGINT),
      last_updated_timestamp_ms: req(BIGINT),
      status: req(INTEGER),
      lifecycle_stage: opt(STRING(32)),
      model_type: opt(STRING(500)),
      source_run_id: opt(STRING(32)),
      status_message: opt(STRING(1000)),
    },
    primaryKey: { name: 'logged_models_pk', fields: ['model_id'] },
    checks: [{ name: 'logged_models_lifecycle_stage_check', field: 'lifecycle_stage', in: LIFECYCLE_STAGES }],
    foreignKeys: [
      {
        name: 'fk_logged_models_experiment_id',
        fields: ['experiment_id'],
        references: { table: 'experiments', fields: ['experiment_id'] },
        onDelete: 'CASCADE',
      },
    ],
  },
  {
    name: 'logged_model_metrics',
    columns: {
      model_id: req(STRING(36)),
      metric_name: req(STRING(500)),
      metric_timestamp_ms: req(BIGINT),
      metric_step: req(BIGINT),
      metric_value: opt(DOUBLE),
      experiment_id: req(INTEGER),
      run_id: req(STRING(32)),
      dataset_uuid: opt(STRING(36)),
      dataset_name: opt(STRING(500)),
      dataset_digest: opt(STRING(36)),
    },
    primaryKey: {
      name: 'logged_model_metrics_pk',
      fields: ['model_id', 'metric_name', 'metric_timestamp_ms', 'metric_step', 'run_id'],
    },
    foreignKeys: [
      ...childFks('logged_model_metrics'),
      {
        name: 'fk_logged_model_metrics_run_id',
        fields: ['run_id'],
        references: { table: 'runs', fields: ['run_uuid'] },
        onDelete: 'CASCADE',
      },
    ],
    indexes: [{ name: 'index_logged_model_metrics_model_id', fields: ['model_id'] }],
  },
  {
    name: 'logged_model_params',
    columns: {
      model_id: req(STRING(36)),
      experiment_id: req(INTEGER),
      param_key: req(STRING(255)),
      param_value: req(TEXT),
    },
    primaryKey: { name: 'logged_model_params_pk', fields: ['model_id', 'param_key'] },
    foreignKeys: childFks('logged_model_params'),
  },
  {
    name: 'logged_model_tags',
    columns: {
      model_id: req(STRING(36)),
      experiment_id: req(INTEGER),
      tag_key: req(STRING(255)),
      tag_value: req(TEXT),
    },
    primaryKey: { name: 'logged_model_tags_pk', fields: ['model_id', 'tag_key'] },
    foreignKeys: childFks('logged_model_tags'),
  },
]
