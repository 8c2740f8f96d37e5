import type { Command } from 'commander'
import { AppError } from '@shared/api/errors'
import type { ModelVersion, RegisteredModel } from '@shared/domain/mlflow'
import type { ModelFilesResponse, SignatureField } from '@shared/domain/models'
import { withApi } from '../api'
import type { CliIO } from '../io'
import { formatTime, printMlflowJson, printTable } from '../output'
import { parseIntOption, validateRequest } from '../validate'

export interface ListOptions {
  filter?: string
  maxResults?: string
  pageToken?: string
  json?: boolean
}

/** "v3 Production, v1 Archived": what a person scans for in a list of models. */
function latestSummary(m: RegisteredModel): string {
  return m.latest_versions.map((v) => `v${v.version} ${v.current_stage ?? ''}`.trim()).join(', ')
}

function aliasSummary(aliases: Array<{ alias: string; version: string }>): string {
  return aliases.map((a) => `@${a.alias}=v${a.version}`).join(' ')
}

function printVersions(io: CliIO, versions: ModelVersion[]): void {
  printTable(
    io,
    ['VERSION', 'STAGE', 'STATUS', 'ALIASES', 'RUN ID', 'CREATED (UTC)', 'SOURCE'],
    versions.map((v) => [v.version, v.current_stage, v.status, v.aliases.map((a) => `@${a}`).join(' '), v.run_id, formatTime(v.creation_timestamp), v.source]),
  )
}

export async function list(io: CliIO, opts: ListOptions, cmd: Command): Promise<void> {
  const req = validateRequest(
    'models:list',
    { filter: opts.filter, max_results: parseIntOption('--max-results', opts.maxResults), page_token: opts.pageToken },
    { filter: '--filter', max_results: '--max-results', page_token: '--page-token' },
  )
  const page = await withApi(cmd, io, (api) => api.call('models:list', req))
  if (opts.json) return printMlflowJson(io, page)
  printTable(
    io,
    ['NAME', 'LATEST VERSIONS', 'ALIASES', 'UPDATED (UTC)', 'DESCRIPTION'],
    page.registered_models.map((m) => [m.name, latestSummary(m), aliasSummary(m.aliases), formatTime(m.last_updated_timestamp), m.description]),
  )
  io.err(`${page.registered_models.length} model(s)` + (page.next_page_token ? `; next page: --page-token ${page.next_page_token}` : ''))
}

export async function get(io: CliIO, name: string, opts: { json?: boolean }, cmd: Command): Promise<void> {
  const req = validateRequest('models:get', { name }, { name: 'NAME' })
  const got = await withApi(cmd, io, (api) => api.call('models:get', req))
  if (opts.json) return printMlflowJson(io, got)
  const m = got.registered_model
  printTable(
    io,
    ['FIELD', 'VALUE'],
    [
      ['name', m.name],
      ['description', m.description],
      ['created (UTC)', formatTime(m.creation_timestamp)],
      ['updated (UTC)', formatTime(m.last_updated_timestamp)],
      ['aliases', aliasSummary(m.aliases)],
      ...m.tags.map((t): [string, string] => [`tags.${t.key}`, t.value]),
    ],
  )
  io.out('')
  printVersions(io, got.model_versions)
}

const fieldsText = (fields: SignatureField[] | null) => (fields ? fields.map((f) => `${f.name ?? '-'}: ${f.type}${f.required ? '' : '?'}`).join(', ') : '')

/** A version, its run and its MLmodel; the files are read apart, so a store that cannot give them still shows the version. */
export async function version(io: CliIO, name: string, v: string, opts: { json?: boolean }, cmd: Command): Promise<void> {
  const req = validateRequest('models:version', { name, version: v }, { name: 'NAME', version: 'VERSION' })
  const { got, files, filesError } = await withApi(cmd, io, async (api) => {
    const got = await api.call('models:version', req)
    let files: ModelFilesResponse | null = null
    let filesError: AppError | null = null
    try {
      files = await api.call('models:version-files', req)
    } catch (e) {
      if (!(e instanceof AppError) || e.code === 'CANCELLED') throw e
      filesError = e
    }
    return { got, files, filesError }
  })
  if (opts.json) {
    return printMlflowJson(io, { ...got, ...(files ? { files } : { files_error: { code: filesError!.code, message: filesError!.message } }) })
  }
  const mv = got.model_version
  const m = files?.mlmodel
  printTable(
    io,
    ['FIELD', 'VALUE'],
    [
      ['name', mv.name],
      ['version', mv.version],
      ['status', mv.status],
      ['stage', mv.current_stage],
      ['aliases', mv.aliases.map((a) => `@${a}`).join(' ')],
      ['created (UTC)', formatTime(mv.creation_timestamp)],
      ['source', mv.source],
      ['run', got.run ? `${got.run.info.run_id} (${got.run.info.run_name ?? ''})` : mv.run_id ? `${mv.run_id} (not in this store)` : ''],
      ['description', mv.description],
      ...mv.tags.map((t): [string, string] => [`tags.${t.key}`, t.value]),
      ...(m && files
        ? ([
            ['location', files.location],
            ['flavors', m.flavors.map((f) => f.name).join(', ')],
            ['signature inputs', fieldsText(m.signature?.inputs ?? null)],
            ['signature outputs', fieldsText(m.signature?.outputs ?? null)],
            ['input example', m.input_example?.artifact_path ?? ''],
            ['mlflow version', m.mlflow_version],
          ] as Array<[string, string | null]>)
        : [['MLmodel', `not read: ${filesError?.message ?? ''}`] as [string, string]]),
      ...(got.run?.data.metrics ?? []).map((x): [string, string] => [`metrics.${x.key}`, String(x.value)]),
    ],
  )
}
