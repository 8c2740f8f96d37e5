import { AppError } from '@shared/api/errors'
import type { HandlerGroup } from './handlers'

// Being written (browse issue): model registry, metric history, run relations.
const pending = async (): Promise<never> => {
  throw new AppError('INTERNAL', 'not built yet')
}

/** Model registry, metric history and what surrounds a run, in the calling window's store. */
export function registryHandlers(): HandlerGroup<'runs:related' | 'metrics:history' | 'models:list' | 'models:get'> {
  return {
    'runs:related': pending,
    'metrics:history': pending,
    'models:list': pending,
    'models:get': pending,
  }
}
