import type { KeyValue } from '@shared/domain/mlflow'
import { LINKED_PROMPTS_TAG_KEY, PROMPT_RUN_IDS_TAG_KEY, type PromptLinkedRun, type PromptLinkedTrace } from '@shared/domain/prompts'
import type { StoreHandle } from '../connections/storeConnection'
import { containsPattern } from '../tracking/modelNameFilter'
import { runNameSql } from '../tracking/runNameSql'

/**
 * Which runs and traces used each version of a prompt, where the store records it:
 * MLflow 3 tags a run and a trace `mlflow.linkedPrompts` with a JSON list of
 * {name, version}; MLflow 2.21–2.22 tagged the version with `mlflow.prompt.run_ids`.
 * Candidate tags are found by the prompt's name in SQL (a LIKE on the JSON text,
 * so a malformed tag never fails the statement) and read as JSON here.
 */

/** The most runs, and the most traces, read for one prompt (newest first). */
export const LINKS_LIMIT = 500

export interface PromptLinks {
  runs: Map<string, PromptLinkedRun[]>
  traces: Map<string, PromptLinkedTrace[]>
}

/** The versions of prompt `name` a mlflow.linkedPrompts value names; [] when it is not such a list. */
export function linkedVersions(value: string, name: string): string[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    return []
  }
  if (!Array.isArray(parsed)) return []
  return parsed.flatMap((p: unknown) => {
    const { name: n, version } = (p ?? {}) as { name?: unknown; version?: unknown }
    return n === name && (typeof version === 'string' || typeof version === 'number') ? [String(version)] : []
  })
}

function push<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key)
  if (list) {
    if (!list.includes(item)) list.push(item)
  } else map.set(key, [item])
}

interface TaggedRow {
  id: string
  value: string
}

export async function promptLinks(store: StoreHandle, name: string, versions: Array<{ version: string; tags: KeyValue[] }>): Promise<PromptLinks> {
  const mention = containsPattern(JSON.stringify(name))
  const runVersions = new Map<string, string[]>()
  for (const v of versions) {
    const ids = v.tags.find((t) => t.key === PROMPT_RUN_IDS_TAG_KEY)?.value ?? ''
    for (const id of ids
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean))
      push(runVersions, id, v.version)
  }
  const tagged = await store.select<TaggedRow>(
    `SELECT t.run_uuid AS id, t.value FROM tags t JOIN runs r ON r.run_uuid = t.run_uuid
      WHERE t.key = $1 AND t.value LIKE $2 ORDER BY r.start_time DESC NULLS LAST, r.run_uuid LIMIT ${LINKS_LIMIT}`,
    [LINKED_PROMPTS_TAG_KEY, mention],
  )
  for (const r of tagged) for (const v of linkedVersions(r.value, name)) push(runVersions, r.id, v)

  const runs = new Map<string, PromptLinkedRun[]>()
  if (runVersions.size) {
    const rows = await store.select<PromptLinkedRun>(
      `SELECT r.run_uuid AS run_id, ${runNameSql(store.capabilities)} AS run_name, r.experiment_id::text AS experiment_id, r.status, r.start_time
         FROM runs r WHERE r.run_uuid = ANY($1::text[]) ORDER BY r.start_time DESC NULLS LAST, r.run_uuid`,
      [[...runVersions.keys()]],
    )
    for (const run of rows) for (const v of runVersions.get(run.run_id) ?? []) push(runs, v, run)
  }

  const traces = new Map<string, PromptLinkedTrace[]>()
  if (store.capabilities.traces) {
    const rows = await store.select<PromptLinkedTrace & { value: string }>(
      `SELECT ti.request_id AS trace_id, ti.experiment_id::text AS experiment_id, ti.timestamp_ms, ti.status AS state, tt.value,
              (SELECT n.value FROM trace_tags n WHERE n.request_id = ti.request_id AND n.key = 'mlflow.traceName') AS name
         FROM trace_tags tt JOIN trace_info ti ON ti.request_id = tt.request_id
        WHERE tt.key = $1 AND tt.value LIKE $2 ORDER BY ti.timestamp_ms DESC, ti.request_id LIMIT ${LINKS_LIMIT}`,
      [LINKED_PROMPTS_TAG_KEY, mention],
    )
    for (const { value, ...trace } of rows) for (const v of linkedVersions(value, name)) push(traces, v, { ...trace, timestamp_ms: Number(trace.timestamp_ms) })
  }
  return { runs, traces }
}
