import { expect, test, type Page } from '@playwright/test'
import type { Run } from '@shared/domain/mlflow'
import { RUNS_PAGE_SIZE } from '@shared/domain/pageSizes'
import { AppShell } from '../pages/AppShell'
import { RunsPage } from '../pages/RunsPage'
import { RunsTableLayout } from '../pages/RunsTableLayout'
import { api, e2eUrl } from '../support/api'
import { screenshot, screenshotBothThemes } from '../support/screenshots'

/** The demo experiment whose runs have the most distinct metrics and params: where fitting has something to choose. */
async function widestExperiment() {
  const list = (await api('experiments:list', { view: 'active' })).experiments.filter((e) => e.run_count > 0)
  let best: { id: string; keys: Awaited<ReturnType<typeof columnsOf>> } | null = null
  for (const e of list) {
    const keys = await columnsOf(e.experiment_id)
    if (!best || keys.metrics.length + keys.params.length > best.keys.metrics.length + best.keys.params.length) best = { id: e.experiment_id, keys }
  }
  return best!
}
const columnsOf = (id: string) => api('runs:columns', { experiment_ids: [id] })

/** Keys by how many runs have them, most first, ties alphabetically (what the table fits first). */
const ranked = (counts: Record<string, number>) => Object.keys(counts).sort((a, b) => counts[b] - counts[a] || (a < b ? -1 : 1))

async function openRuns(page: Page, experimentId: string, query = ''): Promise<{ runs: RunsPage; layout: RunsTableLayout }> {
  await new AppShell(page).open(e2eUrl())
  await page.goto(`${e2eUrl()}#/experiments/${experimentId}/runs${query}`)
  const runs = new RunsPage(page)
  await runs.waitLoaded()
  return { runs, layout: new RunsTableLayout(runs) }
}

