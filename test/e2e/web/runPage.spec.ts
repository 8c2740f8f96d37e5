import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from '@playwright/test'
import type { Metric, Run } from '@shared/domain/mlflow'
import { linePlot } from '../../../electron/services/demo/generator/plot'
import { RunDetailPage } from '../pages/RunDetailPage'
import { api, e2eUrl } from '../support/api'
import { screenshotBothThemes } from '../support/screenshots'

/** A demo run that logged at least three metrics over steps, and a local artifact folder. */
async function steppedRun(): Promise<Run> {
  const { experiments } = await api('experiments:list', { view: 'active' })
  for (const e of experiments.filter((x) => x.run_count > 0)) {
    const { runs } = await api('runs:search', { experiment_ids: [e.experiment_id], max_results: 50 })
    const run = runs.find((r) => r.data.metrics.filter((m) => m.step > 10).length >= 3 && r.info.artifact_uri?.startsWith('file:'))
    if (run) return run
  }
  throw new Error('the demo store has no run with three metrics over steps and local artifacts')
}

async function history(runId: string, key: string): Promise<Metric[]> {
  const out: Metric[] = []
  let token: string | null = null
  do {
    const page: { metrics: Metric[]; next_page_token: string | null } = await api('metrics:history', { run_id: runId, metric_key: key, page_token: token })
    out.push(...page.metrics)
    token = page.next_page_token
  } while (token)
  return out
}

/** The query of the app's own route (after the #). */
const hashQuery = (url: string) => new URLSearchParams(url.split('#')[1]?.split('?')[1] ?? '')

/** Images as mlflow.log_image(key=, step=) writes them: a full-size PNG and a compressed copy per (key, step). */
async function logImages(artifactUri: string, images: Array<{ key: string; step: number }>): Promise<string> {
  const dir = join(fileURLToPath(artifactUri), 'images')
  await mkdir(dir, { recursive: true })
  for (const [i, { key, step }] of images.entries()) {
    const base = `${key.replaceAll('/', '#')}%step%${step}%timestamp%${1_700_000_000_000 + i}%g${String(i).padStart(7, '0')}-e2e`
    const png = linePlot([{ values: Array.from({ length: 40 }, (_, x) => Math.sin(x / 4 + step)), rgb: [31, 119, 180] }], 160, 120)
    await writeFile(join(dir, `${base}.png`), png)
    // The compressed copy is a WebP in MLflow; a PNG reads the same here (the name says what it is).
    await writeFile(join(dir, `${base}%compressed.webp`), png)
  }
  return dir
}

