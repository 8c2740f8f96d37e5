import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createWriteStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, relative, sep } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import pLimit from 'p-limit'
import { artifactStoreSchema } from '@shared/api/artifactSchemas'
import { artifactAccess } from '../../electron/services/artifacts/artifactAccess'
import { openArtifactRepository } from '../../electron/services/artifacts/openRepository'
import { startS3Server } from '../helpers/s3Server'
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
    await measure(
      'export engine: 1 GiB in 1,000 files, local disk (sha256, fsync)',
      async () => {
        await fresh()
        await mkdir(dest, { recursive: true })
        const journal = await ExportJournal.open(dest, false, Date.now())
        const result = await downloadArtifacts(dest, [{ runId: 'bench', repo: openLocalRepository(SRC), relDir: 'artifacts' }], {
          journal,
          progress: new ProgressTracker(undefined),
        })
        await syncFiles(result.files.map((f) => join(dest, ...f.path.split('/'))))
      },
      opts,
    ),
  )
  figures.push(
    await measure(
      'cp -r of the same files',
      async () => {
        await fresh()
        await promisify(execFile)('cp', ['-r', SRC, dest])
      },
      opts,
    ),
  )
  // The export fsyncs every file before its manifest; cp -r leaves its writes in the page cache.
  // The same copy followed by a sync shows how much of the export's time is the disk's.
  const cpSync = await measure(
    'cp -r of the same files, then sync',
    async () => {
      await fresh()
      await promisify(execFile)('cp', ['-r', SRC, dest])
      await promisify(execFile)('sync')
    },
    opts,
  )
  figures.push(...(await s3Figures(opts, dest, fresh, log)), cpSync)
  await fresh()
  for (const f of figures) console.log(formatFigure(f))
  const mb = (f: Figure) => ((FILES * FILE_BYTES) / 1e6 / (f.median / 1000)).toFixed(0)
  console.log(
    `ratio export / cp -r (median): ${(figures[0].median / figures[1].median).toFixed(2)}x the time; ${mb(figures[0])} MB/s vs ${mb(figures[1])} MB/s`,
  )
  console.log(`ratio export / (cp -r, then sync) (median): ${(figures[0].median / cpSync.median).toFixed(2)}x the time`)
  console.log(
    `ratio export / AWS SDK loop from s3rver (median): ${(figures[2].median / figures[3].median).toFixed(2)}x the time; ${mb(figures[2])} MB/s vs ${mb(figures[3])} MB/s`,
  )
}

/**
 * The same tree from s3rver (behind the tests' SigV4-checking front, on loopback): the export
 * engine through the S3 repository against the AWS SDK's own loop (list, then GetObject each
 * into a file, 4 at a time, no checksums), both into an empty folder.
 */
async function s3Figures(opts: { repeat: number; warmup: number }, dest: string, fresh: () => Promise<void>, log: (m: string) => void): Promise<Figure[]> {
  const s3 = await startS3Server('bench')
  try {
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    })
    log('uploading the 1,000 files to s3rver…')
    const names = (await readdir(SRC, { recursive: true, withFileTypes: true }))
      .filter((d) => d.isFile())
      .map((d) => relative(SRC, join(d.parentPath, d.name)).split(sep).join('/'))
    const up = pLimit(4)
    await Promise.all(
      names.map((n) =>
        up(async () => {
          const body = await readFile(join(SRC, ...n.split('/')))
          await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `src/${n}`, Body: body, ContentLength: body.length }))
        }),
      ),
    )
    const access = artifactAccess({
      env: {},
      settings: artifactStoreSchema.parse({ s3: { endpoint_url: s3.endpoint, access_key_id: s3.accessKeyId } }),
      secrets: { s3_secret_access_key: s3.secretAccessKey },
    })
    const engine = await measure(
      'export engine: the same 1 GiB from s3rver (S3 repository, sha256, fsync)',
      async () => {
        await fresh()
        await mkdir(dest, { recursive: true })
        const repo = await openArtifactRepository(`s3://${s3.bucket}/src`, access)
        const journal = await ExportJournal.open(dest, false, Date.now())
        const result = await downloadArtifacts(dest, [{ runId: 'bench', repo, relDir: 'artifacts' }], { journal, progress: new ProgressTracker(undefined) })
        await syncFiles(result.files.map((f) => join(dest, ...f.path.split('/'))))
        await repo.close()
      },
      opts,
    )
    const sdk = await measure(
      'AWS SDK loop: ListObjectsV2 + GetObject into files, 4 at a time',
      async () => {
        await fresh()
        const keys: string[] = []
        let token: string | undefined
        do {
          const page = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'src/', ContinuationToken: token }))
          for (const o of page.Contents ?? []) keys.push(o.Key!)
          token = page.NextContinuationToken
        } while (token)
        const get = pLimit(4)
        await Promise.all(
          keys.map((k) =>
            get(async () => {
              const file = join(dest, ...k.split('/'))
              await mkdir(dirname(file), { recursive: true })
              const obj = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: k }))
              await pipeline(obj.Body as Readable, createWriteStream(file))
            }),
          ),
        )
      },
      opts,
    )
    return [engine, sdk]
  } finally {
    await s3.stop()
  }
}
