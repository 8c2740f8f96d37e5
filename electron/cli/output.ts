import Table from 'cli-table3'
import { stringifyPythonJson } from '@shared/format/pythonJson'
import { toMlflowJson } from '@shared/format/mlflowJson'
import type { CliIO } from './io'

/** MLflow REST-shaped JSON: unset fields and empty lists dropped, NaN as Python writes it. */
export function printMlflowJson(io: CliIO, value: unknown): void {
  io.out(stringifyPythonJson(toMlflowJson(value), 2))
}

/** A borderless, aligned table for people. */
export function printTable(io: CliIO, head: string[], rows: Array<Array<string | number | null>>): void {
  const table = new Table({
    head,
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 2 },
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '',
    },
  })
  for (const r of rows) table.push(r.map((c) => (c === null ? '' : String(c))))
  io.out(
    table
      .toString()
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n'),
  )
}

/** 2026-11-26 17:45:03 (UTC): sortable and unambiguous in a terminal. */
export function formatTime(ms: number | null): string {
  if (ms === null) return ''
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
}

export function formatDuration(start: number | null, end: number | null): string {
  if (start === null || end === null) return ''
  const s = Math.max(0, Math.round((end - start) / 1000))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

/** 1.5 MB: decimal units, as disks and networks count. */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let i = 0
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000
    i++
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`
}
