import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import type { Run } from '@shared/domain/mlflow'
import { ArtifactsPage } from '../pages/ArtifactsPage'
import { api, e2eUrl } from '../support/api'
import { screenshotBothThemes } from '../support/screenshots'

const CSV = 'eval/predictions.csv'
const IMAGE = 'plots/training_curves.png'
const LOG = 'training.log'

/** A demo run whose artifacts hold a CSV, an image and a log (as the demo's training scripts leave them). */
async function runWithArtifacts(): Promise<Run> {
  const { experiments } = await api('experiments:list', { view: 'active' })
  for (const e of experiments.filter((x) => x.run_count > 0)) {
    const { runs } = await api('runs:search', { experiment_ids: [e.experiment_id], max_results: 50 })
    for (const run of runs) {
      const root = await api('artifacts:list', { run_id: run.info.run_id, path: '' })
      const names = root.files.map((f) => f.path)
      if ([LOG, 'eval', 'plots'].every((n) => names.includes(n))) return run
    }
  }
  throw new Error(`the demo store has no run with ${LOG}, eval/ and plots/ artifacts`)
}

test.describe('artifact browser', () => {
  test('browse, preview a log, a CSV and an image, and come back to the selection after a reload', async ({ page }) => {
    const run = await runWithArtifacts()
    const id = run.info.run_id
    const root = await api('artifacts:list', { run_id: id, path: '' })
    const csv = await api('artifacts:preview', { run_id: id, path: CSV })
    const csvRows = csv.text!.trim().split('\n').length - 1
    const csvColumns = csv.text!.split('\n')[0].split(',').length
    const log = await api('artifacts:preview', { run_id: id, path: LOG })

    const artifacts = new ArtifactsPage(page)
    await artifacts.open(e2eUrl(), id)
    await expect(artifacts.location).toContainText(root.root_uri)
    await expect(page.getByTestId('artifact-hint')).toBeVisible()
    for (const f of root.files) await expect(artifacts.node(f.path)).toBeVisible()
    await screenshotBothThemes(page, 'artifacts-tree')

    // A folder: opened and listed on demand, summarised on the right.
    await artifacts.select('eval')
    await expect(artifacts.node(CSV)).toBeVisible()
    await expect(artifacts.folder).toContainText('eval/')

    await artifacts.select(CSV)
    await artifacts.expectPreview(CSV, 'table')
    await expect(artifacts.tableSummary).toContainText(`${csvRows} rows`)
    await expect(artifacts.tableSummary).toContainText(`${csvColumns} columns`)
    await expect(artifacts.table.locator('thead th')).toHaveCount(csvColumns + 1)
    await expect(artifacts.table.locator('thead th').nth(1)).toHaveText(csv.text!.split(',')[0])
    await screenshotBothThemes(page, 'artifacts-csv')

    await artifacts.select(LOG)
    await artifacts.expectPreview(LOG, 'text')
    await expect(artifacts.text).toContainText(log.text!.split('\n')[0])
    await screenshotBothThemes(page, 'artifacts-log')

    await artifacts.select('plots')
    await artifacts.select(IMAGE)
    await artifacts.expectPreview(IMAGE, 'image')
    await expect.poll(() => artifacts.image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0)
    await expect(page.getByTestId('artifact-image-size')).toContainText('px')
    await screenshotBothThemes(page, 'artifacts-image')

    // Reload: the address keeps the selection, and its folder is opened again.
    await page.reload()
    await artifacts.expectPreview(IMAGE, 'image')
    await expect(artifacts.node(IMAGE)).toBeVisible()
    await expect(artifacts.previewName).toHaveText('training_curves.png')
    // Back goes to the previous selection.
    await page.goBack()
    await expect(page).toHaveURL((url) => ArtifactsPage.selectedIn(url) === 'plots')
    await expect(artifacts.folder).toContainText('plots/')
  })

  test('the keyboard moves in the tree, previews with Enter and filters with /', async ({ page }) => {
    const run = await runWithArtifacts()
    const artifacts = new ArtifactsPage(page)
    await artifacts.open(e2eUrl(), run.info.run_id)
    await expect(artifacts.node(LOG)).toBeVisible()
    await page.keyboard.press('/')
    await page.keyboard.type('training')
    await expect(artifacts.node(LOG)).toBeVisible()
    await expect(artifacts.node('eval')).toHaveCount(0)
    await artifacts.filter.fill('')
    await expect(artifacts.node('eval')).toBeVisible()
    await artifacts.filter.blur()
    // Root entries: folders first (eval, model?, plots), then files; walk down to the log and open it.
    const root = await api('artifacts:list', { run_id: run.info.run_id, path: '' })
    const index = root.files.findIndex((f) => f.path === LOG)
    await page.keyboard.press('ArrowDown')
    await expect(artifacts.tree.locator('.n-tree')).toBeFocused()
    for (let i = 0; i <= index; i++) await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await artifacts.expectPreview(LOG, 'text')
  })

  test('download a file and a folder: progress to done, the saved path, the files on disk', async ({ page }) => {
    const run = await runWithArtifacts()
    const id = run.info.run_id
    const csvSize = (await api('artifacts:list', { run_id: id, path: 'eval' })).files.find((f) => f.path === CSV)!.file_size!
    const artifacts = new ArtifactsPage(page)
    await artifacts.open(e2eUrl(), id, CSV)
    await artifacts.expectPreview(CSV, 'table')

    await page.getByTestId('artifact-download-file').click()
    const file = await artifacts.savedPath(CSV)
    expect(file.endsWith('predictions.csv')).toBe(true)
    expect(statSync(file).size).toBe(csvSize)
    await expect(artifacts.download(CSV)).toContainText('1 file')

    await artifacts.select('eval')
    await page.keyboard.press('d')
    const folder = await artifacts.savedPath('eval')
    expect(statSync(folder).isDirectory()).toBe(true)
    expect(readFileSync(join(folder, 'predictions.csv')).length).toBe(csvSize)

    await artifacts.downloadAll.click()
    const all = await artifacts.savedPath('')
    expect(existsSync(join(all, LOG))).toBe(true)
    expect(existsSync(join(all, IMAGE))).toBe(true)
    await screenshotBothThemes(page, 'artifacts-downloads')
  })
})
