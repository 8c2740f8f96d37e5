import type { ModelAttributes, ModelOptions } from 'sequelize'
import type { StoreSchema } from '../schemaProbe'

/**
 * Keep only the attributes whose columns exist in this store, so a model never
 * selects a column an older MLflow did not have (e.g. runs.name before 1.29).
 */
export function presentAttributes(schema: StoreSchema, table: string, attrs: ModelAttributes): ModelAttributes {
  return Object.fromEntries(Object.entries(attrs).filter(([column]) => schema.has(table, column)))
}

/** MLflow's tables: no Sequelize timestamps, exact table names, never synced. */
export function tableOptions(tableName: string): ModelOptions {
  return { tableName, timestamps: false, freezeTableName: true }
}
