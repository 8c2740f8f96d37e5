/**
 * What a pasted or typed text refers to, told from its shape alone (no store is asked):
 * a run id, a `runs:/`, `models:/` or `prompts:/` URI as MLflow parses them, a trace id, a logged
 * model id, or a link of MLflow's UI (or ours) to a run, experiment or model.
 * Anything else is not a reference (it is searched for by name instead).
 */

export type FindRef =
  /** A run: its 32-hex id, `runs:/<id>/<path>`, or a UI link to it. artifact_path: the URI's path ('' for none). */
  | { kind: 'run'; run_id: string; artifact_path: string }
  /** `models:/<name>/<version>`, `/<stage>`, `/latest` or `models:/<name>@<alias>` (MLflow's _parse_model_uri). */
  | { kind: 'model_uri'; name: string; version: string | null; stage: string | null; alias: string | null }
  /** `prompts:/<name>/<version>`, `prompts:/<name>@<alias>` (`@latest`: the newest), or a link #/prompts/<name> (version and alias null). */
  | { kind: 'prompt_uri'; name: string; version: string | null; alias: string | null }
  /** A registered model named by a UI link (#/models/<name>, optionally /versions/<v>). */
  | { kind: 'model'; name: string; version: string | null }
  /** An MLflow 3 logged model: m-<32 hex>, or models:/m-<32 hex>. */
  | { kind: 'logged_model'; model_id: string }
  /** A trace: tr-<32 hex>. */
  | { kind: 'trace'; trace_id: string }
  /** An experiment named by a UI link (#/experiments/<id>). */
  | { kind: 'experiment'; experiment_id: string }

/** A run id (and an MLflow 2 trace id): 32 hex digits. */
const HEX32 = /^[0-9a-f]{32}$/i
const TRACE_ID = /^tr-[0-9a-f]{32}$/i
const LOGGED_MODEL_ID = /^m-[0-9a-f]{32}$/i

