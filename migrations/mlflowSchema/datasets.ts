import { DataTypes } from 'sequelize'
import { ZERO_BIGINT_DEFAULT, opt, req, type TableSpec } from './spec'

const { BIGINT, INTEGER, STRING, TEXT } = DataTypes

/** Dataset tracking (alembic 7f2a7d5fae7d, inputs.step from 6953534de441). */
export const DATASET_TABLES: TableSpec[] = [
  {
    name: 'datasets',
    columns: {
      dataset_uuid: req(STRING(36)),
      experiment_id: req(INTEGER),
      name: req(STRING(500)),
      digest: req(STRING(36)),
      dataset_source_type: req(STRING(36)),
      dataset_source: req(TEXT),
      dataset_schema: opt(TEXT),
      dataset_profile: opt(TEXT),
    },
    primaryKey: { name: 'dataset_pk', fields: ['experiment_id', 'name', 'digest'] },
    foreignKeys: [
      {
        name: 'fk_datasets_experiment_id_experiments',
        fields: ['experiment_id'],
        references: { table: 'experiments', fields: ['experiment_id'] },
        onDelete: 'CASCADE',
      },
    ],
    indexes: [
      { name: 'index_datasets_dataset_uuid', fields: ['dataset_uuid'] },
      { name: 'index_datasets_experiment_id_dataset_source_type', fields: ['experiment_id', 'dataset_source_type'] },
    ],
  },
  {
    // Polymorphic edges (dataset -> run, model -> run ...): no foreign keys by design.
    name: 'inputs',
    columns: {
      input_uuid: req(STRING(36)),
      source_type: req(STRING(36)),
      source_id: req(STRING(36)),
      destination_type: req(STRING(36)),
      destination_id: req(STRING(36)),
      step: req(BIGINT, { defaultValue: ZERO_BIGINT_DEFAULT }),
    },
    primaryKey: { name: 'inputs_pk', fields: ['source_type', 'source_id', 'destination_type', 'destination_id'] },
    indexes: [
      {
        name: 'index_inputs_destination_type_destination_id_source_type',
        fields: ['destination_type', 'destination_id', 'source_type'],
      },
      { name: 'index_inputs_input_uuid', fields: ['input_uuid'] },
    ],
  },
  {
    name: 'input_tags',
    columns: {
      input_uuid: req(STRING(36)),
      name: req(STRING(255)),
      value: req(STRING(500)),
    },
    primaryKey: { name: 'input_tags_pk', fields: ['input_uuid', 'name'] },
  },
]
