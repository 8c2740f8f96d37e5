import { DataTypes, type InferAttributes, type InferCreationAttributes, type Model, type ModelStatic, type Sequelize } from 'sequelize'
import type { StoreSchema } from '../schemaProbe'
import { presentAttributes, tableOptions } from './attributes'

export interface ExperimentRow extends Model<InferAttributes<ExperimentRow>, InferCreationAttributes<ExperimentRow>> {
  experiment_id: number
  name: string
  artifact_location: string | null
  lifecycle_stage: string | null
  creation_time: number | null
  last_update_time: number | null
}

export function defineExperiment(sequelize: Sequelize, schema: StoreSchema): ModelStatic<ExperimentRow> {
  return sequelize.define<ExperimentRow>(
    'Experiment',
    presentAttributes(schema, 'experiments', {
      experiment_id: { type: DataTypes.INTEGER, primaryKey: true },
      name: { type: DataTypes.STRING(256), allowNull: false },
      artifact_location: DataTypes.STRING(256),
      lifecycle_stage: DataTypes.STRING(32),
      creation_time: DataTypes.BIGINT,
      last_update_time: DataTypes.BIGINT,
    }),
    tableOptions('experiments'),
  )
}
