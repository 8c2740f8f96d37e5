import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { SUPPORTED_MAJORS, hasMajor } from '../helpers/pgVersions'
import { nodeFor } from './onNode'

/**
 * `npm run test:pg-matrix [-- 12 15]`: the whole integration suite on every
 * PostgreSQL users run (12 to 18), one full run per server version, then one
 * line per version. (The default `npm test` runs it on one version and a smoke
 * set, test/integration/serverVersions.test.ts, on the others; that file is left
 * out here, as each version gets everything anyway.)
 */
const ROOT = resolve(__dirname, '../..')
const asked = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0)
const majors = asked.length ? asked : [...SUPPORTED_MAJORS]
const node = nodeFor(22)
const out = mkdtempSync(join(tmpdir(), 'mlflow-desk-pg-matrix-'))
const rows: string[] = []
let failed = false

for (const major of majors) {
  if (!hasMajor(major)) {
    rows.push(`PostgreSQL ${major}: not installed (optional dependency pg${major}; linux-x64 only)`)
    failed = true
    continue
  }
  const report = join(out, `pg${major}.json`)
  console.error(`\n== PostgreSQL ${major}`)
  const started = Date.now()
  const r = spawnSync(
    node,
    [
      'node_modules/vitest/vitest.mjs',
      'run',
      '--project',
      'integration',
      '--exclude',
      'test/integration/serverVersions.test.ts',
      '--reporter=dot',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ],
    { cwd: ROOT, stdio: 'inherit', env: { ...process.env, MLFLOW_DESK_TEST_PG: String(major) } },
  )
  const seconds = Math.round((Date.now() - started) / 1000)
  let summary = `exit ${r.status}`
  try {
    const j = JSON.parse(readFileSync(report, 'utf8')) as { numTotalTests: number; numPassedTests: number; numFailedTests: number; numTotalTestSuites: number }
    summary = `${j.numPassedTests}/${j.numTotalTests} tests passed, ${j.numFailedTests} failed`
  } catch {
    // no report: the run itself failed (the summary says its exit code)
  }
  if (r.status !== 0) failed = true
  rows.push(`PostgreSQL ${major}: ${r.status === 0 ? 'ok  ' : 'FAIL'} ${summary} in ${seconds} s`)
}

console.log(`\nIntegration suite per server version:\n${rows.map((l) => `  ${l}`).join('\n')}`)
process.exit(failed ? 1 : 0)