/** Pasted text often comes with quotes, brackets or a trailing dot around it. */
function unwrap(text: string): string {
  return text
    .trim()
    .replace(/^[`'"<([]+/, '')
    .replace(/[`'">)\].,;]+$/, '')
    .trim()
}

/** MLflow's `runs:/<run_id>/<relative path>` (mlflow/tracking/artifact_utils: the id is the first segment). */
function parseRunsUri(text: string): FindRef | null {
  const m = /^runs:\/+([^/]+)(?:\/(.*))?$/i.exec(text)
  if (!m || !HEX32.test(m[1])) return null
  return { kind: 'run', run_id: m[1].toLowerCase(), artifact_path: (m[2] ?? '').replace(/\/+$/, '') }
}

/**
 * MLflow's models URI (mlflow/store/artifact/utils/models.py, _parse_model_uri): `models:/<name>/<suffix>`
 * where a numeric suffix is a version, "latest" the newest version and anything else a stage;
 * `models:/<name>@<alias>`; and in MLflow 3 `models:/<model_id>`.
 */
function parseModelsUri(text: string): FindRef | null {
  const m = /^models:\/(.*)$/i.exec(text)
  if (!m) return null
  const parts = m[1].replace(/^\/+/, '').split('/')
  if (parts.length > 2 || !parts[0].trim()) return null
  if (parts.length === 2) {
    const [name, suffix] = parts
    if (!suffix.trim()) return null
    if (/^\d+$/.test(suffix)) return { kind: 'model_uri', name, version: suffix, stage: null, alias: null }
    if (suffix.toLowerCase() === 'latest') return { kind: 'model_uri', name, version: null, stage: null, alias: null }
    return { kind: 'model_uri', name, version: null, stage: suffix, alias: null }
  }
  const at = parts[0].lastIndexOf('@')
  if (at > 0 && parts[0].slice(at + 1).trim())
    return { kind: 'model_uri', name: parts[0].slice(0, at), version: null, stage: null, alias: parts[0].slice(at + 1) }
  if (LOGGED_MODEL_ID.test(parts[0])) return { kind: 'logged_model', model_id: parts[0].toLowerCase() }
  return null
}

/** MLflow's prompt URI (mlflow/prompt/registry_utils.py, parse_prompt_name_or_uri): `prompts:/<name>/<version>` or `prompts:/<name>@<alias>`. */
function parsePromptsUri(text: string): FindRef | null {
  const m = /^prompts:\/+([^/@]+)(?:\/(\d+)|@([^/@]+))?\/?$/i.exec(text)
  if (!m) return null
  return { kind: 'prompt_uri', name: m[1], version: m[2] ?? null, alias: m[3] ?? null }
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** A link of MLflow's UI or of this app: …#/experiments/3/runs/<id>, …#/runs/<id>, …#/models/<name>/versions/2, …#/experiments/3. */
function parseLink(text: string): FindRef | null {
  if (!/^(https?:\/\/|#|\/)/i.test(text)) return null
  const hash = text.includes('#') ? text.slice(text.indexOf('#') + 1) : text
  const path = hash.split('?')[0]
  const run = /\/runs\/([0-9a-f]{32})(?:\/|$)/i.exec(path)
  if (run) return { kind: 'run', run_id: run[1].toLowerCase(), artifact_path: '' }
  const prompt = /\/prompts\/([^/]+)\/?$/.exec(path)
  if (prompt) return { kind: 'prompt_uri', name: decode(prompt[1]), version: null, alias: null }
  const model = /\/models\/([^/]+)(?:\/versions\/(\d+))?\/?$/.exec(path)
  if (model) return { kind: 'model', name: decode(model[1]), version: model[2] ?? null }
  const experiment = /\/experiments\/(\d{1,10})(?:\/|$)/.exec(path)
  if (experiment) return { kind: 'experiment', experiment_id: experiment[1] }
  return null
}

/** The reference a text is, or null when it is not one (plain words: search them). */
export function parseFindRef(input: string): FindRef | null {
  const text = unwrap(input)
  if (!text || text.length > 2000 || /\s/.test(text)) return null
  if (HEX32.test(text)) return { kind: 'run', run_id: text.toLowerCase(), artifact_path: '' }
  if (TRACE_ID.test(text)) return { kind: 'trace', trace_id: text.toLowerCase() }
  if (LOGGED_MODEL_ID.test(text)) return { kind: 'logged_model', model_id: text.toLowerCase() }
  if (/^runs:/i.test(text)) return parseRunsUri(text)
  if (/^models:/i.test(text)) return parseModelsUri(text)
  if (/^prompts:/i.test(text)) return parsePromptsUri(text)
  return parseLink(text)
}

/** The text as MLflow would write the reference (for messages and recents). */
export function formatFindRef(ref: FindRef): string {
  switch (ref.kind) {
    case 'run':
      return ref.artifact_path ? `runs:/${ref.run_id}/${ref.artifact_path}` : ref.run_id
    case 'model_uri':
      return ref.alias ? `models:/${ref.name}@${ref.alias}` : `models:/${ref.name}/${ref.version ?? ref.stage ?? 'latest'}`
    case 'prompt_uri':
      return `prompts:/${ref.name}${ref.alias ? `@${ref.alias}` : ref.version ? `/${ref.version}` : ''}`
    case 'model':
      return ref.version ? `models:/${ref.name}/${ref.version}` : ref.name
    case 'logged_model':
      return ref.model_id
    case 'trace':
      return ref.trace_id
    case 'experiment':
      return `experiment ${ref.experiment_id}`
  }
}

/** The runs filter (MLflow's syntax) for the one run a text names — a run id, runs:/ URI or run link — or null. */
export function runIdFilter(text: string): string | null {
  const ref = parseFindRef(text)
  return ref?.kind === 'run' ? `attributes.run_id = '${ref.run_id}'` : null
}
