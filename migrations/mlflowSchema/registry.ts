import { DataTypes } from 'sequelize'
import { opt, req, type ForeignKeySpec, type TableSpec } from './spec'

const { BIGINT, INTEGER, STRING, TEXT } = DataTypes

/** Registry children follow a model rename (ON UPDATE CASCADE); only aliases also go with a delete. */
function modelNameFk(name: string, onDelete?: 'CASCADE'): ForeignKeySpec {
  return {
    name,
    fields: ['name'],
    references: { table: 'registered_models', fields: ['name'] },
    onUpdate: 'CASCADE',
    ...(onDelete ? { onDelete } : {}),
  }
}

/** The model registry (alembic 2b4d017a5e9b and later). */
export const REGISTRY_TABLES: TableSpec[] = [
  {
    name: 'registered_models',
    columns: {
      name: req(STRING(256)),
      creation_time: opt(BIGINT),
      last_updated_time: opt(BIGINT),
      description: opt(STRING(5000)),
    },
    primaryKey: { name: 'registered_model_pk', fields: ['name'] },
  },
  {
    name: 'model_versions',
    columns: {
      name: req(STRING(256)),
      version: req(INTEGER),
      creation_time: opt(BIGINT),
      last_updated_time: opt(BIGINT),
      description: opt(STRING(5000)),
      user_id: opt(STRING(256)),
      current_stage: opt(STRING(20)),
      source: opt(STRING(500)),
      run_id: opt(STRING(32)),
      status: opt(STRING(20)),
      status_message: opt(STRING(500)),
      run_link: opt(STRING(500)),
      storage_location: opt(STRING(500)),
    },
    primaryKey: { name: 'model_version_pk', fields: ['name', 'version'] },
    foreignKeys: [modelNameFk('model_versions_name_fkey')],
  },
  {
    name: 'registered_model_tags',
    columns: {
      key: req(STRING(250)),
      value: opt(STRING(5000)),
      name: req(STRING(256)),
    },
    primaryKey: { name: 'registered_model_tag_pk', fields: ['key', 'name'] },
    foreignKeys: [modelNameFk('registered_model_tags_name_fkey')],
  },
  {
    name: 'model_version_tags',
    columns: {
      key: req(STRING(250)),
      value: opt(TEXT),
      name: req(STRING(256)),
      version: req(INTEGER),
    },
    primaryKey: { name: 'model_version_tag_pk', fields: ['key', 'name', 'version'] },
    foreignKeys: [
      {
        name: 'model_version_tags_name_version_fkey',
        fields: ['name', 'version'],
        references: { table: 'model_versions', fields: ['name', 'version'] },
        onUpdate: 'CASCADE',
      },
    ],
  },
  {
    name: 'registered_model_aliases',
    columns: {
      alias: req(STRING(256)),
      version: req(INTEGER),
      name: req(STRING(256)),
    },
    primaryKey: { name: 'registered_model_alias_pk', fields: ['name', 'alias'] },
    foreignKeys: [modelNameFk('registered_model_alias_name_fkey', 'CASCADE')],
  },
]
