import { compareEvaluations } from '../evaluations/evaluationCompare'
import { evaluationRows } from '../evaluations/evaluationRows'
import { listEvaluations } from '../evaluations/evaluationRuns'
import type { HandlerGroup } from './handlerTypes'

/** evaluations:* — MLflow 3 GenAI evaluation runs (mlflow.genai.evaluate), their rows, and two compared, in the calling window's store. */
export function evaluationsHandlers(): HandlerGroup<'evaluations:list' | 'evaluations:rows' | 'evaluations:compare'> {
  return {
    'evaluations:list': async (req, call) => listEvaluations(await call.window.store(call.signal), req),
    'evaluations:rows': async (req, call) => evaluationRows(await call.window.store(call.signal), req),
    'evaluations:compare': async (req, call) => compareEvaluations(await call.window.store(call.signal), req),
  }
}
