import { basename, resolve } from 'node:path'
import type { Command } from 'commander'
import { AppError } from '@shared/api/errors'
import type { ExportProgress, ExportReport, ExportSelection } from '@shared/domain/exports'
import { stringifyPythonJson } from '@shared/format/pythonJson'
import { withApi } from '../api'
import { CommandExit } from '../exitCode'
import type { CliIO } from '../io'
import { formatBytes } from '../output'
import { splitList } from '../validate'

/** The command's one job: export:progress names it. */
const JOB_ID = 'cli-export'

export interface ExportOptions {
  runIds?: string
  experimentId?: string
  model?: string
  traces?: string
  tracesFilter?: string
  out: string
  zip?: boolean
  resume?: boolean
  json?: boolean
}

function formatEta(s: number | null): string {
  if (s === null) return 'ETA ?'
  const t = Math.round(s)
  return t < 60
    ? `ETA ${t}s`
    : t < 3600
      ? `ETA ${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`
      : `ETA ${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`
}

function progressLine(p: ExportProgress): string {
  const total = p.listing_done ? '' : '+'
  return `export: ${p.files_done}/${p.files_total}${total} files, ${formatBytes(p.bytes_done)} / ${formatBytes(p.bytes_total)}${total}, ${formatBytes(p.rate)}/s, ${formatEta(p.eta_seconds)}`
}

function selectionOf(opts: ExportOptions): ExportSelection {
  const given = [opts.runIds !== undefined, opts.experimentId !== undefined, opts.model !== undefined, opts.traces !== undefined].filter(Boolean).length
  if (given !== 1)
    throw new AppError(
      'BAD_REQUEST',
      'export: give exactly one of --run-ids ID[,ID...], --experiment-id ID (optionally with --traces-filter F), --model NAME[/VERSION] or --traces ID[,ID...].',
      { field: 'run-ids' },
    )
  if (opts.tracesFilter !== undefined && opts.experimentId === undefined)
    throw new AppError('BAD_REQUEST', '--traces-filter: give it with --experiment-id ID (the experiment whose traces it searches).', { field: 'traces-filter' })
  if (opts.traces !== undefined) {
    const ids = splitList(opts.traces)
    const bad = ids.find((id) => !/^[\w.:-]{1,50}$/.test(id) || /^\.+$/.test(id))
    if (ids.length === 0 || bad !== undefined)
      throw new AppError('BAD_REQUEST', `--traces: ${bad === undefined ? 'no trace id given' : `"${bad}" is not a trace id (tr-…)`}.`, { field: 'traces' })
    return { kind: 'traces', trace_ids: ids }
  }
  if (opts.runIds !== undefined) {
    const ids = splitList(opts.runIds)
    const bad = ids.find((id) => !/^[0-9a-zA-Z_-]{1,64}$/.test(id))
    if (ids.length === 0 || bad !== undefined)
      throw new AppError('BAD_REQUEST', `--run-ids: ${bad === undefined ? 'no run id given' : `"${bad}" is not a run id`}.`, { field: 'run-ids' })
    return { kind: 'runs', run_ids: ids }
  }
  if (opts.experimentId !== undefined) {
    if (!/^\d+$/.test(opts.experimentId))
      throw new AppError('BAD_REQUEST', `--experiment-id: "${opts.experimentId}" is not an experiment id (a whole number).`, { field: 'experiment-id' })
    if (opts.tracesFilter !== undefined) return { kind: 'trace_search', experiment_id: opts.experimentId, filter: opts.tracesFilter }
    return { kind: 'experiment', experiment_id: opts.experimentId }
  }
  if (!opts.model?.trim()) throw new AppError('BAD_REQUEST', '--model: give a registered model name, or NAME/VERSION.', { field: 'model' })
  return { kind: 'model', model: opts.model.trim() }
}

