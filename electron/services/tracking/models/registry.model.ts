import { DataTypes, type InferAttributes, type InferCreationAttributes, type Model, type ModelStatic, type Sequelize } from 'sequelize'
import type { StoreSchema } from '../schemaProbe'
import { presentAttributes, tableOptions } from './attributes'

export interface RegisteredModelRow extends Model<InferAttributes<RegisteredModelRow>, InferCreationAttributes<RegisteredModelRow>> {
  name: string
  creation_time: number | null
  last_updated_time: number | null
  description: string | null
}

export interface ModelVersionRow extends Model<InferAttributes<ModelVersionRow>, InferCreationAttributes<ModelVersionRow>> {
  name: string
  version: number
  creation_time: number | null
  last_updated_time: number | null
  description: string | null
  user_id: string | null
  current_stage: string | null
  source: string | null
  run_id: string | null
  status: string | null
  status_message: string | null
  run_link: string | null
  storage_location: string | null
}

export function defineRegisteredModel(sequelize: Sequelize, schema: StoreSchema): ModelStatic<RegisteredModelRow> {
  return sequelize.define<RegisteredModelRow>(
    'RegisteredModel',
    presentAttributes(schema, 'registered_models', {
      name: { type: DataTypes.STRING(256), primaryKey: true },
      creation_time: DataTypes.BIGINT,
      last_updated_time: DataTypes.BIGINT,
      description: DataTypes.STRING(5000),
    }),
    tableOptions('registered_models'),
  )
}

export function defineModelVersion(sequelize: Sequelize, schema: StoreSchema): ModelStatic<ModelVersionRow> {
  return sequelize.define<ModelVersionRow>(
    'ModelVersion',
    presentAttributes(schema, 'model_versions', {
      name: { type: DataTypes.STRING(256), primaryKey: true },
      version: { type: DataTypes.INTEGER, primaryKey: true },
      creation_time: DataTypes.BIGINT,
      last_updated_time: DataTypes.BIGINT,
      description: DataTypes.STRING(5000),
      user_id: DataTypes.STRING(256),
      current_stage: DataTypes.STRING(20),
      source: DataTypes.STRING(500),
      run_id: DataTypes.STRING(32),
      status: DataTypes.STRING(20),
      status_message: DataTypes.STRING(500),
      run_link: DataTypes.STRING(500),
      storage_location: DataTypes.STRING(500),
    }),
    tableOptions('model_versions'),
  )
}
