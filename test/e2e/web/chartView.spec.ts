import { rm } from 'node:fs/promises'
import type { ChildProcess } from 'node:child_process'
import { expect, test, type Page, type Request } from '@playwright/test'
import type { Run } from '@shared/domain/mlflow'
import { AppShell } from '../pages/AppShell'
import { ChartViewPage } from '../pages/ChartViewPage'
import { RunsPage } from '../pages/RunsPage'
import { api, e2eHome, e2eUrl } from '../support/api'
import { addWideExperiment, createFixtureStore } from '../support/fixtureStore'
import { makeHome, startServe, stopServe } from '../support/serve'
import { screenshot, screenshotBothThemes } from '../support/screenshots'

/** The metric keys metrics:compare was asked for, call by call. */
function compareCalls(page: Page): string[][] {
  const calls: string[][] = []
  page.on('request', (r: Request) => {
    if (decodeURIComponent(new URL(r.url()).pathname) !== '/api/metrics:compare') return
    calls.push((JSON.parse(r.postData() ?? '{}') as { metric_keys?: string[] }).metric_keys ?? [])
  })
  return calls
}

/** A demo experiment whose first runs logged several metrics, three of them one over steps. */
async function pickExperiment(): Promise<{ id: string; runs: Run[] }> {
  const { experiments } = await api('experiments:list', { view: 'active' })
  for (const e of experiments.filter((x) => x.run_count >= 4)) {
    const { runs } = await api('runs:search', { experiment_ids: [e.experiment_id], max_results: 10 })
    const stepped = new Set(runs.flatMap((r) => r.data.metrics.filter((m) => m.step > 0).map((m) => m.key)))
    const shared = [...stepped].some((k) => runs.filter((r) => r.data.metrics.some((m) => m.key === k)).length >= 3)
    if (stepped.size >= 2 && shared) return { id: e.experiment_id, runs }
  }
  throw new Error('the demo store has no experiment whose first runs share a metric logged over steps')
}

