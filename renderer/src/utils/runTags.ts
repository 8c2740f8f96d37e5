/** Reading a run's tags the way MLflow's UI does: system tags (mlflow.*) apart, source and git info from them. */
import type { KeyValue } from '@shared/domain/mlflow'

export const SYSTEM_TAG_PREFIX = 'mlflow.'

export function isSystemTag(key: string): boolean {
  return key.startsWith(SYSTEM_TAG_PREFIX)
}

export function tagValue(tags: readonly KeyValue[], key: string): string | undefined {
  return tags.find((t) => t.key === key)?.value
}

/** User tags and system (mlflow.*) tags, each sorted by key. */
export function splitTags(tags: readonly KeyValue[]): { user: KeyValue[]; system: KeyValue[] } {
  const byKey = (a: KeyValue, b: KeyValue) => a.key.localeCompare(b.key)
  return {
    user: tags.filter((t) => !isSystemTag(t.key)).sort(byKey),
    system: tags.filter((t) => isSystemTag(t.key)).sort(byKey),
  }
}

/** Case-insensitive match on key or value; an empty query matches everything. */
export function matchesQuery(kv: KeyValue, query: string): boolean {
  const q = query.trim().toLowerCase()
  return !q || kv.key.toLowerCase().includes(q) || (kv.value ?? '').toLowerCase().includes(q)
}

export interface RunSource {
  name?: string
  type?: string
  entryPoint?: string
  git?: { commit?: string; branch?: string; repoUrl?: string; dirty?: boolean }
}

/** Where a run came from: tags mlflow.source.* and mlflow.project.entryPoint (runs.source_* columns are legacy). */
export function runSource(tags: readonly KeyValue[]): RunSource {
  const t = (k: string) => tagValue(tags, k) || undefined
  const commit = t('mlflow.source.git.commit')
  const branch = t('mlflow.source.git.branch')
  const repoUrl = t('mlflow.source.git.repoURL')
  const dirty = t('mlflow.source.git.dirty')
  return {
    name: t('mlflow.source.name'),
    type: t('mlflow.source.type'),
    entryPoint: t('mlflow.project.entryPoint'),
    git: commit || branch || repoUrl ? { commit, branch, repoUrl, dirty: dirty === undefined ? undefined : dirty.toLowerCase() === 'true' } : undefined,
  }
}

export function shortCommit(sha: string): string {
  return /^[0-9a-f]{12,}$/i.test(sha) ? sha.slice(0, 8) : sha
}

/** JSON (dataset source, schema, profile) indented for reading; anything else as it is. */
export function prettyJson(text: string | null | undefined): string {
  if (!text) return ''
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}
