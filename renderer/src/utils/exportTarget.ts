import type { ExportProgress, ExportSelection } from '@shared/domain/exports'

/** An export as the dialog offers it: the selection, how to say it, and the word its default folder name carries. */
export interface ExportTarget {
  selection: ExportSelection
  /** "3 runs", "experiment “churn”", "model “churn-classifier” version 4". */
  label: string
  /** The experiment's or model's name (or "runs"), for the default folder name. */
  slug: string
}

/** Ticked runs (named after the experiment(s) they were shown in, when known). */
export function runsTarget(runIds: string[], from?: string): ExportTarget {
  const n = runIds.length
  return {
    selection: { kind: 'runs', run_ids: [...runIds] },
    label: n === 1 ? `run ${runIds[0].slice(0, 8)}…` : `${n.toLocaleString('en-US')} runs`,
    slug: from || (n === 1 ? `run-${runIds[0].slice(0, 8)}` : 'runs'),
  }
}

/** One run, by its name when it has one. */
export function runTarget(runId: string, runName?: string | null): ExportTarget {
  return { selection: { kind: 'runs', run_ids: [runId] }, label: runName ? `run “${runName}”` : `run ${runId}`, slug: runName || `run-${runId.slice(0, 8)}` }
}

export function experimentTarget(experimentId: string, name: string): ExportTarget {
  return { selection: { kind: 'experiment', experiment_id: experimentId }, label: `experiment “${name}”`, slug: name }
}

/** An experiment's traces, all or those the Traces tab's filter matches (each with its spans and assessments). */
export function tracesTarget(experimentId: string, name: string, filter: string): ExportTarget {
  const f = filter.trim()
  return {
    selection: { kind: 'trace_search', experiment_id: experimentId, filter: f },
    label: f ? `the traces of “${name}” matching ${f.length > 60 ? `${f.slice(0, 60)}…` : f}` : `every trace of “${name}”`,
    slug: `${name}-traces`,
  }
}

/** A registered model: every version, or one. */
export function modelTarget(name: string, version?: string | null): ExportTarget {
  return version
    ? { selection: { kind: 'model', model: `${name}/${version}` }, label: `model “${name}” version ${version}`, slug: `${name}-v${version}` }
    : { selection: { kind: 'model', model: name }, label: `model “${name}”, every version`, slug: name }
}

const pad = (n: number) => String(n).padStart(2, '0')

/** A name's safe folder form: lower case, words joined by "-", at most 60 characters. */
export function slugify(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 60)
    .replace(/[-.]+$/, '')
  return s.replace(/\.{2,}/g, '.') || 'export'
}

/** mlflow-export-<experiment or model>-<yyyymmdd-hhmm> (local time). */
export function defaultExportName(target: Pick<ExportTarget, 'slug'>, at: Date = new Date()): string {
  const stamp = `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}`
  return `mlflow-export-${slugify(target.slug)}-${stamp}`
}

const PHASES: Record<ExportProgress['phase'], string> = {
  metadata: 'Writing run metadata',
  artifacts: 'Downloading artifacts',
  zip: 'Writing the zip',
  done: 'Finishing',
}

/** The export's phase in words; "listing…" while the artifact folders are still being walked. */
export function phaseLabel(p: ExportProgress | null): string {
  if (!p) return 'Starting…'
  if (p.phase === 'artifacts' && !p.listing_done) return `${PHASES.artifacts} · listing…`
  return PHASES[p.phase]
}

/** "12 of 40 files" — "12 of 40+ files (listing…)" while the total still grows. */
export function filesText(p: ExportProgress): string {
  const n = (v: number) => v.toLocaleString('en-US')
  if (!p.listing_done) return `${n(p.files_done)} of ${n(p.files_total)}+ files (listing…)`
  return `${n(p.files_done)} of ${n(p.files_total)} file${p.files_total === 1 ? '' : 's'}`
}

/** The last part of a folder path (either separator): the name a resume passes. */
export function folderName(path: string): string {
  return (
    path
      .replace(/[/\\]+$/, '')
      .split(/[/\\]/)
      .pop() ?? path
  )
}