test.describe('the runs table shows what matters', () => {
  test('by default the columns fit the window: name, status, start, duration, then the most common metrics and params', async ({ page }) => {
    const { id, keys } = await widestExperiment()
    const { layout } = await openRuns(page, id)
    const topMetric = ranked(keys.counts.metrics)[0]

    let wide: string[] = []
    for (const width of [1440, 1100]) {
      await page.setViewportSize({ width, height: 860 })
      await expect.poll(() => layout.sidewaysOverflow(), { message: `columns overflow at ${width}px` }).toBeLessThanOrEqual(1)
      const ids = await layout.headerIds()
      expect(ids.slice(0, 5)).toEqual(['attributes.run_name', 'attributes.status', 'attributes.start_time', 'attributes.duration', `metrics.${topMetric}`])
      // Metrics in the order of how many runs have them, then params.
      const metrics = ids.filter((c) => c.startsWith('metrics.')).map((c) => c.slice(8))
      expect(metrics).toEqual(ranked(keys.counts.metrics).filter((k) => metrics.includes(k)))
      const firstParam = ids.findIndex((c) => c.startsWith('params.'))
      if (firstParam >= 0) expect(ids.slice(firstParam).every((c) => c.startsWith('params.'))).toBe(true)
      if (width === 1440) wide = ids
      else expect(ids.length).toBeLessThan(wide.length)
      await screenshotBothThemes(page, `runs-fit-${width}`)
    }
  })

  test('only metrics, only params: every one reachable without scrolling sideways past the attributes', async ({ page }) => {
    const { id, keys } = await widestExperiment()
    const { layout } = await openRuns(page, id)
    const metricsOf = (ids: string[]) => ids.filter((c) => c.startsWith('metrics.'))
    const fitted = metricsOf(await layout.headerIds())
    await layout.focus('metrics')
    // The attributes' room goes to more metrics (all of them, when they fit), still without scrolling sideways.
    await expect.poll(async () => metricsOf(await layout.headerIds()).length).toBeGreaterThanOrEqual(Math.min(keys.metrics.length, fitted.length + 1))
    let ids = await layout.headerIds()
    expect(ids[0]).toBe('attributes.run_name')
    expect(ids.slice(1).every((c) => c.startsWith('metrics.'))).toBe(true)
    expect(await layout.sidewaysOverflow()).toBeLessThanOrEqual(1)
    await screenshot(page, 'runs-only-metrics')

    await layout.focus('params')
    await expect.poll(async () => (await layout.headerIds())[1]).toMatch(/^params\./)
    ids = await layout.headerIds()
    expect(ids.slice(1).every((c) => c.startsWith('params.'))).toBe(true)
    expect(ids[1]).toBe(`params.${ranked(keys.counts.params)[0]}`)

    // Remembered for the experiment.
    await page.reload()
    await new RunsPage(page).waitLoaded()
    await expect.poll(async () => (await layout.headerIds())[1]).toMatch(/^params\./)
    await layout.focus('all')
    await expect.poll(async () => (await layout.headerIds())[1]).toBe('attributes.status')
  })

  test('a pinned column stays at the left while the table scrolls sideways, with nothing showing through', async ({ page }) => {
    // Many steps (every column shown, a pin, a grouping, two themes): more than one plain page's time.
    test.slow()
    const { id, keys } = await widestExperiment()
    const { runs, layout } = await openRuns(page, id)
    await page.setViewportSize({ width: 1100, height: 860 })
    // Every metric and param: far wider than the window.
    await runs.openColumnChooser()
    for (const section of ['metrics', 'params']) {
      const show = runs.columnPanel.getByTestId(`column-section-${section}`).getByRole('button', { name: /Show all/ })
      if (await show.count()) await show.click()
    }
    await layout.closeColumnChooser()
    const pinned = `metrics.${ranked(keys.counts.metrics).at(-1)}`
    await layout.pin(pinned)
    const ids = await layout.headerIds()
    expect(ids.slice(0, 2)).toEqual(['attributes.run_name', pinned])

    // Grouped, so group rows (tinted) are scrolled under the pinned cells too.
    await runs.groupBy(`params.${ranked(keys.counts.params)[0]}`)
    await expect(runs.groupRows.first()).toBeVisible()
    const x = (await runs.header(pinned).boundingBox())!.x
    const overflow = await layout.sidewaysOverflow()
    expect(overflow).toBeGreaterThan(300)
    await layout.scrollSideways(overflow)
    await expect.poll(async () => Math.abs((await runs.header(pinned).boundingBox())!.x - x)).toBeLessThan(2)
    const cell = runs.groupRows.first().locator(`td[data-col-key="${pinned}"]`)
    await expect(cell).toBeVisible()
    expect(Math.abs((await cell.boundingBox())!.x - x)).toBeLessThan(2)
    // A fixed cell must be opaque: a see-through one showed the scrolled columns beneath it.
    for (const row of [runs.groupRows.first(), runs.rows.first()]) {
      const alpha = await row
        .locator('td.n-data-table-td--fixed-left')
        .last()
        .evaluate((el) => {
          const m = /rgba?\(([^)]+)\)/.exec(el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor)
          const parts = m ? m[1].split(',').map(Number) : []
          return parts.length === 4 ? parts[3] : 1
        })
      expect(alpha).toBe(1)
    }
    await screenshotBothThemes(page, 'runs-pinned-scrolled')
  })

  test('group rows show each metric column’s mean, least and greatest value over the group', async ({ page }) => {
    const { id, keys } = await widestExperiment()
    const by = ranked(keys.counts.params)[0]
    const metric = ranked(keys.counts.metrics)[0]
    const { runs } = await openRuns(page, id)
    await runs.groupBy(`params.${by}`)
    await expect(runs.groupRows.first()).toBeVisible()

    const res = await api('runs:search', { experiment_ids: [id], max_results: RUNS_PAGE_SIZE })
    const all = res.next_page_token === null
    const value = (r: Run) => r.data.params.find((p) => p.key === by)?.value ?? null
    const firstValue = value(res.runs[0])
    const members = res.runs.filter((r) => value(r) === firstValue)
    const values = members.map((r) => r.data.metrics.find((m) => m.key === metric)?.value).filter((v): v is number => Number.isFinite(v))
    const group = runs.groupRows.first()
    await expect(group).toContainText(`${members.length} run${members.length === 1 ? '' : 's'}${all ? '' : ' loaded'}`)
    const stats = group.locator(`td[data-col-key="metrics.${metric}"] [data-testid="group-stats"]`)
    const title = (await stats.getAttribute('title'))!
    const figure = (name: string) => Number(new RegExp(`${name} (\\S+)`).exec(title)![1])
    const mean = values.reduce((a, b) => a + b, 0) / values.length
    expect(figure('mean')).toBeCloseTo(mean, 4)
    expect(figure('min')).toBeCloseTo(Math.min(...values), 4)
    expect(figure('max')).toBeCloseTo(Math.max(...values), 4)
    expect(title).toContain(`over ${values.length} of ${members.length} run`)
    await screenshotBothThemes(page, 'runs-group-stats')
  })

  test('densities change row height; presets bring a column set back', async ({ page }) => {
    // Three densities, a preset saved, reset, brought back and reloaded, two themes.
    test.slow()
    const { id, keys } = await widestExperiment()
    const { runs, layout } = await openRuns(page, id)
    const height = async () => (await runs.rows.first().boundingBox())!.height
    await layout.density('Compact')
    await expect.poll(height).toBeCloseTo(30, 0)
    const compactIds = await layout.headerIds()
    await layout.density('Comfortable')
    await expect.poll(height).toBeCloseTo(46, 0)
    // Wider columns: fewer of them fit.
    await expect.poll(async () => (await layout.headerIds()).length).toBeLessThan(compactIds.length)
    await layout.density('Fit')
    await expect.poll(height).toBeCloseTo(38, 0)

    // A preset: a few params chosen, saved, the defaults back, then the preset again.
    const params = ranked(keys.counts.params).slice(0, 2)
    await runs.openColumnChooser()
    for (const p of params) {
      await runs.columnPanel.getByTestId('column-search').locator('input').fill(p)
      const box = runs.columnPanel.getByTestId(`column-option-params.${p}`).locator('.n-checkbox')
      if ((await box.getAttribute('aria-checked')) !== 'true') await box.click()
    }
    await runs.columnPanel.getByTestId('column-search').locator('input').fill('')
    await layout.closeColumnChooser()
    const chosen = await layout.headerIds()
    await layout.savePreset('tuning')
    await expect(layout.presetsButton).toHaveText('tuning')
    await runs.openColumnChooser()
    await runs.columnPanel.getByTestId('column-reset').click()
    await layout.closeColumnChooser()
    await expect(layout.presetsButton).toHaveText('Presets')
    await layout.applyPreset('tuning')
    await expect.poll(() => layout.headerIds()).toEqual(chosen)
    await page.reload()
    await runs.waitLoaded()
    await expect.poll(() => layout.headerIds()).toEqual(chosen)
    await layout.presetsButton.click()
    // Out of the name box, so the theme shortcut reaches the page; the panel stays open.
    await layout.presetsPanel.getByTestId('column-preset-name').locator('input').blur()
    await screenshotBothThemes(page, 'runs-presets')
  })

  test('a filter naming a key no run has says so and offers the key meant', async ({ page }) => {
    const { id, keys } = await widestExperiment()
    const metric = ranked(keys.counts.metrics)[0]
    const typo = metric.toUpperCase()
    expect(keys.metrics).not.toContain(typo)
    const { runs } = await openRuns(page, id)
    await runs.search(`metrics.${typo} > -1e300`)
    await expect(runs.empty).toContainText(`No run has metric ${typo}`)
    await runs.filter.blur()
    await screenshotBothThemes(page, 'runs-unknown-key')
    await runs.empty.getByTestId(`key-suggestion-${metric}`).click()
    await runs.waitLoaded()
    await expect(runs.filter).toHaveValue(`metrics.${metric} > -1e300`)
    await expect(runs.rows.first()).toBeVisible()
  })
})
