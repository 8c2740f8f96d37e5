import { IS_PROMPT_TAG_KEY } from '@shared/domain/prompts'
import type { StoreCapabilities } from '../mlflowSchema/capabilities'

/**
 * Which registered models are prompts, in SQL over a registered_models alias:
 * the one place the app tells prompts from models. MLflow's search_prompts asks
 * for tag mlflow.prompt.is_prompt = 'true'; its search_registered_models leaves
 * those out, so both lists together are every registered model. A store without
 * registered_model_tags (MLflow < 1.10) has no prompts.
 */
export function isPromptSql(can: StoreCapabilities, m: string): string {
  if (!can.registeredModelTags) return 'FALSE'
  return `EXISTS (SELECT 1 FROM registered_model_tags pt WHERE pt.name = ${m}.name AND pt.key = '${IS_PROMPT_TAG_KEY}' AND pt.value = 'true')`
}

/** The registered models that are not prompts (what the Models list shows). */
export function notPromptSql(can: StoreCapabilities, m: string): string {
  return can.registeredModelTags ? `NOT ${isPromptSql(can, m)}` : 'TRUE'
}
