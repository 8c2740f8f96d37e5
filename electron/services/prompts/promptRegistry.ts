import { AppError } from '@shared/api/errors'
import type { PromptGetResponse, PromptsSearchRequest, PromptsSearchResponse } from '@shared/api/contract'
import type { KeyValue } from '@shared/domain/mlflow'
import {
  isInternalPromptTag,
  parsePromptTemplate,
  PROMPT_TEXT_TAG_KEY,
  PROMPT_TYPE_TAG_KEY,
  RESPONSE_FORMAT_TAG_KEY,
  templateVariables,
  type PromptSummary,
  type PromptVersion,
} from '@shared/domain/prompts'
import type { StoreHandle } from '../connections/storeConnection'
import { type OrderKey } from '../tracking/keyset'
import { modelNameConditions } from '../tracking/modelNameFilter'
import { searchFingerprint } from '../tracking/pageToken'
import { liveVersion, modelAliasesJson, tagsJson } from '../tracking/registry'
import { promptLinks } from './promptLinks'
import { isPromptSql } from './promptSql'
import { pageOf, resumeAt } from '../tracking/keysetPage'

/**
 * The prompt registry read as MLflow's search_prompts and get_prompt read it:
 * registered models marked as prompts, their versions' templates from tags.
 * A store without tags on models or versions (MLflow < 1.10) has no prompts.
 */

/** search_prompts' order: by name; names are unique, so it is a total order. */
const PROMPT_ORDER: readonly OrderKey[] = [{ sql: 'rm.name', direction: 'ASC', nulls: 'LAST', cast: 'text', nullable: false }]

const hasPrompts = (store: StoreHandle) => store.capabilities.modelRegistry && store.capabilities.registeredModelTags && store.capabilities.modelVersionTags

const userTags = (tags: KeyValue[]) => tags.filter((t) => !isInternalPromptTag(t.key))

function promptSummaryJson(store: StoreHandle): string {
  return `json_build_object(
    'name', m.name, 'description', m.description,
    'creation_timestamp', m.creation_time, 'last_updated_timestamp', m.last_updated_time,
    'tags', ${tagsJson(true, 'registered_model_tags', 't.name = m.name')},
    'aliases', ${modelAliasesJson(store.capabilities)},
    'latest_version', (SELECT json_build_object('version', v.version::text, 'commit_message', v.description, 'creation_timestamp', v.creation_time)
                         FROM model_versions v WHERE v.name = m.name AND ${liveVersion()} ORDER BY v.version DESC LIMIT 1),
    'version_count', (SELECT count(*)::int FROM model_versions v WHERE v.name = m.name AND ${liveVersion()}))`
}

/** search_prompts: name-ordered pages, filtered by a name substring or MLflow's name clauses. */
export async function searchPrompts(store: StoreHandle, req: PromptsSearchRequest): Promise<PromptsSearchResponse> {
  const bind: unknown[] = []
  // Parse first: a malformed filter is refused even on a store without prompts.
  const where = modelNameConditions(req.filter, 'rm.name', bind).map((c) => c.sql)
  const fingerprint = searchFingerprint({ prompts: req.filter ?? '' })
  const resumed = resumeAt(req.page_token, fingerprint, PROMPT_ORDER, bind, where)
  if (!hasPrompts(store)) return { prompts: [], next_page_token: null }
  where.push(isPromptSql(store.capabilities, 'rm'))
  const offset = resumed ? ` OFFSET ${resumed}` : ''
  const rows = await store.select<{ name: string; prompt: PromptSummary }>(
    `WITH m AS (
       SELECT rm.name, rm.creation_time, rm.last_updated_time, rm.description FROM registered_models rm
        WHERE ${where.join(' AND ')}
        ORDER BY rm.name ASC LIMIT ${req.max_results + 1}${offset})
     SELECT m.name, ${promptSummaryJson(store)} AS prompt FROM m ORDER BY m.name ASC`,
    bind,
  )
  const { page, next_page_token } = pageOf(rows, req.max_results, fingerprint, (r) => [r.name])
  return { prompts: page.map((r) => ({ ...r.prompt, tags: userTags(r.prompt.tags) })), next_page_token }
}

interface VersionRow {
  version: string
  description: string | null
  creation_time: number | null
  last_updated_time: number | null
  user_id: string | null
  tags: KeyValue[]
  aliases: string[]
}

function versionOf(row: VersionRow): Omit<PromptVersion, 'linked_runs' | 'linked_traces'> {
  const tag = (key: string) => row.tags.find((t) => t.key === key)?.value ?? null
  const { template, problem } = parsePromptTemplate(tag(PROMPT_TEXT_TAG_KEY) ?? '', tag(PROMPT_TYPE_TAG_KEY))
  return {
    version: row.version,
    commit_message: row.description,
    template,
    template_problem: problem,
    variables: templateVariables(template),
    tags: userTags(row.tags),
    aliases: row.aliases,
    response_format: tag(RESPONSE_FORMAT_TAG_KEY),
    creation_timestamp: row.creation_time,
    last_updated_timestamp: row.last_updated_time,
    user_id: row.user_id,
  }
}

/** get_prompt with every live version (newest first), each with the runs and traces that recorded using it. */
export async function getPrompt(store: StoreHandle, name: string): Promise<PromptGetResponse> {
  const notFound = (why = '') => new AppError('NOT_FOUND', `Prompt '${name}' not found in ${store.where}${why}.`)
  if (!hasPrompts(store)) throw notFound(' (this store has no prompt registry: it was written by MLflow before 1.10)')
  const aliases = store.capabilities.modelAliases
    ? `COALESCE((SELECT json_agg(a.alias ORDER BY a.alias) FROM registered_model_aliases a WHERE a.name = v.name AND a.version = v.version), '[]'::json)`
    : `'[]'::json`
  const [row] = await store.select<{ prompt: PromptSummary; versions: VersionRow[] }>(
    `SELECT ${promptSummaryJson(store)} AS prompt,
            COALESCE((SELECT json_agg(json_build_object(
                        'version', v.version::text, 'description', v.description, 'creation_time', v.creation_time,
                        'last_updated_time', v.last_updated_time, 'user_id', v.user_id,
                        'tags', ${tagsJson(true, 'model_version_tags', 't.name = v.name AND t.version = v.version')},
                        'aliases', ${aliases}) ORDER BY v.version DESC)
                        FROM model_versions v WHERE v.name = m.name AND ${liveVersion()}), '[]'::json) AS versions
       FROM registered_models m WHERE m.name = $1 AND ${isPromptSql(store.capabilities, 'm')}`,
    [name],
  )
  if (!row) throw notFound()
  const links = await promptLinks(
    store,
    name,
    row.versions.map((v) => ({ version: v.version, tags: v.tags })),
  )
  const versions: PromptVersion[] = row.versions.map((v) => ({
    ...versionOf(v),
    linked_runs: links.runs.get(v.version) ?? [],
    linked_traces: links.traces.get(v.version) ?? [],
  }))
  const prompt: PromptSummary = { ...row.prompt, tags: userTags(row.prompt.tags) }
  return { prompt, versions }
}
