import type { StoreCapabilities } from '../mlflowSchema/capabilities'

/** The run name as MLflow's UI shows it, from runs alias `r`: runs.name, else the mlflow.runName tag (runs of MLflow <= 1.29 have only the tag). */
export function runNameSql(can: StoreCapabilities, r = 'r'): string {
  const tag = `(SELECT n.value FROM tags n WHERE n.run_uuid = ${r}.run_uuid AND n.key = 'mlflow.runName')`
  return can.runNameColumn ? `COALESCE(NULLIF(${r}.name, ''), ${tag})` : tag
}
