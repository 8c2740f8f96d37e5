import { DataTypes, type InferAttributes, type InferCreationAttributes, type Model, type ModelStatic, type Sequelize } from 'sequelize'
import type { StoreSchema } from '../schemaProbe'
import { presentAttributes, tableOptions } from './attributes'

/** One row of a metric's history. NaN is stored as value 0 with is_nan true. */
export interface MetricRow extends Model<InferAttributes<MetricRow>, InferCreationAttributes<MetricRow>> {
  key: string
  value: number
  timestamp: number | null
  step: number
  is_nan: boolean
  run_uuid: string
}

const metricColumns = {
  key: { type: DataTypes.STRING(250), primaryKey: true },
  value: { type: DataTypes.DOUBLE, allowNull: false },
  timestamp: DataTypes.BIGINT,
  step: DataTypes.BIGINT,
  is_nan: DataTypes.BOOLEAN,
  run_uuid: { type: DataTypes.STRING(32), primaryKey: true },
}

/** The full history table (`metrics`). */
export function defineMetric(sequelize: Sequelize, schema: StoreSchema): ModelStatic<MetricRow> {
  return sequelize.define<MetricRow>('Metric', presentAttributes(schema, 'metrics', metricColumns), tableOptions('metrics'))
}

/** One row per (run, key): the entry MLflow considers latest (highest step, then timestamp, then value). */
export function defineLatestMetric(sequelize: Sequelize, schema: StoreSchema): ModelStatic<MetricRow> {
  return sequelize.define<MetricRow>(
    'LatestMetric',
    presentAttributes(schema, 'latest_metrics', metricColumns),
    tableOptions('latest_metrics'),
  )
}
