/**
 * "Find anything": what the palette, the `find`/`open` commands and the #/open/ route are
 * answered with. One hit is one thing of the store (or of the app) a person can open.
 */

/** What a hit is. A logged model opens the run (or experiment) it belongs to; a trace, its own page. */
export type FindKind = 'run' | 'experiment' | 'model' | 'model_version' | 'prompt' | 'logged_model' | 'trace' | 'saved_query' | 'screen'

export const FIND_KINDS: readonly FindKind[] = ['run', 'experiment', 'model', 'model_version', 'prompt', 'logged_model', 'trace', 'saved_query', 'screen']

export interface FindHit {
  kind: FindKind
  /** Its own id: a run id, an experiment id, a model name, "name/version", m-…, tr-…, a saved query's id, a screen's path. */
  id: string
  /** What a person reads first: the run's name (its id when unnamed), the experiment's or model's name, "name v3", … */
  title: string
  /** Beside the title: a run's experiment and status, a version's stage and aliases, … */
  detail: string | null
  /** Where the window opens it (a route of the app, e.g. /runs/<id>). */
  route: string
  /** Said when it opens somewhere other than a page of its own (logged models have none yet). */
  note: string | null
  /** The experiment it belongs to (a run's, a trace's, a logged model's; an experiment's own id); null for the rest. */
  experiment_id: string | null
  /** Deleted in the store (lifecycle_stage): listed, after the live ones. */
  deleted: boolean
  /** Higher first (see shared/find/findRank.ts). */
  score: number
}

/** find:search — the best hits for a text, of every kind, best first. */
export interface FindSearchResponse {
  hits: FindHit[]
}

/** find:resolve — what an id, URI or exact name stands for. */
export interface FindResolveResponse {
  hit: FindHit
  /** Other things the text names exactly (several runs of one name), best first. */
  also: FindHit[]
}
