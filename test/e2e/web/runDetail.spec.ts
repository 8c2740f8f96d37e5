import { expect, test } from '@playwright/test'
import type { Metric, Run } from '@shared/domain/mlflow'
import { RunDetailPage } from '../pages/RunDetailPage'
import { api, e2eUrl } from '../support/api'
import { screenshot, screenshotBothThemes } from '../support/screenshots'

/** Every active run of the demo store, as the API returns them. */
async function allRuns(): Promise<Run[]> {
  const { experiments } = await api('experiments:list', { view: 'active' })
  const runs: Run[] = []
  for (const e of experiments.filter((x) => x.run_count > 0)) {
    runs.push(...(await api('runs:search', { experiment_ids: [e.experiment_id], max_results: 5000 })).runs)
  }
  return runs
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

const parentOf = (r: Run) => r.data.tags.find((t) => t.key === 'mlflow.parentRunId')?.value

/** A parent run with params and metrics, and one of its children. */
async function family(): Promise<{ parent: Run; child: Run }> {
  const runs = await allRuns()
  const withChildren = new Set(runs.map(parentOf).filter(Boolean))
  const rich = (r: Run) => withChildren.has(r.info.run_id) && r.data.params.length > 0 && r.data.metrics.length > 0
  // A top-level sweep when there is one: its page shows the most.
  const parent = runs.find((r) => rich(r) && !parentOf(r)) ?? runs.find(rich)
  const child = runs.find((r) => parent && parentOf(r) === parent.info.run_id)
  if (!parent || !child) throw new Error('the demo store has no parent run with params, metrics and a child')
  return { parent, child }
}

test.describe('run detail', () => {
  test('a run opened by its address shows the params and metrics the API has', async ({ page }) => {
    const { parent } = await family()
    const detail = new RunDetailPage(page)
    await detail.open(e2eUrl(), parent.info.run_id)
    await expect(detail.title).toHaveText(parent.info.run_name ?? parent.info.run_id)
    await expect(page.getByTestId('overview-run-id')).toHaveText(parent.info.run_id)
    await expect(page.getByTestId('child-runs')).toBeVisible()
    await screenshotBothThemes(page, 'run-detail-overview')

    await detail.showTab('params')
    await expect(detail.paramRows).toHaveCount(parent.data.params.length)
    for (const p of parent.data.params) expect(await detail.paramValue(p.key)).toBe(p.value)

    await detail.showTab('metrics')
    await detail.showMetricsTable()
    await expect(detail.metricRows).toHaveCount(parent.data.metrics.length)
    for (const m of parent.data.metrics) expect(await detail.metricExactValue(m.key)).toBe(String(m.value))
    const first = [...parent.data.metrics].sort((a, b) => a.key.localeCompare(b.key))[0]
    const points = await history(parent.info.run_id, first.key)
    await expect(detail.sparkline(first.key)).toHaveAttribute('data-points', String(points.length))
    await screenshotBothThemes(page, 'run-detail-metrics')
  })

  test('a long param value folds and expands to the whole value', async ({ page }) => {
    const runs = await allRuns()
    const longest = runs.flatMap((r) => r.data.params.map((p) => ({ run: r, param: p }))).sort((a, b) => b.param.value.length - a.param.value.length)[0]
    expect(longest.param.value.length).toBeGreaterThan(1000)
    const detail = new RunDetailPage(page)
    await detail.open(e2eUrl(), longest.run.info.run_id, 'params')
    const row = page.locator(`[data-testid="param-row"][data-key=${JSON.stringify(longest.param.key)}]`)
    const folded = await row.getByTestId('value-text').innerText()
    expect(folded.length).toBeLessThan(longest.param.value.length)
    expect(await detail.paramValue(longest.param.key)).toBe(longest.param.value)
    await expect(row.getByTestId('value-expand')).toHaveText('Show less')
    await screenshot(page, 'run-detail-params-light')
  })

  test('a metric’s history chart holds every point, NaN and ∞ included', async ({ page }) => {
    const runs = await allRuns()
    // The demo's "unstable" metric logs NaN, +inf and -inf.
    const unstable = runs.find((r) => r.data.metrics.some((m) => m.key === 'unstable'))
    if (!unstable) throw new Error('the demo store has no run with the "unstable" metric')
    const detail = new RunDetailPage(page)
    await detail.open(e2eUrl(), unstable.info.run_id, 'metrics')
    await detail.showMetricsTable()
    const specials = await history(unstable.info.run_id, 'unstable')
    await detail.openMetricHistory('unstable')
    expect(await detail.chartPoints()).toBe(specials.length)
    await expect(detail.historySpecials).toContainText('NaN')
    await expect(detail.historySpecials).toContainText('+∞')
    await expect(detail.historySpecials).toContainText('−∞')
    await screenshot(page, 'run-detail-history-specials-light')
    await page.getByTestId('history-table-mode').click()
    await expect(detail.historyTable.locator('tbody tr')).toHaveCount(specials.length)
    await expect(detail.historyTable).toContainText('NaN')
    // Esc closes the drawer first; the page stays.
    await page.keyboard.press('Escape')
    await expect(detail.historyTable).toBeHidden()
    await expect(detail.runId).toHaveText(unstable.info.run_id)

    // A long history (the latest steps furthest out; 2^40 is a lone quirky step), drawn whole.
    const candidates = runs
      .flatMap((r) => r.data.metrics.map((m) => ({ run: r, key: m.key, step: m.step })))
      .filter((c) => c.step < 2 ** 32)
      .sort((a, b) => b.step - a.step)
      .slice(0, 3)
    let best = { run: unstable, key: 'unstable', length: specials.length }
    for (const c of candidates) {
      const length = (await history(c.run.info.run_id, c.key)).length
      if (length > best.length) best = { run: c.run, key: c.key, length }
    }
    expect(best.length).toBeGreaterThan(50)
    await detail.open(e2eUrl(), best.run.info.run_id, 'metrics')
    await detail.showMetricsTable()
    await detail.openMetricHistory(best.key)
    expect(await detail.chartPoints()).toBe(best.length)
    await expect(detail.historySummary).toContainText(`${best.length.toLocaleString('en-US')} points`)
    await screenshotBothThemes(page, 'run-detail-history')
  })

  test('parent and child link to each other; keys switch tabs and go back', async ({ page }) => {
    const { parent, child } = await family()
    const detail = new RunDetailPage(page)
    await detail.open(e2eUrl(), child.info.run_id)
    await expect(detail.parentLink).toHaveAttribute('data-run-id', parent.info.run_id)
    await detail.parentLink.click()
    await detail.waitFor(parent.info.run_id)
    const related = await api('runs:related', { run_id: parent.info.run_id })
    await expect(detail.childLinks).toHaveCount(Math.min(related.children.length, 12))
    await page.locator(`[data-testid="child-link"][data-run-id="${child.info.run_id}"]`).click()
    await detail.waitFor(child.info.run_id)

    await page.keyboard.press('3')
    await expect(page).toHaveURL(/tab=metrics/)
    await expect(page.getByTestId('run-metrics')).toBeVisible()
    await page.keyboard.press('7')
    await expect(page.getByTestId('run-artifacts')).toBeVisible()
    await page.keyboard.press('1')
    await expect(page.getByTestId('run-overview')).toBeVisible()
    await page.keyboard.press('Backspace')
    await expect(page).toHaveURL(new RegExp(`#/experiments/${child.info.experiment_id}/runs`))
  })

  test('a run’s description renders its Markdown inside the markdown container', async ({ page }) => {
    const note = (r: Run) => r.data.tags.find((t) => t.key === 'mlflow.note.content')?.value ?? ''
    const syntax = { heading: /^#{1,6} +(.+)$/m, bold: /\*\*([^*\n]+)\*\*/, code: /`([^`\n]+)`/ }
    const run = (await allRuns()).find((r) => Object.values(syntax).some((re) => re.test(note(r))))
    if (!run) throw new Error('the demo store has no run whose mlflow.note.content uses Markdown')
    const text = note(run)
    const detail = new RunDetailPage(page)
    await detail.open(e2eUrl(), run.info.run_id)
    const body = page.getByTestId('run-description').getByTestId('markdown-body')
    await expect(body).toBeVisible()
    const heading = syntax.heading.exec(text)
    if (heading) await expect(body.locator('h1, h2, h3, h4, h5, h6').first()).toHaveText(heading[1].trim())
    const bold = syntax.bold.exec(text)
    if (bold) await expect(body.locator('strong').first()).toHaveText(bold[1])
    const code = syntax.code.exec(text)
    if (code) await expect(body.locator('code').first()).toHaveText(code[1])
    // The words show; the syntax does not.
    await expect(body).not.toContainText('**')
    await expect(body).not.toContainText('`')
    await expect(body).not.toContainText('## ')
    await screenshotBothThemes(page, 'run-detail-description')
  })

  test('tags keep MLflow’s system tags apart; a missing run says so', async ({ page }) => {
    const { parent } = await family()
    const detail = new RunDetailPage(page)
    await detail.open(e2eUrl(), parent.info.run_id, 'tags')
    const system = parent.data.tags.filter((t) => t.key.startsWith('mlflow.'))
    await expect(page.getByTestId('system-tags')).toContainText(String(system.length))
    await page.getByTestId('tags-search').locator('input').fill('mlflow.runName')
    await expect(page.locator('[data-testid="tag-row"][data-key="mlflow.runName"]')).toBeVisible()
    await screenshot(page, 'run-detail-tags-light')

    const withData = (await allRuns()).find((r) => r.inputs.dataset_inputs.length > 0)
    if (!withData) throw new Error('the demo store has no run with dataset inputs')
    await detail.open(e2eUrl(), withData.info.run_id, 'inputs')
    await expect(page.getByTestId('dataset-card')).toHaveCount(withData.inputs.dataset_inputs.length)
    const context = withData.inputs.dataset_inputs[0].tags.find((t) => t.key === 'mlflow.data.context')?.value
    if (context) await expect(page.getByTestId('dataset-context').first()).toHaveText(context)
    await screenshotBothThemes(page, 'run-detail-inputs')

    await page.goto(`${e2eUrl()}#/runs/0123456789abcdef0123456789abcdef`)
    await expect(detail.notFound).toBeVisible()
    await expect(detail.notFound).toContainText('Run not found')
  })
})
