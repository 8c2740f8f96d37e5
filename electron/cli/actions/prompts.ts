import type { Command } from 'commander'
import { AppError } from '@shared/api/errors'
import { templateAsText, type PromptSummary, type PromptVersion } from '@shared/domain/prompts'
import { withApi } from '../api'
import type { CliIO } from '../io'
import { formatTime, printTable } from '../output'
import { parseIntOption, validateRequest } from '../validate'

export interface ListOptions {
  filter?: string
  maxResults?: string
  pageToken?: string
  json?: boolean
}

export interface GetOptions {
  json?: boolean
}

const printJson = (io: CliIO, value: unknown) => io.out(JSON.stringify(value, null, 2))
const aliasSummary = (aliases: Array<{ alias: string; version: string }>) => aliases.map((a) => `@${a.alias}=v${a.version}`).join(' ')
const tagSummary = (tags: Array<{ key: string; value: string }>) => tags.map((t) => `${t.key}=${t.value}`).join(' ')

export async function list(io: CliIO, opts: ListOptions, cmd: Command): Promise<void> {
  const req = validateRequest(
    'prompts:search',
    { filter: opts.filter, max_results: parseIntOption('--max-results', opts.maxResults), page_token: opts.pageToken },
    { filter: '--filter', max_results: '--max-results', page_token: '--page-token' },
  )
  const page = await withApi(cmd, io, (api) => api.call('prompts:search', req))
  if (opts.json) return printJson(io, page)
  printTable(
    io,
    ['NAME', 'LATEST', 'VERSIONS', 'ALIASES', 'UPDATED (UTC)', 'COMMIT MESSAGE'],
    page.prompts.map((p) => [
      p.name,
      p.latest_version ? `v${p.latest_version.version}` : '',
      p.version_count,
      aliasSummary(p.aliases),
      formatTime(p.last_updated_timestamp),
      p.latest_version?.commit_message ?? '',
    ]),
  )
  io.err(`${page.prompts.length} prompt(s)` + (page.next_page_token ? `; next page: --page-token ${page.next_page_token}` : ''))
}

/** One version in full: its fields, then its template as a person reads it. */
function printVersion(io: CliIO, prompt: PromptSummary, v: PromptVersion): void {
  printTable(
    io,
    ['FIELD', 'VALUE'],
    [
      ['prompt', prompt.name],
      ['version', v.version],
      ['commit message', v.commit_message],
      ['type', v.template.type],
      ['variables', v.variables.join(', ')],
      ['aliases', v.aliases.map((a) => `@${a}`).join(' ')],
      ['created (UTC)', formatTime(v.creation_timestamp)],
      ['created by', v.user_id],
      ...v.tags.map((t): [string, string] => [`tags.${t.key}`, t.value]),
      ...(v.template_problem ? [['template', `shown as text: ${v.template_problem}`] as [string, string]] : []),
      ['linked runs', v.linked_runs.map((r) => r.run_id).join(' ')],
      ['linked traces', v.linked_traces.map((t) => t.trace_id).join(' ')],
    ],
  )
  io.out('')
  io.out(templateAsText(v.template))
}

export async function get(io: CliIO, name: string, version: string | undefined, opts: GetOptions, cmd: Command): Promise<void> {
  const req = validateRequest('prompts:get', { name }, { name: 'NAME' })
  const wanted = parseIntOption('VERSION', version)
  const got = await withApi(cmd, io, (api) => api.call('prompts:get', req))
  if (wanted !== undefined) {
    const found = got.versions.find((v) => v.version === String(wanted))
    if (!found) {
      const have = got.versions.map((v) => v.version).join(', ')
      throw new AppError('NOT_FOUND', `Prompt '${name}' has no version ${wanted} (it has ${have || 'none'}).`)
    }
    if (opts.json) return printJson(io, { prompt: got.prompt, version: found })
    return printVersion(io, got.prompt, found)
  }
  if (opts.json) return printJson(io, got)
  const p = got.prompt
  printTable(
    io,
    ['FIELD', 'VALUE'],
    [
      ['name', p.name],
      ['description', p.description],
      ['created (UTC)', formatTime(p.creation_timestamp)],
      ['updated (UTC)', formatTime(p.last_updated_timestamp)],
      ['aliases', aliasSummary(p.aliases)],
      ['tags', tagSummary(p.tags)],
    ],
  )
  io.out('')
  printTable(
    io,
    ['VERSION', 'ALIASES', 'VARIABLES', 'CREATED (UTC)', 'RUNS', 'TRACES', 'COMMIT MESSAGE'],
    got.versions.map((v) => [
      v.version,
      v.aliases.map((a) => `@${a}`).join(' '),
      v.variables.join(', '),
      formatTime(v.creation_timestamp),
      v.linked_runs.length,
      v.linked_traces.length,
      v.commit_message,
    ]),
  )
  const latest = got.versions[0]
  if (latest) {
    io.out('')
    io.out(`Template of v${latest.version} (another: prompts get ${name} VERSION):`)
    io.out(templateAsText(latest.template))
  }
}
