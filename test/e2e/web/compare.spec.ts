import { readFileSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import type { Run } from '@shared/domain/mlflow'
import { MAX_COMPARE_RUNS } from '@shared/api/contract'
import { AppShell } from '../pages/AppShell'
import { ComparePage } from '../pages/ComparePage'
import { RunsPage } from '../pages/RunsPage'
import { api, e2eUrl } from '../support/api'
import { screenshot, screenshotBothThemes } from '../support/screenshots'

interface Pick {
  experimentId: string
  runs: Run[]
  metric: string
  param: string
}

/**
 * From the demo store: an experiment whose newest runs (the first rows of its
 * flat table) include four sharing a metric, and a param that differs among them.
 */
async function pickComparison(): Promise<Pick> {
  const { experiments } = await api('experiments:list', { view: 'active' })
  for (const e of experiments.filter((x) => x.run_count >= 4)) {
    const { runs } = await api('runs:search', { experiment_ids: [e.experiment_id], max_results: 8 })
    for (const metric of new Set(runs.flatMap((r) => r.data.metrics.map((m) => m.key)))) {
      const some = runs.filter((r) => r.data.metrics.some((m) => m.key === metric)).slice(0, 4)
      if (some.length < 4) continue
      const param = some[0].data.params.map((p) => p.key).find((k) => new Set(some.map((r) => r.data.params.find((p) => p.key === k)?.value)).size >= 2)
      if (param) return { experimentId: e.experiment_id, runs: some, metric, param }
    }
  }
  throw new Error('the demo store has no experiment with three top-level runs sharing a metric and differing in a param')
}

async function openRuns(page: Page, experimentId: string): Promise<RunsPage> {
  await new AppShell(page).open(e2eUrl())
  await page.goto(`${e2eUrl()}#/experiments/${experimentId}/runs`)
  const runs = new RunsPage(page)
  await runs.waitLoaded()
  return runs
}

/** The bodies of metrics:compare requests the page sends. */
function recordCompareRequests(page: Page): Array<Record<string, unknown>> {
  const bodies: Array<Record<string, unknown>> = []
  page.on('request', (req) => {
    if (decodeURIComponent(new URL(req.url()).pathname) === '/api/metrics:compare') bodies.push(JSON.parse(req.postData() ?? '{}') as Record<string, unknown>)
  })
  return bodies
}

test.describe('compare runs', () => {
  // Each test walks a whole flow, with screenshots in both themes.
  test.describe.configure({ timeout: 180_000 })

  test('ticked runs open in Compare: one line per run, axes, smoothing, grouping, zoom refetch, link, exports', async ({ page }) => {
    const pick = await pickComparison()
    const ids = pick.runs.map((r) => r.info.run_id)
    const requests = recordCompareRequests(page)
    const runsPage = await openRuns(page, pick.experimentId)
    await runsPage.setNested(false)
    for (const id of ids) await runsPage.row(id).locator('.row-check').click()
    await expect(page.getByTestId('checked-count')).toHaveText(`${ids.length} selected`)
    await expect(page.getByTestId('compare-button')).toHaveText(`Compare (${ids.length})`)
    await screenshot(page, 'runs-compare-button')
    await page.getByTestId('compare-button').click()

    const compare = new ComparePage(page)
    await expect(compare.title).toHaveText(`Compare ${ids.length} runs`)
    await compare.waitLoaded()
    const chart = compare.chart(pick.metric)
    await expect(chart).toBeVisible()
    // One line per run, holding exactly the points the server sends for the default budget.
    const expected = await api('metrics:compare', { run_ids: ids, metric_keys: [pick.metric], max_points: 1000 })
    const points = expected.series.reduce((n, s) => n + s.metrics.length, 0)
    await expect(chart).toHaveAttribute('data-series-count', String(ids.length))
    await expect(chart).toHaveAttribute('data-point-count', String(points))
    await expect(compare.legendEntries).toHaveCount(ids.length)
    for (const r of pick.runs) await expect(compare.legendEntries.filter({ hasText: r.info.run_name ?? r.info.run_id.slice(0, 8) })).toHaveCount(1)
    await screenshotBothThemes(page, 'compare-charts')

    // A legend click hides the run in every chart; another shows it again.
    await compare.legendEntries.first().click()
    await expect(chart).toHaveAttribute('data-series-count', String(ids.length - 1))
    await compare.legendEntries.first().click()
    await expect(chart).toHaveAttribute('data-series-count', String(ids.length))

    await compare.setX('wall')
    await expect(chart).toHaveAttribute('data-x', 'wall')
    await expect(chart).toHaveAttribute('data-series-count', String(ids.length))
    await compare.setY('log')
    await expect(chart).toHaveAttribute('data-y', 'log')
    await compare.setSmoothing(0.6)
    await expect(chart).not.toHaveAttribute('data-smooth', '0')
    const smooth = Number(await chart.getAttribute('data-smooth'))
    expect(smooth).toBeGreaterThan(0.3)
    expect(smooth).toBeLessThan(0.9)
    expect(new URL(page.url()).hash).toContain(`smooth=${smooth}`)

    // Grouping by a param: one mean line (with its min–max band) per value, on steps.
    await compare.setX('step')
    await compare.setY('linear')
    await compare.groupBy(`params.${pick.param}`)
    const groups = new Set(pick.runs.map((r) => r.data.params.find((p) => p.key === pick.param)?.value ?? null))
    await expect(chart).toHaveAttribute('data-grouped', 'true')
    await expect(chart).toHaveAttribute('data-series-count', String(groups.size))
    await expect(compare.legendEntries).toHaveCount(groups.size)
    await expect(compare.legendEntries.first()).toContainText(`${pick.param}=`)
    await screenshot(page, 'compare-grouped-dark')
    await compare.groupBy(null)
    await expect(chart).toHaveAttribute('data-series-count', String(ids.length))

    // Zoom on steps: the visible window is fetched again, at the same budget.
    await expect(chart).toHaveAttribute('data-window', 'all')
    const before = requests.length
    await compare.dragZoom(pick.metric, 0.35, 0.65)
    await expect(chart).toHaveAttribute('data-window', /^-?\d+--?\d+$/)
    const windowed = requests.slice(before).find((b) => b.from_step !== undefined && b.from_step !== null)
    expect(windowed).toBeDefined()
    expect(windowed!.metric_keys).toEqual([pick.metric])
    expect(windowed!.max_points).toBe(1000)
    const [from, to] = (await chart.getAttribute('data-window'))!
      .match(/^(-?\d+)-(-?\d+)$/)!
      .slice(1)
      .map(Number)
    expect([windowed!.from_step, windowed!.to_step]).toEqual([from, to])
    await expect(chart.getByTestId('chart-window')).toContainText(`steps ${from.toLocaleString('en-US')}`)
    await chart.getByTestId('reset-zoom').click()
    await expect(chart).toHaveAttribute('data-window', 'all')

    // Exports: a PNG and the CSV of what is shown.
    const [png] = await Promise.all([page.waitForEvent('download'), chart.getByTestId('save-png').click()])
    expect(png.suggestedFilename()).toMatch(/\.png$/)
    const pngBytes = readFileSync((await png.path())!)
    expect(pngBytes.subarray(1, 4).toString()).toBe('PNG')
    expect(pngBytes.length).toBeGreaterThan(2000)
    const [csv] = await Promise.all([page.waitForEvent('download'), chart.getByTestId('save-csv').click()])
    const lines = readFileSync((await csv.path())!, 'utf8')
      .trim()
      .split(/\r?\n/)
    expect(lines[0]).toBe('run_id,run_name,metric,step,timestamp,value')
    expect(lines.length - 1).toBe(points)
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0]))).toEqual(new Set(ids))

    // The link reopens the same comparison.
    await compare.setX('relative')
    await compare.setY('log')
    const link = (await compare.copyLink.getAttribute('data-link'))!
    expect(link).not.toContain('token=')
    await page.goto(`${e2eUrl()}#/experiments`)
    await expect(page.getByTestId('compare-page')).toHaveCount(0)
    await page.goto(link)
    await page.reload()
    await compare.waitLoaded()
    const again = compare.chart(pick.metric)
    await expect(again).toHaveAttribute('data-x', 'relative')
    await expect(again).toHaveAttribute('data-y', 'log')
    await expect(again).toHaveAttribute('data-smooth', String(smooth))
    await expect(again).toHaveAttribute('data-series-count', String(ids.length))
    await expect(compare.title).toHaveText(`Compare ${ids.length} runs`)
  })

  test('without runs the page says how to start; select all on a page ticks every loaded run', async ({ page }) => {
    await new AppShell(page).open(e2eUrl())
    await page.goto(`${e2eUrl()}#/compare`)
    const compare = new ComparePage(page)
    await expect(compare.empty).toContainText('Tick two or more runs')
    await screenshotBothThemes(page, 'compare-empty')

    const { experiments } = await api('experiments:list', { view: 'active' })
    const biggest = [...experiments].sort((a, b) => b.run_count - a.run_count)[0]
    const runsPage = await openRuns(page, biggest.experiment_id)
    await runsPage.setNested(false)
    const loaded = await runsPage.loadedCount()
    const all = runsPage.table.getByTestId('runs-check-all')
    await all.click()
    await expect(page.getByTestId('checked-count')).toHaveText(`${loaded} selected`)
    await expect(all).toBeChecked()
    // One run unticked: the header says some are, and a click on it ticks every one again.
    const first = runsPage.table.locator('tbody .row-check').first()
    await first.click()
    await expect(first).not.toBeChecked()
    await expect(page.getByTestId('checked-count')).toHaveText(`${loaded - 1} selected`)
    expect(await all.evaluate((el) => (el as unknown as { indeterminate: boolean }).indeterminate)).toBe(true)
    await all.click()
    await expect(page.getByTestId('checked-count')).toHaveText(`${loaded} selected`)
    const button = page.getByTestId('compare-button')
    if (loaded > MAX_COMPARE_RUNS) await expect(button).toBeDisabled()
    else await expect(button).toBeEnabled()
    expect(loaded).toBeGreaterThanOrEqual(Math.min(100, biggest.run_count))
  })

  test('a link shows NaN/±inf as marked gaps, sampling and missing metrics in the chart header; unknown runs show an error', async ({ page }) => {
    const { experiments } = await api('experiments:list', { view: 'active' })
    const all: Run[] = []
    for (const e of experiments.filter((x) => x.run_count > 0))
      all.push(...(await api('runs:search', { experiment_ids: [e.experiment_id], max_results: 5000 })).runs)
    const has = (r: Run, key: string) => r.data.metrics.some((m) => m.key === key)
    const unstable = all.find((r) => has(r, 'unstable'))
    const long = all.filter((r) => has(r, 'loss') && !has(r, 'unstable'))
    if (!unstable || long.length < 2) throw new Error('the demo store has no run with the unstable metric, or too few with loss')
    const ids = [unstable.info.run_id, long[0].info.run_id, long[1].info.run_id]
    const full = await api('metrics:compare', { run_ids: ids, metric_keys: ['unstable', 'loss'], max_points: 100_000 })
    const unstablePoints = full.series.find((s) => s.key === 'unstable' && s.run_id === ids[0])!.metrics
    const nan = unstablePoints.filter((m) => Number.isNaN(m.value)).length
    expect(nan).toBeGreaterThan(0)

    await new AppShell(page).open(e2eUrl())
    await page.goto(`${e2eUrl()}#/compare?runs=${ids.join(',')}&metrics=unstable,loss&points=10`)
    const compare = new ComparePage(page)
    await compare.waitLoaded()
    const chart = compare.chart('unstable')
    await expect(chart.getByTestId('chart-specials')).toContainText(`${nan} NaN`)
    await expect(chart.getByTestId('chart-specials')).toContainText('+∞')
    await expect(chart.getByTestId('chart-missing')).toHaveText('2 runs without it')
    const loss = compare.chart('loss')
    const lossTotal = full.series.filter((s) => s.key === 'loss').reduce((n, s) => n + s.total_points, 0)
    expect(lossTotal).toBeGreaterThan(30)
    await expect(loss.getByTestId('chart-sampled')).toHaveText(`sampled from ${lossTotal.toLocaleString('en-US')} points`)
    await expect(page.getByTestId('point-budget')).toContainText('10 points')
    await screenshotBothThemes(page, 'compare-specials')

    await page.goto(`${e2eUrl()}#/compare?runs=0000000000000000000000000000dead`)
    await expect(page.getByTestId('error-state')).toBeVisible()
    await screenshot(page, 'compare-error-dark')
  })

  test('with Sync zoom on, zooming one chart zooms the others on the same axis, and a reset resets them all', async ({ page }) => {
    const { experiments } = await api('experiments:list', { view: 'active' })
    let pick: { ids: string[]; other: string } | null = null
    for (const e of experiments.filter((x) => x.run_count >= 2)) {
      const { runs } = await api('runs:search', { experiment_ids: [e.experiment_id], max_results: 50 })
      const long = runs.filter((r) => r.data.metrics.some((m) => m.key === 'loss' && m.step > 20)).slice(0, 2)
      if (long.length < 2) continue
      const other = long[0].data.metrics
        .map((m) => m.key)
        .find((k) => k !== 'loss' && long.every((r) => r.data.metrics.some((m) => m.key === k && m.step > 20)))
      if (other) pick = { ids: long.map((r) => r.info.run_id), other }
      if (pick) break
    }
    if (!pick) throw new Error('the demo store has no two runs logging loss and another metric over more than 20 steps')
    const windowOf = async (chart: ReturnType<ComparePage['chart']>) => {
      const w = await chart.getAttribute('data-window')
      const m = w?.match(/^(-?\d+)-(-?\d+)$/)
      return m ? [Number(m[1]), Number(m[2])] : null
    }

    await new AppShell(page).open(e2eUrl())
    await page.goto(`${e2eUrl()}#/compare?runs=${pick.ids.join(',')}&metrics=loss,${pick.other}`)
    const compare = new ComparePage(page)
    await compare.waitLoaded()
    const loss = compare.chart('loss')
    const other = compare.chart(pick.other)
    await expect(other).toHaveAttribute('data-series-count', '2')
    const sync = page.getByTestId('sync-zoom')
    await expect(sync).toHaveAttribute('aria-checked', 'false')

    // Off (the default): a zoom stays on its chart.
    await compare.dragZoom('loss', 0.4, 0.6)
    await expect(loss).toHaveAttribute('data-window', /^-?\d+--?\d+$/)
    await expect(other).toHaveAttribute('data-window', 'all')
    await loss.getByTestId('reset-zoom').click()
    await expect(loss).toHaveAttribute('data-window', 'all')

    // On: the other chart reads the same step range; remembered across a reload.
    await sync.click()
    await expect(sync).toHaveAttribute('aria-checked', 'true')
    await compare.dragZoom('loss', 0.3, 0.7)
    await expect(other).toHaveAttribute('data-window', /^-?\d+--?\d+$/)
    const [lf, lt] = (await windowOf(loss))!
    const [of, ot] = (await windowOf(other))!
    expect(of).toBeLessThanOrEqual(lt)
    expect(ot).toBeGreaterThanOrEqual(lf)
    await screenshotBothThemes(page, 'compare-sync-zoom')
    // A reset on the follower resets the leader too.
    await other.locator('canvas').dblclick()
    await expect(other).toHaveAttribute('data-window', 'all')
    await expect(loss).toHaveAttribute('data-window', 'all')
    await page.reload()
    await compare.waitLoaded()
    await expect(page.getByTestId('sync-zoom')).toHaveAttribute('aria-checked', 'true')
    await page.getByTestId('sync-zoom').click()
    await expect(page.getByTestId('sync-zoom')).toHaveAttribute('aria-checked', 'false')
  })
})
