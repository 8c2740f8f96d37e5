import { DataTypes } from 'sequelize'
import { opt, req, type ForeignKeySpec, type TableSpec } from './spec'

const { BIGINT, BOOLEAN, INTEGER, STRING, TEXT } = DataTypes

/** Trace children go with their trace (alembic 5b0e9adcef9c made these cascade). */
function traceFk(name: string, field: string): ForeignKeySpec {
  return { name, fields: [field], references: { table: 'trace_info', fields: ['request_id'] }, onDelete: 'CASCADE' }
}

function experimentFk(name: string): ForeignKeySpec {
  return { name, fields: ['experiment_id'], references: { table: 'experiments', fields: ['experiment_id'] } }
}

/**
 * Sequelize has no generated columns, so the type is raw SQL. MLflow declares it
 * with SQLAlchemy's Computed(..., persisted=True) (alembic a1b2c3d4e5f6).
 */
const DURATION_NS = 'BIGINT GENERATED ALWAYS AS (end_time_unix_nano - start_time_unix_nano) STORED'

/** Tracing: trace_info and its tags/metadata (2.13), assessments (3.2), spans (3.3). */
export const TRACE_TABLES: TableSpec[] = [
  {
    name: 'trace_info',
    columns: {
      request_id: req(STRING(50)),
      experiment_id: req(INTEGER),
      timestamp_ms: req(BIGINT),
      execution_time_ms: opt(BIGINT),
      status: req(STRING(50)),
      client_request_id: opt(STRING(50)),
      request_preview: opt(STRING(1000)),
      response_preview: opt(STRING(1000)),
    },
    primaryKey: { name: 'trace_info_pk', fields: ['request_id'] },
    foreignKeys: [experimentFk('fk_trace_info_experiment_id')],
    indexes: [{ name: 'index_trace_info_experiment_id_timestamp_ms', fields: ['experiment_id', 'timestamp_ms'] }],
  },
  {
    name: 'trace_tags',
    columns: {
      key: req(STRING(250)),
      value: opt(STRING(8000)),
      request_id: req(STRING(50)),
    },
    primaryKey: { name: 'trace_tag_pk', fields: ['key', 'request_id'] },
    foreignKeys: [traceFk('fk_trace_tags_request_id', 'request_id')],
    indexes: [{ name: 'index_trace_tags_request_id', fields: ['request_id'] }],
  },
  {
    name: 'trace_request_metadata',
    columns: {
      key: req(STRING(250)),
      value: opt(STRING(8000)),
      request_id: req(STRING(50)),
    },
    primaryKey: { name: 'trace_request_metadata_pk', fields: ['key', 'request_id'] },
    foreignKeys: [traceFk('fk_trace_request_metadata_request_id', 'request_id')],
    indexes: [{ name: 'index_trace_request_metadata_request_id', fields: ['request_id'] }],
  },
  {
    name: 'assessments',
    columns: {
      assessment_id: req(STRING(50)),
      trace_id: req(STRING(50)),
      name: req(STRING(250)),
      assessment_type: req(STRING(20)),
      value: req(TEXT),
      error: opt(TEXT),
      created_timestamp: req(BIGINT),
      last_updated_timestamp: req(BIGINT),
      source_type: req(STRING(50)),
      source_id: opt(STRING(250)),
      run_id: opt(STRING(32)),
      span_id: opt(STRING(50)),
      rationale: opt(TEXT),
      overrides: opt(STRING(50)),
      valid: req(BOOLEAN),
      assessment_metadata: opt(TEXT),
    },
    primaryKey: { name: 'assessments_pk', fields: ['assessment_id'] },
    foreignKeys: [traceFk('fk_assessments_trace_id', 'trace_id')],
    indexes: [
      { name: 'index_assessments_assessment_type', fields: ['assessment_type'] },
      { name: 'index_assessments_last_updated_timestamp', fields: ['last_updated_timestamp'] },
      { name: 'index_assessments_run_id_created_timestamp', fields: ['run_id', 'created_timestamp'] },
      { name: 'index_assessments_trace_id_created_timestamp', fields: ['trace_id', 'created_timestamp'] },
    ],
  },
  {
    name: 'spans',
    columns: {
      trace_id: req(STRING(50)),
      experiment_id: req(INTEGER),
      span_id: req(STRING(50)),
      parent_span_id: opt(STRING(50)),
      name: opt(TEXT),
      type: opt(STRING(500)),
      status: req(STRING(50)),
      start_time_unix_nano: req(BIGINT),
      end_time_unix_nano: opt(BIGINT),
      duration_ns: opt(DURATION_NS),
      content: req(TEXT),
    },
    primaryKey: { name: 'spans_pk', fields: ['trace_id', 'span_id'] },
    foreignKeys: [experimentFk('fk_spans_experiment_id'), traceFk('fk_spans_trace_id', 'trace_id')],
    indexes: [
      { name: 'index_spans_experiment_id', fields: ['experiment_id'] },
      { name: 'index_spans_experiment_id_duration', fields: ['experiment_id', 'duration_ns'] },
      { name: 'index_spans_experiment_id_status_type', fields: ['experiment_id', 'status', 'type'] },
      { name: 'index_spans_experiment_id_type_status', fields: ['experiment_id', 'type', 'status'] },
    ],
  },
]