test.describe('run page', () => {
  test('Overview shows key metrics with exact min and max; the Metrics tab charts the run, overlays keys and lists them', async ({ page }) => {
    test.setTimeout(90_000)
    const run = await steppedRun()
    const detail = new RunDetailPage(page)
    await detail.open(e2eUrl(), run.info.run_id)
    const shown = Math.min(8, run.data.metrics.length)
    await expect(detail.keyMetrics).toHaveCount(shown)
    // Min and max come from the downsampled series; they must be the whole history's.
    const first = detail.keyMetrics.first()
    const key = (await first.getAttribute('data-key'))!
    const finite = (await history(run.info.run_id, key)).map((m) => m.value).filter((v) => Number.isFinite(v) && Math.abs(v) < 1e308)
    await expect(first).toHaveAttribute('data-min', String(Math.min(...finite)))
    await expect(first).toHaveAttribute('data-max', String(Math.max(...finite)))
    await expect(first.getByTestId('sparkline')).toHaveAttribute('data-points', /\d+/)
    await expect(page.getByTestId('glance-params').getByTestId('glance-value')).toHaveCount(Math.min(10, run.data.params.length))
    await screenshotBothThemes(page, 'run-page-overview')

    await page.getByTestId('key-metrics-all').click()
    await expect(page).toHaveURL(/tab=metrics/)
    const keys = [...new Set(run.data.metrics.map((m) => m.key))]
    await expect(page.getByTestId('chart-total')).toHaveText(`${keys.length} chart${keys.length === 1 ? '' : 's'}`)
    await expect(detail.chartCards.first()).toHaveAttribute('data-state', /ready|bars/)
    const stepped = run.data.metrics.filter((m) => m.step > 10).map((m) => m.key)
    await expect(page.locator(`[data-testid="chart-card"][data-metric="${stepped[0]}"] [data-testid="compare-chart"]`)).toHaveAttribute(
      'data-series-count',
      '1',
    )

    // Two keys in one chart, from the picker; the link keeps them.
    const picker = page.getByTestId('overlay-select')
    for (const k of stepped.slice(0, 2)) {
      await picker.click()
      await page.keyboard.type(k)
      await page.locator('.n-base-select-option', { hasText: new RegExp(`^${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).click()
    }
    await page.keyboard.press('Escape')
    await expect(detail.overlay).toHaveAttribute('data-keys', stepped.slice(0, 2).join(','))
    const chart = detail.overlay.getByTestId('compare-chart')
    await expect(chart).toHaveAttribute('data-series-count', '2')
    await expect.poll(() => hashQuery(page.url()).get('overlay')).toBe(stepped.slice(0, 2).join(','))
    await detail.overlay.getByTestId('chart-settings').click()
    await page.getByTestId('chart-x-relative').click()
    await expect(chart).toHaveAttribute('data-x', 'relative')
    await detail.overlay.getByTestId('chart-settings').click()
    await expect(page.getByTestId('chart-settings-panel')).toBeHidden()
    await screenshotBothThemes(page, 'run-page-metrics')

    await page.reload()
    await expect(detail.overlay.getByTestId('compare-chart')).toHaveAttribute('data-series-count', '2')
    await picker.locator('.n-tag', { hasText: stepped[1] }).locator('.n-tag__close').click()
    await expect(detail.overlay.getByTestId('compare-chart')).toHaveAttribute('data-series-count', '1')

    await detail.showMetricsTable()
    await expect(detail.metricRows).toHaveCount(keys.length)
  })

  test('Images tab: step images under one slider, moved by keys and buttons, and other image artifacts', async ({ page }) => {
    test.setTimeout(90_000)
    const run = await steppedRun()
    // "samples/pred" at steps 0, 5 and 10; "truth" at 0 and 10 only.
    const dir = await logImages(run.info.artifact_uri!, [
      { key: 'samples/pred', step: 0 },
      { key: 'samples/pred', step: 5 },
      { key: 'samples/pred', step: 10 },
      { key: 'truth', step: 0 },
      { key: 'truth', step: 10 },
    ])
    try {
      const detail = new RunDetailPage(page)
      await detail.open(e2eUrl(), run.info.run_id, 'images')
      await expect(page.getByTestId('image-card')).toHaveCount(2)
      // The last step first; every card shows its image there.
      await expect(detail.imageStep).toHaveAttribute('data-step', '10')
      await expect(detail.imageCard('samples/pred')).toHaveAttribute('data-step', '10')
      await expect(detail.imageCard('truth')).toHaveAttribute('data-step', '10')
      await expect(detail.imageCard('truth').getByTestId('image-thumb')).toHaveAttribute('data-loaded', 'true')

      await page.keyboard.press('ArrowLeft')
      await expect(detail.imageStep).toHaveAttribute('data-step', '5')
      await expect(page).toHaveURL(/step=5/)
      await expect(detail.imageCard('samples/pred')).toHaveAttribute('data-step', '5')
      // No "truth" at step 5: the nearest before it.
      await expect(detail.imageCard('truth')).toHaveAttribute('data-step', '0')
      await expect(detail.imageCard('truth')).toContainText('(nearest)')
      await expect(detail.imageCard('samples/pred').getByTestId('image-thumb')).toHaveAttribute('data-path', /%step%5%/)
      await expect(detail.imageCard('samples/pred').getByTestId('image-thumb')).toHaveAttribute('data-loaded', 'true')
      // The demo's training curves plot is an image artifact too.
      await expect(page.locator('[data-testid="image-file"][data-path="plots/training_curves.png"]')).toBeVisible()
      await screenshotBothThemes(page, 'run-page-images')

      await page.keyboard.press('Home')
      await expect(detail.imageStep).toHaveAttribute('data-step', '0')
      await page.getByTestId('image-step-next').click()
      await expect(detail.imageStep).toHaveAttribute('data-step', '5')
      await page.reload()
      await expect(detail.imageStep).toHaveAttribute('data-step', '5')

      // A click opens the full-size file in the Artifacts tab.
      await detail.imageCard('samples/pred').locator('button.open').click()
      await expect(page).toHaveURL(/tab=artifacts/)
      await expect(page.getByTestId('artifact-image')).toBeVisible()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
