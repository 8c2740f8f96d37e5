import { extname } from 'node:path'
import { plainName, uniquePath } from '../export/destination'

/**
 * The file name an export request suggests, made safe: a bare name (no folder,
 * no "..", no leading dot, no control or reserved characters), ending in the
 * format's extension. The renderer never chooses a folder.
 */
export function safeExportName(fileName: string, format: 'csv' | 'jsonl'): string {
  const name = plainName(fileName, 'file_name')
  const ext = `.${format}`
  return extname(name).toLowerCase() === ext ? name : `${name}${ext}`
}

/**
 * Where an export requested over the local HTTP transport goes: always inside
 * the app's exports folder, never over an existing file ("runs (2).csv").
 */
export async function exportsFolderTarget(exportsDir: string, fileName: string, format: 'csv' | 'jsonl'): Promise<string> {
  return uniquePath(exportsDir, safeExportName(fileName, format))
}
