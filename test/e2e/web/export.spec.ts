import type { ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import type { ExperimentWithStats } from '@shared/api/contract'
import { ExperimentsPage } from '../pages/ExperimentsPage'
import { ExportDialog } from '../pages/ExportDialog'
import { RunsPage } from '../pages/RunsPage'
import { TracesPage } from '../pages/TracesPage'
import { api, e2eHome, e2eUrl } from '../support/api'
import { createFixtureStore } from '../support/fixtureStore'
import { makeHome, startServe, stopServe } from '../support/serve'
import { screenshot, screenshotBothThemes } from '../support/screenshots'

const unique = (what: string) => `e2e-${what}-${Date.now().toString(36)}`

/** The demo experiment with the most runs (so its export has artifacts to download). */
async function biggestExperiment(): Promise<ExperimentWithStats> {
  const { experiments } = await api('experiments:list', { view: 'active' })
  return [...experiments].sort((a, b) => b.run_count - a.run_count)[0]
}

/** What the export wrote, read back from its own files (manifest.json lists every file with its sha256). */
function manifestOf(out: string): { files: Array<{ path: string; size: number; sha256: string }> } {
  return JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8').replace(/\bNaN\b|-?Infinity\b/g, 'null'))
}

test.describe('offline export', () => {
  test('tick runs, Export (N): progress, then a report whose counts are the export’s own', async ({ page }) => {
    const exp = await biggestExperiment()
    const { runs } = await api('runs:search', { experiment_ids: [exp.experiment_id], max_results: 3 })
    const ids = runs.map((r) => r.info.run_id)
    expect(ids.length).toBeGreaterThan(1)

    const runsPage = new RunsPage(page)
    await page.goto(`${e2eUrl()}#/experiments/${exp.experiment_id}/runs`)
    await runsPage.waitLoaded()
    for (const id of ids) await runsPage.row(id).locator('.row-check').click()
    await page.getByTestId('export-runs-button').click()

    const dialog = new ExportDialog(page)
    await dialog.waitOpen()
    await expect(dialog.root).toContainText(`Export ${ids.length} runs`)
    // The default name is a plain folder name after the experiment; a path is refused before anything starts.
    await expect(dialog.name).toHaveValue(/^mlflow-export-[a-z0-9._-]+-\d{8}-\d{4}$/)
    await dialog.name.fill('../elsewhere')
    await expect(dialog.root).toContainText('A plain folder name')
    await expect(dialog.start).toBeDisabled()
    // Out of the input, so T switches the theme instead of typing.
    await dialog.name.blur()
    await screenshotBothThemes(page, 'export-dialog-form')

    const name = unique('runs')
    await dialog.startAs(name)
    await expect(dialog.root.getByTestId('export-folder-name')).toHaveText(name)
    await screenshot(page, 'export-dialog-running-dark')
    const out = await dialog.waitDone()
    expect(out.endsWith(name)).toBe(true)

    const manifest = manifestOf(out)
    const artifactFiles = manifest.files.filter((f) => f.path.includes('/artifacts/'))
    await expect(dialog.stat('runs')).toHaveText(String(ids.length))
    await expect(dialog.stat('files')).toHaveText(artifactFiles.length.toLocaleString('en-US'))
    // The same files as "Files": every artifact, its sha256 taken from the bytes written.
    await expect(dialog.stat('checksums')).toHaveText(artifactFiles.length.toLocaleString('en-US'))
    for (const id of ids) expect(existsSync(join(out, 'runs', id, 'run.json'))).toBe(true)
    const report = JSON.parse(readFileSync(join(out, 'export-report.json'), 'utf8').replace(/\bNaN\b|-?Infinity\b/g, 'null')) as {
      files: number
      runs: unknown[]
    }
    expect(report.files).toBe(artifactFiles.length)
    await screenshotBothThemes(page, 'export-dialog-done')

    // Closed, it stays in the jobs panel, which opens the report again.
    await dialog.close.click()
    await expect(dialog.root).toBeHidden()
    const job = page.locator('[data-testid="job"][data-kind="export"]').first()
    await expect(job).toHaveAttribute('data-state', 'done')
    // Everything finished: the panel folds itself a moment later, and its toggle opens it.
    const toggle = page.getByTestId('jobs-toggle')
    await expect(toggle).toHaveAttribute('aria-expanded', 'false', { timeout: 10_000 })
    await expect(page.getByTestId('jobs-list')).toBeHidden()
    await screenshotBothThemes(page, 'jobs-panel-folded')
    await toggle.click()
    await expect(job).toBeVisible()
    await job.getByTestId('job-details').click()
    await expect(dialog.report).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(dialog.root).toBeHidden()
  })

  test('export an experiment from the experiments list', async ({ page }) => {
    const exp = await biggestExperiment()
    const experiments = new ExperimentsPage(page)
    await page.goto(`${e2eUrl()}#/experiments`)
    await experiments.waitLoaded()
    await experiments.row(exp.experiment_id).getByTestId('experiment-export').click()
    const dialog = new ExportDialog(page)
    await dialog.waitOpen()
    await expect(dialog.root).toContainText(`experiment “${exp.name}”`)
    await dialog.zip.click()
    const name = unique('experiment')
    await dialog.startAs(name)
    const out = await dialog.waitDone()
    await expect(dialog.stat('runs')).toHaveText(exp.run_count.toLocaleString('en-US'))
    expect(existsSync(join(out, 'experiment.json'))).toBe(true)
    await expect(dialog.report.getByTestId('export-report-zip')).toHaveText(`${out}.zip`)
    expect(existsSync(`${out}.zip`)).toBe(true)
  })

  test('cancel a running export, then Resume completes it in the same folder', async ({ page }) => {
    const exp = await biggestExperiment()
    const experiments = new ExperimentsPage(page)
    await page.goto(`${e2eUrl()}#/experiments`)
    await experiments.waitLoaded()
    // One ticked experiment: the header's Export takes it.
    await experiments.tick(exp.experiment_id)
    await page.getByTestId('export-experiment').click()
    const dialog = new ExportDialog(page)
    await dialog.waitOpen()
    const name = unique('cancelled')
    await dialog.name.fill(name)
    await dialog.start.click()
    await dialog.cancel.click()
    await expect(dialog.root).toHaveAttribute('data-state', 'cancelled', { timeout: 30_000 })
    await expect(dialog.error).toContainText('Export cancelled')
    await expect(dialog.resume).toBeVisible()
    await expect(dialog.root.getByTestId('export-folder-name')).toHaveText(name)
    await screenshotBothThemes(page, 'export-dialog-cancelled')

    await dialog.resume.click()
    const out = await dialog.waitDone()
    expect(out.endsWith(name)).toBe(true)
    await expect(dialog.stat('runs')).toHaveText(exp.run_count.toLocaleString('en-US'))
    const manifest = manifestOf(out)
    const artifactFiles = manifest.files.filter((f) => f.path.includes('/artifacts/'))
    // Kept files were re-read and matched, the rest hashed as written: every artifact once, as "Files" says.
    await expect(dialog.stat('files')).toHaveText(artifactFiles.length.toLocaleString('en-US'))
    await expect(dialog.stat('checksums')).toHaveText(artifactFiles.length.toLocaleString('en-US'))
    // Resumed: what the first attempt finished was kept, the rest downloaded.
    const report = JSON.parse(readFileSync(join(out, 'export-report.json'), 'utf8').replace(/\bNaN\b|-?Infinity\b/g, 'null')) as {
      files: number
      downloaded: { files: number }
      skipped_verified: { files: number }
    }
    expect(report.downloaded.files + report.skipped_verified.files).toBe(report.files)
  })
})

test.describe('exporting traces', () => {
  test.describe.configure({ timeout: 180_000 })
  let server: { url: string; child: ChildProcess }
  let home = ''

  test.beforeAll(async () => {
    test.setTimeout(180_000)
    const storeUrl = await createFixtureStore('e2e_genai_export', e2eUrl(), e2eHome(), undefined, 'genai')
    home = await makeHome('mlflow-desk-e2e-export-traces-')
    server = await startServe({ MLFLOW_DESK_HOME: home, MLFLOW_TRACKING_URI: storeUrl })
  })
  test.afterAll(async () => {
    if (server?.child.pid) await stopServe(server.child.pid)
    if (home) await rm(home, { recursive: true, force: true })
  })

  test('Export traces on the Traces tab exports every trace its filter matches, a folder each', async ({ page }) => {
    const { experiments } = await api('experiments:list', {}, server.url)
    const exp = experiments.find((e) => e.name === 'support-assistant')!
    const filter = "trace.status = 'ERROR'"
    const { traces } = await api('traces:search', { experiment_ids: [exp.experiment_id], filter, max_results: 1000 }, server.url)
    expect(traces.length).toBeGreaterThan(0)

    await page.goto(`${server.url.split('#')[0]}#/experiments/${exp.experiment_id}/traces?filter=${encodeURIComponent(filter)}`)
    await new TracesPage(page).waitLoaded()
    await page.getByTestId('export-traces').click()
    const dialog = new ExportDialog(page)
    await dialog.waitOpen()
    await expect(dialog.root).toContainText(`the traces of “${exp.name}” matching ${filter}`)
    await dialog.startAs(unique('traces'))
    const out = await dialog.waitDone()
    await expect(dialog.stat('traces')).toHaveText(traces.length.toLocaleString('en-US'))
    const folders = readdirSync(out, { withFileTypes: true }).filter((e) => e.isDirectory())
    expect(folders.map((e) => e.name).sort()).toEqual(traces.map((t) => t.trace_id).sort())
    for (const t of traces) expect(existsSync(join(out, t.trace_id, 'artifacts', 'traces.json'))).toBe(true)
    await screenshotBothThemes(page, 'export-traces-done')
  })
})
