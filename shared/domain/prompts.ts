import type { KeyValue, RegisteredModelAlias } from './mlflow'

/**
 * MLflow's prompt registry. MLflow keeps a prompt as a registered model tagged
 * `mlflow.prompt.is_prompt` = 'true' and each of its versions as a model version
 * whose template is the tag `mlflow.prompt.text` (mlflow/prompt/constants.py):
 * plain text, or, when `_mlflow_prompt_type` is 'chat', a JSON list of
 * {role, content} messages. The version's description is its commit message.
 */

/** Marks a registered model (and each of its versions) as a prompt. */
export const IS_PROMPT_TAG_KEY = 'mlflow.prompt.is_prompt'
/** A prompt version's template. */
export const PROMPT_TEXT_TAG_KEY = 'mlflow.prompt.text'
/** 'text' or 'chat' (MLflow 3; older prompts are all text). Unity Catalog forbids dots, hence the odd name. */
export const PROMPT_TYPE_TAG_KEY = '_mlflow_prompt_type'
/** A JSON schema (or pydantic model dump) the prompt's answer should follow. */
export const RESPONSE_FORMAT_TAG_KEY = '_mlflow_prompt_response_format'
/** Run (MLflow 3) and trace tag: JSON list of {name, version} of the prompt versions it used. */
export const LINKED_PROMPTS_TAG_KEY = 'mlflow.linkedPrompts'
/** MLflow 2.21–2.22: a prompt version's tag listing, comma-separated, the runs that logged it. */
export const PROMPT_RUN_IDS_TAG_KEY = 'mlflow.prompt.run_ids'

/** MLflow's PROMPT_TEMPLATE_VARIABLE_PATTERN: `{{ name }}` or `{{ a.b }}`, spaces allowed inside the braces. */
const VARIABLE = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z_][a-zA-Z0-9_]*)*)\s*\}\}/g

/** Tags MLflow writes for its own bookkeeping, not shown among a prompt's tags. */
export function isInternalPromptTag(key: string): boolean {
  return key.startsWith('mlflow.prompt.') || key.startsWith('_mlflow_prompt')
}

export interface PromptMessage {
  role: string
  /** The message text; content MLflow stored as a list of parts is shown as its JSON. */
  content: string
}

export type PromptTemplate = { type: 'text'; text: string } | { type: 'chat'; messages: PromptMessage[] }

/** A piece of a template's text: plain, or a `{{variable}}` (with the name inside). */
export type TemplatePart = { text: string; variable: null } | { text: string; variable: string }

/** The text split into plain runs and variables, in order; joined back it is the text. */
export function templateParts(text: string): TemplatePart[] {
  const parts: TemplatePart[] = []
  let at = 0
  for (const m of text.matchAll(VARIABLE)) {
    if (m.index > at) parts.push({ text: text.slice(at, m.index), variable: null })
    parts.push({ text: m[0], variable: m[1] })
    at = m.index + m[0].length
  }
  if (at < text.length) parts.push({ text: text.slice(at), variable: null })
  return parts
}

/** The variables a template fills, each once, in the order they first appear (MLflow's set has no order). */
export function templateVariables(template: PromptTemplate): string[] {
  const texts = template.type === 'text' ? [template.text] : template.messages.map((m) => m.content)
  return [...new Set(texts.flatMap((t) => [...t.matchAll(VARIABLE)].map((m) => m[1])))]
}

/**
 * The template a version's tags hold: chat when `_mlflow_prompt_type` is 'chat'
 * and the text is a JSON list of messages with a role each. A chat template that
 * is not such a list is shown as text, with `problem` saying why.
 */
export function parsePromptTemplate(text: string, type: string | null): { template: PromptTemplate; problem: string | null } {
  const asText = (problem: string | null) => ({ template: { type: 'text' as const, text }, problem })
  if (type !== 'chat') return asText(null)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return asText('marked as a chat template, but its text is not JSON')
  }
  if (!Array.isArray(value)) return asText('marked as a chat template, but its JSON is not a list of messages')
  const messages: PromptMessage[] = []
  for (const [i, m] of value.entries()) {
    if (!m || typeof m !== 'object' || typeof (m as { role?: unknown }).role !== 'string') {
      return asText(`marked as a chat template, but message ${i + 1} has no role`)
    }
    const { role, content } = m as { role: string; content?: unknown }
    messages.push({ role, content: typeof content === 'string' ? content : content == null ? '' : JSON.stringify(content, null, 2) })
  }
  return { template: { type: 'chat', messages }, problem: null }
}

/** A template as lines to read or diff: text as it is; chat as each message under its role. */
export function templateAsText(template: PromptTemplate): string {
  if (template.type === 'text') return template.text
  return template.messages.map((m) => `[${m.role}]\n${m.content}`).join('\n\n')
}

/** A run that used a prompt version (run tag mlflow.linkedPrompts, or the version's mlflow.prompt.run_ids). */
export interface PromptLinkedRun {
  run_id: string
  run_name: string | null
  experiment_id: string
  status: string | null
  start_time: number | null
}

/** A trace that used a prompt version (trace tag mlflow.linkedPrompts). */
export interface PromptLinkedTrace {
  trace_id: string
  experiment_id: string
  /** trace_info.timestamp_ms: when the request came in. */
  timestamp_ms: number
  /** trace_info.status: OK, ERROR, IN_PROGRESS. */
  state: string
  /** The trace tag mlflow.traceName. */
  name: string | null
}

/** A prompt in the list. */
export interface PromptSummary {
  name: string
  /** The registered model's description. */
  description: string | null
  creation_timestamp: number | null
  last_updated_timestamp: number | null
  /** The prompt's own tags, MLflow's internal ones left out. */
  tags: KeyValue[]
  aliases: RegisteredModelAlias[]
  /** The highest version, its commit message and when it was made; null for a prompt without versions. */
  latest_version: { version: string; commit_message: string | null; creation_timestamp: number | null } | null
  version_count: number
}

/** One version of a prompt. */
export interface PromptVersion {
  version: string
  /** The model version's description. */
  commit_message: string | null
  template: PromptTemplate
  /** Why a template marked chat is shown as text; null when it reads as marked. */
  template_problem: string | null
  variables: string[]
  /** The version's tags, MLflow's internal ones left out. */
  tags: KeyValue[]
  aliases: string[]
  /** The response format tag as stored (JSON), null when there is none. */
  response_format: string | null
  creation_timestamp: number | null
  last_updated_timestamp: number | null
  /** model_versions.user_id: who made it, when MLflow recorded it. */
  user_id: string | null
  linked_runs: PromptLinkedRun[]
  linked_traces: PromptLinkedTrace[]
}
