import { DataTypes, type InferAttributes, type InferCreationAttributes, type Model, type ModelStatic, type Sequelize } from 'sequelize'
import type { StoreSchema } from '../schemaProbe'
import { presentAttributes, tableOptions } from './attributes'

export interface ParamRow extends Model<InferAttributes<ParamRow>, InferCreationAttributes<ParamRow>> {
  key: string
  value: string
  run_uuid: string
}

export function defineParam(sequelize: Sequelize, schema: StoreSchema): ModelStatic<ParamRow> {
  return sequelize.define<ParamRow>(
    'Param',
    presentAttributes(schema, 'params', {
      key: { type: DataTypes.STRING(250), primaryKey: true },
      value: { type: DataTypes.STRING(8000), allowNull: false },
      run_uuid: { type: DataTypes.STRING(32), primaryKey: true },
    }),
    tableOptions('params'),
  )
}
