import { DataTypes, type InferAttributes, type InferCreationAttributes, type Model, type ModelStatic, type Sequelize } from 'sequelize'
import type { StoreSchema } from '../schemaProbe'
import { presentAttributes, tableOptions } from './attributes'

export interface ExperimentTagRow extends Model<InferAttributes<ExperimentTagRow>, InferCreationAttributes<ExperimentTagRow>> {
  key: string
  value: string | null
  experiment_id: number
}

export function defineExperimentTag(sequelize: Sequelize, schema: StoreSchema): ModelStatic<ExperimentTagRow> {
  return sequelize.define<ExperimentTagRow>(
    'ExperimentTag',
    presentAttributes(schema, 'experiment_tags', {
      key: { type: DataTypes.STRING(250), primaryKey: true },
      value: DataTypes.STRING(5000),
      experiment_id: { type: DataTypes.INTEGER, primaryKey: true },
    }),
    tableOptions('experiment_tags'),
  )
}
