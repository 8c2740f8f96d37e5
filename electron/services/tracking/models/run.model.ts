import { DataTypes, type InferAttributes, type InferCreationAttributes, type Model, type ModelStatic, type Sequelize } from 'sequelize'
import type { StoreSchema } from '../schemaProbe'
import { presentAttributes, tableOptions } from './attributes'

export interface RunRow extends Model<InferAttributes<RunRow>, InferCreationAttributes<RunRow>> {
  run_uuid: string
  name: string | null
  source_type: string | null
  source_name: string | null
  entry_point_name: string | null
  user_id: string | null
  status: string | null
  start_time: number | null
  end_time: number | null
  deleted_time: number | null
  source_version: string | null
  lifecycle_stage: string | null
  artifact_uri: string | null
  experiment_id: number | null
}

export function defineRun(sequelize: Sequelize, schema: StoreSchema): ModelStatic<RunRow> {
  return sequelize.define<RunRow>(
    'Run',
    presentAttributes(schema, 'runs', {
      run_uuid: { type: DataTypes.STRING(32), primaryKey: true },
      name: DataTypes.STRING(250),
      source_type: DataTypes.STRING(20),
      source_name: DataTypes.STRING(500),
      entry_point_name: DataTypes.STRING(50),
      user_id: DataTypes.STRING(256),
      status: DataTypes.STRING(9),
      start_time: DataTypes.BIGINT,
      end_time: DataTypes.BIGINT,
      deleted_time: DataTypes.BIGINT,
      source_version: DataTypes.STRING(50),
      lifecycle_stage: DataTypes.STRING(20),
      artifact_uri: DataTypes.STRING(200),
      experiment_id: DataTypes.INTEGER,
    }),
    tableOptions('runs'),
  )
}
