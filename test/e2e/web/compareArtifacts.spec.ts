import { expect, test } from '@playwright/test'
import { AppShell } from '../pages/AppShell'
import { api, e2eUrl } from '../support/api'
import { screenshotBothThemes } from '../support/screenshots'

/** Three runs of one demo experiment: each left training.log, metrics.json, eval/predictions.csv and plots/training_curves.png. */
async function threeRuns(): Promise<string[]> {
  const { experiments } = await api('experiments:list', { view: 'active' })
  for (const e of experiments.filter((x) => x.run_count >= 3)) {
    const { runs } = await api('runs:search', { experiment_ids: [e.experiment_id], max_results: 3 })
    const ids = runs.map((r) => r.info.run_id)
    const roots = await Promise.all(ids.map((id) => api('artifacts:list', { run_id: id, path: '' })))
    if (roots.every((r) => ['metrics.json', 'training.log', 'eval', 'plots'].every((p) => r.files.some((f) => f.path === p)))) return ids
  }
  throw new Error('the demo store has no experiment with three runs holding the demo artifacts')
}

test.describe('compare artifacts', () => {
  test('the same file across the compared runs: paths with presence, JSON, text and CSV diffs against a base, images side by side', async ({ page }) => {
    test.setTimeout(120_000)
    const ids = await threeRuns()
    const roots = await Promise.all(ids.map((id) => api('artifacts:list', { run_id: id, path: '' })))
    const union = new Set(roots.flatMap((r) => r.files.map((f) => f.path)))

    await new AppShell(page).open(e2eUrl())
    await page.goto(`${e2eUrl()}#/compare?runs=${ids.join(',')}&tab=artifacts`)
    const list = page.getByTestId('compare-artifact-list')
    const rows = list.getByTestId('compare-artifact-row')
    await expect(rows).toHaveCount(union.size)
    for (const path of union) {
      const present = roots.filter((r) => r.files.some((f) => f.path === path)).length
      await expect(list.locator(`[data-path="${path}"]`)).toHaveAttribute('data-present', String(present))
    }
    await expect(page.getByTestId('compare-artifact-hint')).toBeVisible()
    const row = (path: string) => list.locator(`[data-testid="compare-artifact-row"][data-path="${path}"]`)
    const view = page.getByTestId('compare-artifact-view')

    // JSON: key by key, the keys whose values differ from the base marked.
    await row('metrics.json').click()
    await expect(view).toHaveAttribute('data-view', 'json')
    const docs = await Promise.all(
      ids.map(
        async (id) =>
          JSON.parse((await api('artifacts:preview', { run_id: id, path: 'metrics.json' })).text!.replace(/-?Infinity|NaN/g, 'null')) as Record<
            string,
            unknown
          >,
      ),
    )
    const runIdRow = page.locator('[data-testid="json-diff-row"][data-key="run_id"]')
    await expect(runIdRow).toHaveAttribute('data-changed', 'true')
    await expect(runIdRow.getByTestId('json-diff-cell').first()).toHaveText(JSON.stringify(docs[0].run_id))
    const metricKeys = new Set(docs.flatMap((d) => Object.keys(d.metrics as object)))
    await expect(page.getByTestId('json-diff-summary')).toContainText(`keys differ from the base`)
    // run_id, status, each metric key, and `metrics` itself where a run's is empty (a leaf then).
    const emptyMetrics = docs.some((d) => !Object.keys(d.metrics as object).length)
    await expect(page.getByTestId('json-diff-row')).toHaveCount(2 + metricKeys.size + (emptyMetrics ? 1 : 0))
    await screenshotBothThemes(page, 'compare-artifacts-json')
    await page.getByTestId('json-changed-only').click()
    await expect(page.locator('[data-testid="json-diff-row"][data-changed="false"]')).toHaveCount(0)

    // Text: the base as it is, the others as a line diff against it; another base re-reads them against it.
    await row('training.log').click()
    await expect(view).toHaveAttribute('data-view', 'text')
    const columns = view.getByTestId('compare-artifact-column')
    await expect(columns).toHaveCount(3)
    await expect(columns.first()).toHaveAttribute('data-run-id', ids[0])
    const log = (await api('artifacts:preview', { run_id: ids[0], path: 'training.log' })).text!
    await expect(columns.first().locator('.line').first()).toContainText(log.split('\n')[0])
    await expect(columns.nth(1).locator('[data-kind="added"]').first()).toBeVisible()
    await expect(columns.nth(1).getByTestId('diff-stats')).toContainText(/\+\d+ −\d+/)
    await screenshotBothThemes(page, 'compare-artifacts-text')
    await page.getByTestId('compare-artifact-base').click()
    await page.locator('.n-base-select-option').nth(1).click()
    await expect(columns.first()).toHaveAttribute('data-run-id', ids[1])

    // CSV: a table per run, the cells that differ from the base's marked (counted here from the files themselves).
    await row('eval').click()
    await row('eval/predictions.csv').click()
    await expect(view).toHaveAttribute('data-view', 'csv')
    const csv = await Promise.all(ids.slice(0, 2).map(async (id) => (await api('artifacts:preview', { run_id: id, path: 'eval/predictions.csv' })).text!))
    const cells = csv.map((t) =>
      t
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')),
    )
    const differing = cells[1].flatMap((r, i) => r.filter((c, j) => cells[0][i]?.[j] !== c)).length
    expect(differing).toBeGreaterThan(0)
    await expect(columns.nth(1).locator('td[data-changed="true"]')).toHaveCount(differing)
    await expect(columns.nth(1).getByTestId('csv-diff-stats')).toContainText(`${differing} cell`)
    await expect(columns.first().locator('td[data-changed="true"]')).toHaveCount(0)
    await screenshotBothThemes(page, 'compare-artifacts-csv')

    // Images side by side.
    await row('plots').click()
    await row('plots/training_curves.png').click()
    await expect(view).toHaveAttribute('data-view', 'images')
    await expect(view.getByTestId('artifact-image')).toHaveCount(3)
    await screenshotBothThemes(page, 'compare-artifacts-images')

    // The filter: the files listed so far whose path has it, flat.
    await page.getByTestId('compare-artifact-filter').locator('input').fill('pred')
    await expect(rows).toHaveCount(1)
    await expect(rows.first()).toHaveAttribute('data-path', 'eval/predictions.csv')
  })
})
