import { createReadStream } from 'node:fs'
import { appendFile, readFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { writing } from './writeErrors'

/** One file of the export as the manifest lists it. */
export interface ManifestFile {
  /** Relative to the export folder, '/'-separated. */
  path: string
  size: number
  sha256: string
}

export const MANIFEST_FILE = 'manifest.json'
export const REPORT_FILE = 'export-report.json'
/**
 * Written while an export runs: its start time, then one line per file completed and
 * verified. A rerun with --resume trusts a file on disk only when its size and sha256
 * still match a line here (or the manifest of a finished export). Removed once the
 * manifest is written.
 */
export const JOURNAL_FILE = '.mlflow-desk-export.journal'

export interface JournalHeader {
  kind: 'header'
  export_time_ms: number
}

export class ExportJournal {
  private constructor(
    private readonly file: string,
    readonly header: JournalHeader,
    /** Verified files known from an earlier attempt, by path. */
    readonly known: Map<string, ManifestFile>,
  ) {}

  /** Start a journal (or, with resume, continue the one of an earlier attempt and what its manifest says). */
  static async open(dir: string, resume: boolean, exportTimeMs: number): Promise<ExportJournal> {
    const file = join(dir, JOURNAL_FILE)
    const known = new Map<string, ManifestFile>()
    let header: JournalHeader | null = null
    if (resume) {
      const manifest = await readFile(join(dir, MANIFEST_FILE), 'utf8')
        .then((t) => JSON.parse(t) as { export_time_ms?: number; files?: ManifestFile[] })
        .catch(() => null)
      for (const f of manifest?.files ?? []) known.set(f.path, f)
      if (manifest?.export_time_ms) header = { kind: 'header', export_time_ms: manifest.export_time_ms }
      const lines = await readFile(file, 'utf8')
        .then((t) => t.split('\n'))
        .catch(() => [] as string[])
      for (const line of lines) {
        // A crash can cut the last line short: a line that does not parse is ignored (its file is fetched again).
        let entry: (Partial<ManifestFile> & { kind?: string; export_time_ms?: number }) | null
        try {
          entry = JSON.parse(line)
        } catch {
          continue
        }
        if (entry?.kind === 'header' && typeof entry.export_time_ms === 'number') header = { kind: 'header', export_time_ms: entry.export_time_ms }
        else if (typeof entry?.path === 'string' && typeof entry.size === 'number' && typeof entry.sha256 === 'string')
          known.set(entry.path, { path: entry.path, size: entry.size, sha256: entry.sha256 })
      }
    }
    const journal = new ExportJournal(file, header ?? { kind: 'header', export_time_ms: exportTimeMs }, known)
    await writing(file, () => appendFile(file, JSON.stringify(journal.header) + '\n'))
    return journal
  }

  /** Record a completed, verified file (not kept in `known`, which holds the earlier attempt's: a million traces' entries would stay in memory twice). */
  async add(f: ManifestFile): Promise<void> {
    await writing(this.file, () => appendFile(this.file, JSON.stringify(f) + '\n'))
  }

  get path(): string {
    return this.file
  }
}

/** sha256 and size of a local file, or null when it is not there. */
export async function hashFile(path: string, signal?: AbortSignal): Promise<{ sha256: string; size: number } | null> {
  const hash = createHash('sha256')
  let size = 0
  try {
    for await (const chunk of createReadStream(path, { signal, highWaterMark: 1 << 20 })) {
      hash.update(chunk as Buffer)
      size += (chunk as Buffer).length
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR') return null
    throw e
  }
  return { sha256: hash.digest('hex'), size }
}

export function sha256Text(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}
