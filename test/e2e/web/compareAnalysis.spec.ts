import { expect, test } from '@playwright/test'
import type { CompareSeries } from '@shared/api/contract'
import type { Run } from '@shared/domain/mlflow'
import { CompareAnalysisPage } from '../pages/CompareAnalysisPage'
import { api, e2eUrl } from '../support/api'
import { screenshot, screenshotBothThemes } from '../support/screenshots'

const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v) && Math.abs(v) < Number.MAX_VALUE
const param = (r: Run, k: string) => r.data.params.find((p) => p.key === k)?.value
const latest = (r: Run, k: string) => r.data.metrics.find((m) => m.key === k)?.value
const parentOf = (r: Run) => r.data.tags.find((t) => t.key === 'mlflow.parentRunId')?.value
const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i

/** Params (sorted by key) whose values are not the same in every run, a missing one counting as different. */
function differingParams(runs: Run[]): string[] {
  const keys = [...new Set(runs.flatMap((r) => r.data.params.map((p) => p.key)))].sort((a, b) => a.localeCompare(b))
  return keys.filter((k) => new Set(runs.map((r) => param(r, k) ?? '\u0000missing')).size > 1)
}

/** Runs of one experiment that share metrics and differ in some params: what an analyst compares. */
async function comparison(count: number): Promise<{ runs: Run[]; metrics: string[] }> {
  const { experiments } = await api('experiments:list', { view: 'active' })
  for (const e of experiments.filter((x) => x.run_count >= count).sort((a, b) => b.run_count - a.run_count)) {
    const all = (await api('runs:search', { experiment_ids: [e.experiment_id], max_results: 1000 })).runs
    const runs = all.filter((r) => !parentOf(r) && r.data.params.length > 0 && r.data.metrics.length > 0).slice(0, count)
    if (runs.length < count) continue
    const shared = runs[0].data.metrics.map((m) => m.key).filter((k) => runs.every((r) => latest(r, k) !== undefined))
    if (!shared.length || !differingParams(runs).length) continue
    // A loss-like metric first when there is one, so both directions get checked.
    const lossy = shared.filter((k) => /loss/i.test(k))
    const metrics = [...new Set([...lossy.slice(0, 1), ...shared])].slice(0, 2)
    return { runs, metrics }
  }
  throw new Error(`the demo store has no experiment with ${count} top-level runs sharing a metric and differing in params`)
}

/** A number as the table shows it (six significant digits) is the exact value. */
function expectShown(text: string | null, value: number): void {
  const shown = Number(text)
  expect(Math.abs(shown - value), `${text} shows ${value}`).toBeLessThanOrEqual(Math.abs(value) * 1e-5)
}

/** The run with the best finite value in its series (first on ties), and the step it was reached at. */
function bestRun(series: CompareSeries[], runs: Run[], key: string, lowerIsBetter: boolean): { runId: string; step: number } | null {
  let best: { runId: string; value: number; step: number } | null = null
  for (const r of runs) {
    const s = series.find((x) => x.run_id === r.info.run_id && x.key === key)
    for (const m of s?.metrics ?? []) {
      if (!finite(m.value)) continue
      if (!best || (lowerIsBetter ? m.value < best.value : m.value > best.value)) best = { runId: r.info.run_id, value: m.value, step: m.step }
    }
  }
  return best && { runId: best.runId, step: best.step }
}