function printReport(io: CliIO, r: ExportReport): void {
  const also = [
    r.traces ? `${r.traces.exported + r.traces.kept_verified} trace(s)` : '',
    r.logged_models.length ? `${r.logged_models.length} logged model(s)` : '',
    r.evaluation_datasets.length ? `${r.evaluation_datasets.length} evaluation dataset(s)` : '',
  ].filter(Boolean)
  io.out(`Exported ${r.runs.length} run(s)${also.length ? `, ${also.join(', ')}` : ''} to ${r.out} (${r.layout} layout)`)
  io.out(
    `  files:     ${r.files} ${r.traces ? 'artifact and trace' : 'artifact'} file(s), ${formatBytes(r.bytes)}; ${r.checksums_verified} checksum(s) verified`,
  )
  io.out(
    `  fetched:   ${r.downloaded.files} file(s), ${formatBytes(r.downloaded.bytes)}` +
      (r.skipped_verified.files
        ? `; kept ${r.skipped_verified.files} verified file(s) (${formatBytes(r.skipped_verified.bytes)}) from the earlier attempt`
        : ''),
  )
  if (r.traces) {
    io.out(
      `  traces:    ${r.traces.files} file(s), ${formatBytes(r.traces.bytes)}` +
        (r.traces.kept_verified ? `; kept ${r.traces.kept_verified} verified trace(s) from the earlier attempt` : ''),
    )
    if (r.traces.without_spans.length)
      io.out(`  no spans:  ${r.traces.without_spans.length} trace(s) written without artifacts/traces.json (see "traces.without_spans")`)
  }
  const gone = r.missing.filter((m) => m.reason === 'not_found')
  const roots = r.missing.filter((m) => m.reason === 'root_not_found')
  if (gone.length) {
    io.out(`  MISSING:   ${gone.length} file(s) listed by the store could not be read:`)
    for (const m of gone) io.out(`    run ${m.run_id}: ${m.path} (${m.message})`)
  }
  if (roots.length)
    io.out(`  no artifacts: ${roots.length} run(s) have no artifact folder (runs that never logged one; if you expected files, check --artifact-map)`)
  if (r.zip) io.out(`  zip:       ${r.zip.path} (${formatBytes(r.zip.bytes)})`)
  io.out(`  took ${(r.duration_ms / 1000).toFixed(1)}s; report: export-report.json, manifest: manifest.json`)
}

/** export: the API's export:run into --out (the desktop app asks for the folder with a dialog). */
export async function exportSelection(io: CliIO, opts: ExportOptions, cmd: Command): Promise<void> {
  const selection = selectionOf(opts)
  const out = resolve(opts.out)
  // The name only labels the job (a dialog would suggest it); --out says where.
  const name =
    basename(out)
      .replace(/[/\\:*?"<>|\u0000-\u001f\u007f]/g, '_')
      .replace(/^\.+|\.{2,}/g, '') || 'export'
  // The first line after a second of work, then at most one a second.
  let lastLine = Date.now()
  const onProgress = (p: ExportProgress) => {
    const now = Date.now()
    if (p.phase !== 'artifacts' || now - lastLine < 1000) return
    lastLine = now
    io.err(progressLine(p))
  }
  const { report } = await withApi(
    cmd,
    io,
    async (api) => {
      const stop = api.events.subscribe((event, payload) => {
        if (event === 'export:progress' && (payload as { job_id: string }).job_id === JOB_ID) onProgress((payload as { progress: ExportProgress }).progress)
      })
      try {
        return await api.call('export:run', { job_id: JOB_ID, selection, name, zip: opts.zip, resume: opts.resume })
      } finally {
        stop()
      }
    },
    { chooseDestination: async () => out },
  )
  if (!report) throw new AppError('INTERNAL', 'The export gave no report.')
  if (opts.json) io.out(stringifyPythonJson(report, 2))
  else printReport(io, report)
  if (report.missing.some((m) => m.reason === 'not_found')) {
    io.err('mlflow-desk: export done, but some artifact files were missing on the store (see "missing" in the report).')
    throw new CommandExit(3)
  }
}
