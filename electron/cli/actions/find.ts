import type { Command } from 'commander'
import type { FindHit, FindKind } from '@shared/domain/find'
import { withApi } from '../api'
import type { CliIO } from '../io'
import { printTable } from '../output'
import { parseIntOption, splitList, validateRequest } from '../validate'

export interface FindOptions {
  limit?: string
  kind?: string
  json?: boolean
}

/** The app's address for a hit: what #/open/<text> redirects to. */
const appRoute = (hit: FindHit) => `#${hit.route}`

function printHits(io: CliIO, hits: FindHit[]): void {
  printTable(
    io,
    ['KIND', 'TITLE', 'ID', 'DETAIL'],
    hits.map((h) => [h.kind, h.title, h.id, h.detail]),
  )
}

export async function find(io: CliIO, text: string, opts: FindOptions, cmd: Command): Promise<void> {
  const req = validateRequest(
    'find:search',
    { text, limit: parseIntOption('--limit', opts.limit), kinds: opts.kind === undefined ? undefined : (splitList(opts.kind) as FindKind[]) },
    { text: 'TEXT', limit: '--limit', kinds: '--kind' },
  )
  const { hits } = await withApi(cmd, io, (api) => api.call('find:search', req))
  if (opts.json) return io.out(JSON.stringify({ hits }, null, 2))
  printHits(io, hits)
  io.err(hits.length ? `${hits.length} hit(s); open one with: mlflow-desk open <ID>` : `Nothing matches '${text.trim()}'.`)
}

export async function open(io: CliIO, text: string, opts: { json?: boolean }, cmd: Command): Promise<void> {
  const req = validateRequest('find:resolve', { text }, { text: 'ID-OR-URI' })
  const got = await withApi(cmd, io, (api) => api.call('find:resolve', req))
  if (opts.json) return io.out(JSON.stringify(got, null, 2))
  const h = got.hit
  printTable(
    io,
    ['FIELD', 'VALUE'],
    [
      ['kind', h.kind],
      ['id', h.id],
      ['title', h.title],
      ['detail', h.detail],
      ['opens', appRoute(h)],
      ...(h.note ? [['note', h.note] as [string, string]] : []),
    ],
  )
  if (got.also.length) {
    io.out('')
    io.out(`Also named '${text.trim()}':`)
    printHits(io, got.also)
  }
}
