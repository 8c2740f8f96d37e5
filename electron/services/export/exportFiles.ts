import { mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { ExportJournal, ManifestFile } from './exportJournal'
import { hashFile, sha256Text } from './exportJournal'
import type { ExportSystem } from './exportJson'
import type { ProgressTracker } from './exportProgress'
import { writing } from './writeErrors'

/**
 * Where the streamed parts of an export (traces, one by one) write: each file journaled as it
 * completes, so a rerun with --resume keeps it, and listed for the manifest.
 */
export interface ExportSink {
  out: string
  journal: ExportJournal
  progress: ProgressTracker
  system: ExportSystem
  signal?: AbortSignal
  /** The manifest's entries, shared with the rest of the export. */
  files: ManifestFile[]
  /** Absolute paths written without an fsync: flushed before the manifest vouches for them. */
  unsynced: string[]
}

/** Whether an id read from the store can name a folder of the export: no "/" or "\\", not "." or "..", at most 64 characters. */
export const folderSafe = (id: string) => /^[\w.:-]{1,64}$/.test(id) && id !== '.' && id !== '..'

const onDisk = (sink: ExportSink, path: string) => join(sink.out, ...path.split('/'))

/**
 * Write one file of the export: "<name>.part" renamed to its name when whole (no fsync here; the
 * runner flushes every file before the manifest), then journaled and counted.
 */
export async function writeExportFile(sink: ExportSink, path: string, text: string): Promise<ManifestFile> {
  const dest = onDisk(sink, path)
  await writing(dirname(dest), () => mkdir(dirname(dest), { recursive: true }))
  await writing(dest, () => writeFile(`${dest}.part`, text))
  await writing(dest, () => rename(`${dest}.part`, dest))
  const entry: ManifestFile = { path, size: Buffer.byteLength(text), sha256: sha256Text(text) }
  await sink.journal.add(entry)
  sink.files.push(entry)
  sink.unsynced.push(dest)
  sink.progress.found(entry.size)
  sink.progress.bytes(entry.size)
  sink.progress.fileDone()
  return entry
}

/** The journal's entry for a file an earlier attempt completed, when the file on disk still matches it; else null. */
export async function verifiedEarlier(sink: ExportSink, path: string): Promise<ManifestFile | null> {
  const known = sink.journal.known.get(path)
  if (!known) return null
  const local = await hashFile(onDisk(sink, path), sink.signal)
  return local && local.size === known.size && local.sha256 === known.sha256 ? known : null
}

/** Count files kept from an earlier attempt as part of this export. */
export function keepEarlier(sink: ExportSink, kept: ManifestFile[]): void {
  for (const f of kept) {
    sink.files.push(f)
    sink.progress.found(f.size)
    sink.progress.skipped(f.size)
  }
}