test.describe('chart view of an experiment', () => {
  test('charts the table’s runs: sections, search, settings kept, pins, drag, hide and colour from the table, link', async ({ page }) => {
    test.setTimeout(120_000)
    const { id } = await pickExperiment()
    await new AppShell(page).open(e2eUrl())
    await page.goto(`${e2eUrl()}#/experiments/${id}/runs`)
    const runs = new RunsPage(page)
    await runs.waitLoaded()
    await runs.setNested(false)
    const charts = new ChartViewPage(page)
    await charts.open()
    await expect(page).toHaveURL(/pane=charts/)

    // The charts draw the table's first runs (up to 10), every key they logged.
    const tableIds = (await runs.shownRunIds()).slice(0, 10)
    const { runs: all } = await api('runs:search', { experiment_ids: [id], max_results: 200 })
    const byId = new Map(all.map((r) => [r.info.run_id, r]))
    const keys = [...new Set(tableIds.flatMap((rid) => byId.get(rid)!.data.metrics.map((m) => m.key)))].sort((a, b) => a.localeCompare(b))
    await expect(charts.total).toHaveText(`${keys.length} charts`)
    // The metric most of the charted runs logged over steps.
    const runsWith = (k: string) => tableIds.filter((rid) => byId.get(rid)!.data.metrics.some((m) => m.key === k)).length
    const stepped = keys.filter((k) => tableIds.some((rid) => byId.get(rid)!.data.metrics.some((m) => m.key === k && m.step > 0)))
    const first = stepped.sort((a, b) => runsWith(b) - runsWith(a))[0]
    expect(runsWith(first)).toBeGreaterThanOrEqual(3)
    const chart = charts.card(first).getByTestId('compare-chart')
    await expect(chart).toBeVisible()
    const withKey = tableIds.filter((rid) => byId.get(rid)!.data.metrics.some((m) => m.key === first)).length
    await expect(chart).toHaveAttribute('data-series-count', String(withKey))

    // Search over the chart names.
    await charts.setSearch(first)
    await expect(charts.total).toContainText(`of ${keys.length} charts`)
    await expect(charts.card(first)).toBeVisible()
    await charts.setSearch('no-such-chart-name')
    await expect(page.getByTestId('chart-no-match')).toBeVisible()
    await charts.setSearch('')

    // Per-chart settings: log y and EMA for this chart only.
    const panel = await charts.settings(first)
    await panel.getByTestId('chart-log').click()
    await panel.getByTestId('chart-x-relative').click()
    await expect(chart).toHaveAttribute('data-y', 'log')
    await expect(chart).toHaveAttribute('data-x', 'relative')
    await charts.card(first).getByTestId('chart-settings').click()
    await expect(panel).toBeHidden()
    const other = keys.find((k) => k !== first)!
    await expect(charts.card(other).locator('[data-y="log"]')).toHaveCount(0)

    // Pin the last chart (found by the search): it comes first, in its own section.
    const last = keys[keys.length - 1]
    await charts.setSearch(last)
    // Its hint comes from the page's one tooltip layer (data-tip), on hover.
    await charts.card(last).getByTestId('chart-pin').hover()
    await expect(page.locator('.n-tooltip').filter({ hasText: 'Pin to the top' })).toBeVisible()
    await charts.card(last).getByTestId('chart-pin').click()
    await expect(page.locator('.n-tooltip').filter({ hasText: 'Pin to the top' })).toBeHidden()
    await charts.setSearch('')
    await expect.poll(async () => (await charts.sectionNames())[0]).toBe('pinned')
    expect(await charts.keysIn('pinned')).toEqual([last])

    // Drag a chart before another in its section.
    const section = (await charts.sectionNames())[1]
    await charts.scroller.evaluate((el) => (el.scrollTop = 0))
    const before = await charts.keysIn(section)
    await expect(charts.card(before[1]).getByTestId('chart-grip')).toBeVisible()
    await charts.card(before[1]).getByTestId('chart-grip').dragTo(charts.card(before[0]))
    await expect.poll(async () => (await charts.keysIn(section)).slice(0, 2)).toEqual([before[1], before[0]])

    // Hide a run from the table: its line leaves the charts. Colour another.
    const hiddenRun = tableIds.find((rid) => byId.get(rid)!.data.metrics.some((m) => m.key === first))!
    await page.getByTestId(`run-chart-cell-${hiddenRun}`).getByTestId('run-chart-visible').click()
    await expect(chart).toHaveAttribute('data-series-count', String(withKey - 1))
    const colored = tableIds.find((rid) => rid !== hiddenRun)!
    const swatch = page.getByTestId(`run-chart-cell-${colored}`).getByTestId('run-chart-color')
    // The pointer leaves the eye first, as a hand would: its tooltip can lie over the next row's swatch.
    await page.mouse.move(0, 0)
    await expect(page.locator('.n-tooltip')).toHaveCount(0)
    await swatch.click()
    // Another colour than its own: the palette's 14th.
    const picked = page.getByTestId('run-color-palette').locator('[data-color]').nth(13)
    const color = (await picked.getAttribute('data-color'))!
    expect(color).not.toBe(await swatch.getAttribute('data-color'))
    await picked.click()
    await expect(swatch).toHaveAttribute('data-color', color)
    await expect(page.getByTestId('run-color-palette')).toBeHidden()

    // Hovering a line highlights its row.
    await chart.scrollIntoViewIfNeeded()
    const box = (await chart.locator('canvas').boundingBox())!
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5, { steps: 4 })
    await expect(chart).not.toHaveAttribute('data-hovered', '')
    const hoveredRun = (await chart.getAttribute('data-hovered'))!
    await expect(runs.row(hoveredRun)).toHaveClass(/row-highlight/)
    // The tooltip (drawn on the canvas) lists every run at the hovered step: pictured, looked at.
    await screenshot(page, 'chart-view-tooltip-light')
    await page.mouse.move(0, 0)

    await screenshotBothThemes(page, 'chart-view')

    // The link reopens the view; the layout is kept for this experiment.
    await page.reload()
    await runs.waitLoaded()
    await expect(charts.view).toBeVisible()
    expect((await charts.sectionNames())[0]).toBe('pinned')
    await expect.poll(async () => (await charts.keysIn(section)).slice(0, 2)).toEqual([before[1], before[0]])
    await charts.setSearch(first)
    await expect(charts.card(first).getByTestId('compare-chart')).toHaveAttribute('data-y', 'log')
    await expect(charts.card(first).getByTestId('compare-chart')).toHaveAttribute('data-series-count', String(withKey - 1))
    await charts.setSearch('')

    // Fewer runs: the link carries the number.
    await charts.runCount.fill('2')
    await charts.runCount.press('Enter')
    await expect(page).toHaveURL(/charts=2/)
    await expect(page.getByTestId('chart-run-summary')).toContainText('first 2 of')

    // Back to the table.
    await page.getByTestId('pane-table').click()
    await expect(charts.view).toHaveCount(0)
    await expect(page).not.toHaveURL(/pane=charts/)
  })
})

