import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { AppError } from '@shared/api/errors'
import { withApi } from '../api'
import type { CliIO } from '../io'
import { formatBytes, printTable } from '../output'
import { validateRequest } from '../validate'

export interface ListOptions {
  runId: string
  path: string
  json?: boolean
}

export interface GetOptions {
  runId: string
  path: string
  out: string
}

const OPTION_NAMES = { run_id: '--run-id', path: '--path' }

export async function list(io: CliIO, opts: ListOptions, cmd: Command): Promise<void> {
  const req = validateRequest('artifacts:list', { run_id: opts.runId, path: opts.path }, OPTION_NAMES)
  const { root_uri, location, files } = await withApi(cmd, io, (api) => api.call('artifacts:list', req))
  if (opts.json) {
    io.out(
      JSON.stringify(
        { root_uri, files: files.map((f) => (f.is_dir ? { path: f.path, is_dir: true } : { path: f.path, is_dir: false, file_size: f.file_size })) },
        null,
        2,
      ),
    )
    return
  }
  printTable(
    io,
    ['PATH', 'SIZE'],
    files.map((f) => [f.is_dir ? `${f.path}/` : f.path, f.is_dir ? '' : f.file_size === null ? '?' : formatBytes(f.file_size)]),
  )
  io.err(`${files.length} item(s) in ${req.path.replace(/^\/+|\/+$/g, '') || '(root)'} of ${location}`)
}

/** artifacts get: the API's artifacts:download of one file, to --out (the desktop app asks with a save dialog). */
export async function get(io: CliIO, opts: GetOptions, cmd: Command): Promise<void> {
  const req = validateRequest('artifacts:download', { job_id: 'artifacts-get', run_id: opts.runId, path: opts.path }, OPTION_NAMES)
  if (!req.path.replace(/^\/+|\/+$/g, '')) throw new AppError('BAD_REQUEST', '--path: give a file below the artifact root.', { field: 'path' })
  const out = resolve(opts.out)
  if ((await stat(out).catch(() => null))?.isDirectory()) throw new AppError('BAD_REQUEST', `--out ${out} is a folder; give a file name.`, { field: 'out' })
  const chooseDestination = async (_name: string, kind: 'file' | 'folder') => {
    if (kind === 'folder') throw new AppError('BAD_REQUEST', `--path: "${req.path}" is a folder; use export to fetch folders.`, { field: 'path' })
    return out
  }
  const saved = await withApi(cmd, io, (api) => api.call('artifacts:download', req), { chooseDestination })
  io.out(`${saved.sha256}  ${out}`)
  io.err(`${formatBytes(saved.bytes)} written to ${out}`)
}
