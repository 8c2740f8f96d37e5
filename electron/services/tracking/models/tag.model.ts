import { DataTypes, type InferAttributes, type InferCreationAttributes, type Model, type ModelStatic, type Sequelize } from 'sequelize'
import type { StoreSchema } from '../schemaProbe'
import { presentAttributes, tableOptions } from './attributes'

export interface TagRow extends Model<InferAttributes<TagRow>, InferCreationAttributes<TagRow>> {
  key: string
  value: string | null
  run_uuid: string
}

export function defineTag(sequelize: Sequelize, schema: StoreSchema): ModelStatic<TagRow> {
  return sequelize.define<TagRow>(
    'Tag',
    presentAttributes(schema, 'tags', {
      key: { type: DataTypes.STRING(250), primaryKey: true },
      value: DataTypes.STRING(8000),
      run_uuid: { type: DataTypes.STRING(32), primaryKey: true },
    }),
    tableOptions('tags'),
  )
}
