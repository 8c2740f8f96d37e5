import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { AppError } from '@shared/api/errors'

/**
 * The file name an export request suggests, made safe: a bare name (no folder,
 * no "..", no leading dot, no control or reserved characters), ending in the
 * format's extension. The renderer never chooses a folder.
 */
export function safeExportName(fileName: string, format: 'csv' | 'jsonl'): string {
  const name = fileName.trim()
  if (!name || /[/\\:*?"<>|]/.test(name) || /[\u0000-\u001f\u007f]/.test(name) || name.startsWith('.') || name.includes('..')) {
    throw new AppError('BAD_REQUEST', `file_name: "${fileName.slice(0, 80)}" must be a plain file name (no folders, "..", leading dot or any of / \\ : * ? " < > |).`, { field: 'file_name' })
  }
  const ext = `.${format}`
  return extname(name).toLowerCase() === ext ? name : `${name}${ext}`
}

/**
 * Where an export requested over the local HTTP transport goes: always inside
 * the app's exports folder, never over an existing file ("runs (2).csv").
 */
export async function exportsFolderTarget(exportsDir: string, fileName: string, format: 'csv' | 'jsonl'): Promise<string> {
  const name = safeExportName(fileName, format)
  await mkdir(exportsDir, { recursive: true })
  const ext = extname(name)
  const stem = name.slice(0, -ext.length)
  for (let n = 1; n < 10_000; n++) {
    const candidate = join(exportsDir, n === 1 ? name : `${stem} (${n})${ext}`)
    if (!existsSync(candidate)) return candidate
  }
  throw new AppError('CONFLICT', `Too many exports named "${name}" in ${exportsDir}.`)
}
