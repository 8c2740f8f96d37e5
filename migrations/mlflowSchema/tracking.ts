import { DataTypes } from 'sequelize'
import { LIFECYCLE_STAGES, ZERO_BIGINT_DEFAULT, opt, req, type TableSpec } from './spec'

const { BIGINT, BOOLEAN, DOUBLE, INTEGER, STRING } = DataTypes

/** The run_uuid foreign key MLflow puts on every run child table (no cascade: `mlflow gc` deletes via the ORM). */
function runFk(table: string): TableSpec['foreignKeys'] {
  return [{ name: `${table}_run_uuid_fkey`, fields: ['run_uuid'], references: { table: 'runs', fields: ['run_uuid'] } }]
}

/** Experiments, runs and their params, tags and metrics: MLflow's original tables. */
export const TRACKING_TABLES: TableSpec[] = [
  {
    name: 'experiments',
    columns: {
      // A serial, as SQLAlchemy creates an autoincrement integer key: experiments_experiment_id_seq AS integer.
      experiment_id: req(INTEGER, { autoIncrement: true }),
      name: req(STRING(256)),
      artifact_location: opt(STRING(256)),
      lifecycle_stage: opt(STRING(32)),
      creation_time: opt(BIGINT),
      last_update_time: opt(BIGINT),
    },
    primaryKey: { name: 'experiment_pk', fields: ['experiment_id'] },
    uniques: [{ name: 'experiments_name_key', fields: ['name'] }],
    checks: [{ name: 'experiments_lifecycle_stage', field: 'lifecycle_stage', in: LIFECYCLE_STAGES }],
  },
  {
    name: 'experiment_tags',
    columns: {
      key: req(STRING(250)),
      value: opt(STRING(5000)),
      experiment_id: req(INTEGER),
    },
    primaryKey: { name: 'experiment_tag_pk', fields: ['key', 'experiment_id'] },
    foreignKeys: [
      {
        name: 'experiment_tags_experiment_id_fkey',
        fields: ['experiment_id'],
        references: { table: 'experiments', fields: ['experiment_id'] },
      },
    ],
  },
  {
    name: 'runs',
    columns: {
      run_uuid: req(STRING(32)),
      name: opt(STRING(250)),
      source_type: opt(STRING(20)),
      source_name: opt(STRING(500)),
      entry_point_name: opt(STRING(50)),
      user_id: opt(STRING(256)),
      status: opt(STRING(9)),
      start_time: opt(BIGINT),
      end_time: opt(BIGINT),
      source_version: opt(STRING(50)),
      lifecycle_stage: opt(STRING(20)),
      artifact_uri: opt(STRING(200)),
      experiment_id: opt(INTEGER),
      deleted_time: opt(BIGINT),
    },
    primaryKey: { name: 'run_pk', fields: ['run_uuid'] },
    checks: [
      { name: 'runs_lifecycle_stage', field: 'lifecycle_stage', in: LIFECYCLE_STAGES },
      { name: 'runs_status_check', field: 'status', in: ['SCHEDULED', 'FAILED', 'FINISHED', 'RUNNING', 'KILLED'] },
      { name: 'source_type', field: 'source_type', in: ['NOTEBOOK', 'JOB', 'LOCAL', 'UNKNOWN', 'PROJECT'] },
    ],
    foreignKeys: [{ name: 'runs_experiment_id_fkey', fields: ['experiment_id'], references: { table: 'experiments', fields: ['experiment_id'] } }],
  },
  {
    name: 'params',
    columns: {
      key: req(STRING(250)),
      value: req(STRING(8000)),
      run_uuid: req(STRING(32)),
    },
    primaryKey: { name: 'param_pk', fields: ['key', 'run_uuid'] },
    foreignKeys: runFk('params'),
    indexes: [{ name: 'index_params_run_uuid', fields: ['run_uuid'] }],
  },
  {
    name: 'tags',
    columns: {
      key: req(STRING(250)),
      value: opt(STRING(8000)),
      run_uuid: req(STRING(32)),
    },
    primaryKey: { name: 'tag_pk', fields: ['key', 'run_uuid'] },
    foreignKeys: runFk('tags'),
    indexes: [{ name: 'index_tags_run_uuid', fields: ['run_uuid'] }],
  },
  {
    name: 'metrics',
    columns: {
      key: req(STRING(250)),
      value: req(DOUBLE),
      timestamp: req(BIGINT),
      run_uuid: req(STRING(32)),
      // step and is_nan came later (alembic 451aebb31d03, 181f10493468), hence after run_uuid.
      step: req(BIGINT, { defaultValue: ZERO_BIGINT_DEFAULT }),
      is_nan: req(BOOLEAN, { defaultValue: false }),
    },
    primaryKey: { name: 'metric_pk', fields: ['key', 'timestamp', 'step', 'run_uuid', 'value', 'is_nan'] },
    foreignKeys: runFk('metrics'),
    indexes: [{ name: 'index_metrics_run_uuid', fields: ['run_uuid'] }],
  },
  {
    name: 'latest_metrics',
    columns: {
      key: req(STRING(250)),
      value: req(DOUBLE),
      timestamp: opt(BIGINT),
      step: req(BIGINT),
      is_nan: req(BOOLEAN),
      run_uuid: req(STRING(32)),
    },
    primaryKey: { name: 'latest_metric_pk', fields: ['key', 'run_uuid'] },
    foreignKeys: runFk('latest_metrics'),
    indexes: [{ name: 'index_latest_metrics_run_uuid', fields: ['run_uuid'] }],
  },
]