test.describe('chart view of 2,000 metric keys', () => {
  let server: { url: string; child: ChildProcess }
  let home: string
  let experimentId = ''
  const KEYS = 2000

  test.beforeAll(async () => {
    test.setTimeout(180_000)
    const storeUrl = await createFixtureStore('e2e_wide', e2eUrl(), e2eHome(), async (client) => {
      experimentId = await addWideExperiment(client, { name: 'wide-2000-keys', runs: 10, keys: KEYS, steps: 20 })
    })
    home = await makeHome('mlflow-desk-e2e-wide-')
    server = await startServe({ MLFLOW_DESK_HOME: home, MLFLOW_TRACKING_URI: storeUrl })
  })

  test.afterAll(async () => {
    if (server?.child.pid) await stopServe(server.child.pid)
    if (home) await rm(home, { recursive: true, force: true })
  })

  test('reads only the charts near the screen, and more as it scrolls', async ({ page }) => {
    const calls = compareCalls(page)
    await page.goto(server.url)
    await page.goto(`${server.url.split('#')[0]}#/experiments/${experimentId}/runs?pane=charts`)
    const runs = new RunsPage(page)
    await runs.waitLoaded()
    const charts = new ChartViewPage(page)
    await expect(charts.total).toHaveText('2,000 charts')
    expect(await charts.sectionNames()).toEqual(['sys', 'test', 'train', 'val', ''])
    // Only rows near the screen are in the page.
    expect(await charts.cards.count()).toBeLessThan(60)
    await expect(page.locator('[data-testid="chart-card"][data-state="ready"]').first()).toBeVisible()
    await expect(page.locator('[data-testid="chart-card"][data-state="loading"]')).toHaveCount(0)

    // Only what is near the screen was read: no more than the cards not idle, each once.
    const asked = () => calls.flat()
    const near = async () =>
      new Set(await page.locator('[data-testid="chart-card"]:not([data-state="idle"])').evaluateAll((els) => els.map((e) => e.getAttribute('data-metric')!)))
    const first = asked()
    expect(first.length).toBeGreaterThan(0)
    expect(new Set(first).size).toBe(first.length)
    const nearNow = await near()
    for (const k of first) expect(nearNow.has(k)).toBe(true)
    expect(first.length).toBeLessThan(40)
    // test/ keys were logged once (step 0): bars from the table's runs, nothing read.
    await charts.setSearch('test/')
    await expect(charts.total).toHaveText('400 of 2,000 charts')
    await expect(page.locator('[data-testid="chart-card"][data-state="bars"]').first()).toBeVisible()
    expect(asked().some((k) => k.startsWith('test/'))).toBe(false)
    await charts.setSearch('')
    await screenshot(page, 'chart-view-2000-keys-light')

    // Scroll to the middle and to the end: the charts there are drawn, read then and only then.
    for (const at of [0.5, 1]) {
      const before = asked().length
      await charts.scroller.evaluate((el, f) => (el.scrollTop = (el.scrollHeight - el.clientHeight) * f), at)
      await expect.poll(async () => (await charts.drawnKeys()).length).toBeGreaterThan(0)
      await expect(page.locator('[data-testid="chart-card"][data-state="loading"]')).toHaveCount(0)
      const drawn = new Set(await charts.drawnKeys())
      const added = asked().slice(before)
      expect(added.length).toBeGreaterThan(0)
      expect(added.length).toBeLessThan(40)
      for (const k of added.filter((k) => !drawn.has(k))) expect((await near()).has(k)).toBe(true)
    }
    const lastKey = (await charts.keysIn('')).at(-1)!
    await expect(charts.card(lastKey)).toHaveAttribute('data-state', 'ready')
    expect(asked().length).toBeLessThan(120)
    await screenshot(page, 'chart-view-2000-keys-end-light')
  })
})
