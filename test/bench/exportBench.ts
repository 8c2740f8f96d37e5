import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { openLocalRepository } from '../../electron/services/artifacts/localRepository'
import { downloadArtifacts } from '../../electron/services/export/artifactDownload'
import { ExportJournal } from '../../electron/services/export/exportJournal'
import { ProgressTracker } from '../../electron/services/export/exportProgress'
import { syncFiles } from '../../electron/services/export/saveStream'
import { BENCH_DIR } from './benchStore'
import { formatFigure, measure, type Figure } from './measure'

const FILES = 1000
const FILE_BYTES = 1024 * 1024
const SRC = join(BENCH_DIR, 'export-src')

/** 1,000 files of 1 MiB in 10 folders, generated once and kept in BENCH_DIR. */
async function ensureSource(log: (m: string) => void): Promise<void> {
  const count = existsSync(SRC) ? (await readdir(SRC, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).length : 0
  if (count === FILES) return
  log(`writing ${FILES} files of 1 MiB to ${SRC} (once)…`)
  await rm(SRC, { recursive: true, force: true })
  for (let i = 0; i < FILES; i++) {
    const dir = join(SRC, `part-${i % 10}`)
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, `file-${i}.bin`), randomBytes(FILE_BYTES))
  }
}

/** The export engine (list, 4 files at once, .part + sha256 + rename, journal, every file fsync'd before the manifest) against `cp -r` of the same tree. */
export async function runExportBench(opts: { repeat: number; warmup: number }, log: (m: string) => void): Promise<void> {
  await ensureSource(log)
  const dest = join(BENCH_DIR, 'export-dest')
  const fresh = async () => rm(dest, { recursive: true, force: true })
  const figures: Figure[] = []
  figures.push(
    await measure('export engine: 1 GiB in 1,000 files, local disk (sha256, fsync)', async () => {
      await fresh()
      await mkdir(dest, { recursive: true })
      const journal = await ExportJournal.open(dest, false, Date.now())
      const result = await downloadArtifacts(dest, [{ runId: 'bench', repo: openLocalRepository(SRC), relDir: 'artifacts' }], { journal, progress: new ProgressTracker(undefined) })
      await syncFiles(result.files.map((f) => join(dest, ...f.path.split('/'))))
    }, opts),
  )
  figures.push(
    await measure('cp -r of the same files', async () => {
      await fresh()
      await promisify(execFile)('cp', ['-r', SRC, dest])
    }, opts),
  )
  await fresh()
  for (const f of figures) console.log(formatFigure(f))
  console.log(`ratio export / cp -r (median): ${(figures[0].median / figures[1].median).toFixed(2)}x the time; throughput ${((FILES * FILE_BYTES) / 1e6 / (figures[0].median / 1000)).toFixed(0)} MB/s vs ${((FILES * FILE_BYTES) / 1e6 / (figures[1].median / 1000)).toFixed(0)} MB/s`)
}
