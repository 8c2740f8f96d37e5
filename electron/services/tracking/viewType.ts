import type { LifecycleStage, ViewType } from '@shared/domain/mlflow'

/** MLflow's run/experiment view types as lifecycle stages (ACTIVE_ONLY, DELETED_ONLY, ALL). */
export function lifecycleStages(view: ViewType): LifecycleStage[] {
  return view === 'active' ? ['active'] : view === 'deleted' ? ['deleted'] : ['active', 'deleted']
}