test.describe('compare: analysis panels', () => {
  test('the params tab shows only the params that differ, and all of them on request', async ({ page }) => {
    const { runs, metrics } = await comparison(6)
    const compare = new CompareAnalysisPage(page)
    await compare.open(
      e2eUrl(),
      runs.map((r) => r.info.run_id),
      metrics,
      'params',
    )

    const differing = differingParams(runs)
    const total = new Set(runs.flatMap((r) => r.data.params.map((p) => p.key))).size
    await expect(compare.diffRows).toHaveCount(differing.length)
    expect(await compare.diffKeys()).toEqual(differing)
    await expect(compare.diffCount).toHaveText(
      `${differing.length} of ${total} ${total === 1 ? 'param' : 'params'} ${differing.length === 1 ? 'differs' : 'differ'}`,
    )
    // One column per run, headed by its name, and a missing value shown as an em-dash.
    for (const r of runs) await expect(compare.paramsPanel.locator(`th [data-run-id="${r.info.run_id}"]`)).toContainText(r.info.run_name ?? r.info.run_id)
    const key = differing[0]
    const row = compare.diffRows.filter({ has: page.locator(`xpath=self::*[@data-key=${JSON.stringify(key)}]`) })
    await expect(row.getByTestId('diff-cell')).toHaveText(runs.map((r) => param(r, key) ?? '—'))
    await compare.moveMouseAway()
    await screenshotBothThemes(page, 'compare-params')

    await compare.showAllParams.click()
    await expect(compare.diffRows).toHaveCount(total)
    await compare.paramsSearch.fill(key)
    await expect(compare.diffRows.first()).toHaveAttribute('data-key', new RegExp(key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
  })

  test('the summary tab marks the best run per metric and flips with the direction', async ({ page }) => {
    const { runs, metrics } = await comparison(6)
    const ids = runs.map((r) => r.info.run_id)
    const { series } = await api('metrics:compare', { run_ids: ids, metric_keys: metrics, max_points: 1000 })
    const compare = new CompareAnalysisPage(page)
    await compare.open(e2eUrl(), ids, metrics, 'summary')

    await expect(compare.summaryRows).toHaveCount(runs.length)
    for (const key of metrics) {
      const lower = /loss|error|err|mae|mse|rmse|perplexity/i.test(key)
      const expected = bestRun(series, runs, key, lower)
      expect(expected, `some run has a finite ${key}`).not.toBeNull()
      await expect(compare.bestOf(key)).toHaveAttribute('data-run-id', expected!.runId)
      await expect(compare.bestOf(key)).toContainText(`at step ${expected!.step.toLocaleString('en-US')}`)
      // The last value is MLflow's latest metric of each run.
      const first = runs[0]
      await expect(
        page.locator(`[data-testid="summary-row"][data-run-id="${first.info.run_id}"] [data-testid="summary-last"][data-metric="${key}"]`),
      ).not.toHaveText('—')
    }
    await screenshotBothThemes(page, 'compare-summary')

    const key = metrics[0]
    const lower = /loss|error|err|mae|mse|rmse|perplexity/i.test(key)
    await compare.directionToggle(key).click()
    await expect(compare.bestOf(key)).toHaveAttribute('data-run-id', bestRun(series, runs, key, !lower)!.runId)
  })

  test('the summary keeps exact min, max and best when the series are sampled, and says from how many points', async ({ page }) => {
    const { runs, metrics } = await comparison(6)
    const ids = runs.map((r) => r.info.run_id)
    const key = metrics[0]
    // Full series to know the truth; the page asks for 10 points per series.
    const { series: full } = await api('metrics:compare', { run_ids: ids, metric_keys: [key], max_points: 100_000 })
    const { series: sampled } = await api('metrics:compare', { run_ids: ids, metric_keys: [key], max_points: 10 })
    const s0 = sampled.find((s) => s.run_id === ids[0])!
    expect(s0.sampled, 'the demo histories are longer than 10 points').toBe(true)
    const compare = new CompareAnalysisPage(page)
    await compare.open(e2eUrl(), ids, [key], 'summary', 10)

    const lower = /loss|error|err|mae|mse|rmse|perplexity/i.test(key)
    const expected = bestRun(full, runs, key, lower)!
    await expect(compare.bestOf(key)).toHaveAttribute('data-run-id', expected.runId)
    await expect(compare.bestOf(key)).toContainText(`at step ${expected.step.toLocaleString('en-US')}`)
    const row = page.locator(`[data-testid="summary-row"][data-run-id="${ids[0]}"]`)
    const values = full
      .find((s) => s.run_id === ids[0])!
      .metrics.map((m) => m.value)
      .filter(finite)
    expectShown(await row.getByTestId('summary-min').textContent(), Math.min(...values))
    expectShown(await row.getByTestId('summary-max').textContent(), Math.max(...values))
    await expect(row).toContainText(`min/max from ${s0.metrics.length.toLocaleString('en-US')} sampled points`)
    await compare.moveMouseAway()
    await screenshot(page, 'compare-summary-sampled')
  })

  test('the scatter tab draws one point per run that has both values', async ({ page }) => {
    const { runs, metrics } = await comparison(6)
    const compare = new CompareAnalysisPage(page)
    await compare.open(
      e2eUrl(),
      runs.map((r) => r.info.run_id),
      metrics,
      'scatter',
    )

    // Defaults: the first param that differs against the first chosen metric.
    const x = differingParams(runs)[0]
    const y = metrics[0]
    await expect(page.getByTestId('scatter-x')).toContainText(x)
    await expect(page.getByTestId('scatter-y')).toContainText(y)
    const withBoth = runs.filter((r) => param(r, x) !== undefined && finite(latest(r, y)))
    await expect(compare.scatterChart).toHaveAttribute('data-points', String(withBoth.length))
    if (withBoth.length < runs.length) await expect(compare.scatterMissing).toContainText(`${runs.length - withBoth.length} run`)
    else await expect(compare.scatterMissing).toHaveCount(0)
    await expect(page.getByTestId('scatter-count')).toContainText(`${withBoth.length} run${withBoth.length === 1 ? '' : 's'} plotted`)
    await screenshotBothThemes(page, 'compare-scatter')

    // A param that is not a number goes on a category axis; every run that has it and the metric is still a point.
    const categorical = differingParams(runs).find((k) => runs.some((r) => param(r, k) !== undefined && !NUMBER.test(param(r, k)!)))
    if (categorical) {
      await page.getByTestId('scatter-x').click()
      await page.keyboard.type(categorical)
      await page.keyboard.press('Enter')
      await expect(page.getByTestId('scatter-x')).toContainText(categorical)
      const withCategory = runs.filter((r) => param(r, categorical) !== undefined && finite(latest(r, y)))
      await expect(compare.scatterChart).toHaveAttribute('data-points', String(withCategory.length))
      await compare.moveMouseAway()
      await screenshot(page, 'compare-scatter-category')
    }
  })

  test('the parallel coordinates tab draws one line per run over the differing params and the metric', async ({ page }) => {
    const { runs, metrics } = await comparison(6)
    const compare = new CompareAnalysisPage(page)
    await compare.open(
      e2eUrl(),
      runs.map((r) => r.info.run_id),
      metrics,
      'parallel',
    )

    const params = differingParams(runs).slice(0, 6)
    const numeric = params.filter((k) => {
      const values = runs.map((r) => param(r, k)).filter((v): v is string => v !== undefined)
      return values.length > 0 && values.every((v) => NUMBER.test(v))
    })
    const drawn = runs.filter((r) => numeric.every((k) => param(r, k) !== undefined) && finite(latest(r, metrics[0])))
    await expect(compare.parallelChart).toHaveAttribute('data-axes', String(params.length + 1))
    await expect(compare.parallelChart).toHaveAttribute('data-lines', String(drawn.length))
    await expect(page.getByTestId('pcp-scale')).toBeVisible()
    // A param whose values are all positive and span two decades (a learning rate) is drawn on a log axis.
    const spansDecades = numeric.filter((k) => {
      const values = runs
        .map((r) => param(r, k))
        .filter((v): v is string => v !== undefined)
        .map(Number)
      return values.every((v) => v > 0) && Math.max(...values) / Math.min(...values) >= 100
    })
    const logParams = async () =>
      ((await compare.parallelChart.getAttribute('data-log-axes')) ?? '')
        .split(',')
        .filter((a) => a.startsWith('param:'))
        .map((a) => a.slice('param:'.length))
    expect(await logParams()).toEqual(spansDecades)
    await screenshotBothThemes(page, 'compare-parallel')
    if (spansDecades.length) {
      // Cleared, every axis is linear again.
      await page.getByTestId('pcp-log').hover()
      await page.getByTestId('pcp-log').locator('.n-base-clear').click()
      await expect(compare.parallelChart).toHaveAttribute('data-log-axes', '')
    }

    await page.getByTestId('pcp-color-by').getByText('Run colours').click()
    await expect(page.getByTestId('pcp-scale')).toHaveCount(0)
    await screenshot(page, 'compare-parallel-run-colours')
  })

  test('a hundred runs side by side scroll sideways with the param names kept in view', async ({ page }) => {
    const { experiments } = await api('experiments:list', { view: 'active' })
    const biggest = [...experiments].sort((a, b) => b.run_count - a.run_count)[0]
    const runs = (await api('runs:search', { experiment_ids: [biggest.experiment_id], max_results: 120 })).runs.filter((r) => r.data.params.length)
    expect(runs.length, 'the demo store has an experiment with 100 runs').toBeGreaterThanOrEqual(100)
    const compare = new CompareAnalysisPage(page)
    await compare.open(
      e2eUrl(),
      runs.map((r) => r.info.run_id),
      [],
      'params',
    )
    const differing = differingParams(runs)
    await expect(compare.runHeaders()).toHaveCount(runs.length, { timeout: 30_000 })
    await expect(compare.diffCount).toContainText(`${differing.length} of `)
    // Scrolled to the far right, the param names stay in view (sticky first column).
    await compare.diffRows.first().hover()
    await page.mouse.wheel(runs.length * 200, 0)
    await expect(compare.diffRows.first().locator('td').first()).toBeInViewport()
    await expect(compare.paramsPanel.locator(`th [data-run-id="${runs[runs.length - 1].info.run_id}"]`)).toBeInViewport()
    await compare.moveMouseAway()
    await screenshot(page, 'compare-params-many-runs')
  })
})
