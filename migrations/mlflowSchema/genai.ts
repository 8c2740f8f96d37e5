import { DataTypes } from 'sequelize'
import { opt, req, type ForeignKeySpec, type TableSpec } from './spec'

// Renamed so the global JSON object stays visible in this module.
const { BIGINT, DOUBLE, INTEGER, JSON: JSON_TYPE, STRING, TEXT } = DataTypes

function cascadeFk(name: string, field: string, table: string, refField = field): ForeignKeySpec {
  return { name, fields: [field], references: { table, fields: [refField] }, onDelete: 'CASCADE' }
}

/** MLflow 3.3 - 3.5 GenAI tables: entity links, webhooks, scorers, evaluation datasets, jobs. */
export const GENAI_TABLES: TableSpec[] = [
  {
    name: 'entity_associations',
    columns: {
      association_id: req(STRING(36)),
      source_type: req(STRING(36)),
      source_id: req(STRING(36)),
      destination_type: req(STRING(36)),
      destination_id: req(STRING(36)),
      created_time: opt(BIGINT),
    },
    primaryKey: { name: 'entity_associations_pk', fields: ['source_type', 'source_id', 'destination_type', 'destination_id'] },
    indexes: [
      { name: 'index_entity_associations_association_id', fields: ['association_id'] },
      {
        name: 'index_entity_associations_reverse_lookup',
        fields: ['destination_type', 'destination_id', 'source_type', 'source_id'],
      },
    ],
  },
  {
    name: 'webhooks',
    columns: {
      webhook_id: req(STRING(256)),
      name: req(STRING(256)),
      description: opt(STRING(1000)),
      url: req(STRING(500)),
      status: req(STRING(20), { defaultValue: 'ACTIVE' }),
      secret: opt(STRING(1000)),
      creation_timestamp: opt(BIGINT),
      last_updated_timestamp: opt(BIGINT),
      deleted_timestamp: opt(BIGINT),
    },
    primaryKey: { name: 'webhook_pk', fields: ['webhook_id'] },
    indexes: [
      { name: 'idx_webhooks_name', fields: ['name'] },
      { name: 'idx_webhooks_status', fields: ['status'] },
    ],
  },
  {
    name: 'webhook_events',
    columns: {
      webhook_id: req(STRING(256)),
      entity: req(STRING(50)),
      action: req(STRING(50)),
    },
    primaryKey: { name: 'webhook_event_pk', fields: ['webhook_id', 'entity', 'action'] },
    foreignKeys: [cascadeFk('webhook_events_webhook_id_fkey', 'webhook_id', 'webhooks')],
    indexes: [
      { name: 'idx_webhook_events_action', fields: ['action'] },
      { name: 'idx_webhook_events_entity', fields: ['entity'] },
      { name: 'idx_webhook_events_entity_action', fields: ['entity', 'action'] },
    ],
  },
  {
    name: 'scorers',
    columns: {
      experiment_id: req(INTEGER),
      scorer_name: req(STRING(256)),
      scorer_id: req(STRING(36)),
    },
    primaryKey: { name: 'scorer_pk', fields: ['scorer_id'] },
    foreignKeys: [cascadeFk('fk_scorers_experiment_id', 'experiment_id', 'experiments')],
    // A unique index, not a unique constraint: that is how MLflow's migration creates it.
    indexes: [{ name: 'index_scorers_experiment_id_scorer_name', fields: ['experiment_id', 'scorer_name'], unique: true }],
  },
  {
    name: 'scorer_versions',
    columns: {
      scorer_id: req(STRING(36)),
      scorer_version: req(INTEGER),
      serialized_scorer: req(TEXT),
      creation_time: opt(BIGINT),
    },
    primaryKey: { name: 'scorer_version_pk', fields: ['scorer_id', 'scorer_version'] },
    foreignKeys: [cascadeFk('fk_scorer_versions_scorer_id', 'scorer_id', 'scorers')],
    indexes: [{ name: 'index_scorer_versions_scorer_id', fields: ['scorer_id'] }],
  },
  {
    name: 'evaluation_datasets',
    columns: {
      dataset_id: req(STRING(36)),
      name: req(STRING(255)),
      schema: opt(TEXT),
      profile: opt(TEXT),
      digest: opt(STRING(64)),
      created_time: opt(BIGINT),
      last_update_time: opt(BIGINT),
      created_by: opt(STRING(255)),
      last_updated_by: opt(STRING(255)),
    },
    primaryKey: { name: 'evaluation_datasets_pk', fields: ['dataset_id'] },
    indexes: [
      { name: 'index_evaluation_datasets_created_time', fields: ['created_time'] },
      { name: 'index_evaluation_datasets_name', fields: ['name'] },
    ],
  },
  {
    name: 'evaluation_dataset_tags',
    columns: {
      dataset_id: req(STRING(36)),
      key: req(STRING(255)),
      value: opt(STRING(5000)),
    },
    primaryKey: { name: 'evaluation_dataset_tags_pk', fields: ['dataset_id', 'key'] },
    foreignKeys: [cascadeFk('fk_evaluation_dataset_tags_dataset_id', 'dataset_id', 'evaluation_datasets')],
    indexes: [{ name: 'index_evaluation_dataset_tags_dataset_id', fields: ['dataset_id'] }],
  },
  {
    name: 'evaluation_dataset_records',
    columns: {
      dataset_record_id: req(STRING(36)),
      dataset_id: req(STRING(36)),
      inputs: req(JSON_TYPE),
      expectations: opt(JSON_TYPE),
      tags: opt(JSON_TYPE),
      source: opt(JSON_TYPE),
      source_id: opt(STRING(36)),
      source_type: opt(STRING(255)),
      created_time: opt(BIGINT),
      last_update_time: opt(BIGINT),
      created_by: opt(STRING(255)),
      last_updated_by: opt(STRING(255)),
      input_hash: req(STRING(64)),
      // Added by alembic 3da73c924c2f, after the table existed: hence last.
      outputs: opt(JSON_TYPE),
    },
    primaryKey: { name: 'evaluation_dataset_records_pk', fields: ['dataset_record_id'] },
    uniques: [{ name: 'unique_dataset_input', fields: ['dataset_id', 'input_hash'] }],
    foreignKeys: [cascadeFk('fk_evaluation_dataset_records_dataset_id', 'dataset_id', 'evaluation_datasets')],
    indexes: [{ name: 'index_evaluation_dataset_records_dataset_id', fields: ['dataset_id'] }],
  },
  {
    name: 'jobs',
    columns: {
      id: req(STRING(36)),
      creation_time: req(BIGINT),
      function_fullname: req(STRING(500)),
      params: req(TEXT),
      timeout: opt(DOUBLE),
      status: req(INTEGER),
      result: opt(TEXT),
      retry_count: req(INTEGER),
      last_update_time: req(BIGINT),
    },
    primaryKey: { name: 'jobs_pk', fields: ['id'] },
    indexes: [{ name: 'index_jobs_function_status_creation_time', fields: ['function_fullname', 'status', 'creation_time'] }],
  },
]
