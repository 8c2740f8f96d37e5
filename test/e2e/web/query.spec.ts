import { expect, test, type Page } from '@playwright/test'
import { DEFAULT_VALUE_BYTES, formatByteLimit } from '@shared/api/queryLimits'
import { AppShell } from '../pages/AppShell'
import { QueryPage } from '../pages/QueryPage'
import { api, e2eUrl } from '../support/api'
import { screenshot, screenshotBothThemes } from '../support/screenshots'

async function bothThemes(page: Page, name: string): Promise<void> {
  // The theme key is a plain "t": leave the editor first, or it would be typed into the SQL.
  await page.getByTestId('query-title').click()
  await screenshotBothThemes(page, name)
  await new AppShell(page).useTheme('light')
}

test.describe('SQL console', () => {
  test('runs the statement under the cursor and shows the same rows the app lists', async ({ page }) => {
    await new AppShell(page).open(e2eUrl())
    const q = new QueryPage(page)
    await q.open()
    await q.type('SELECT experiment_id, name FROM experiments ORDER BY experiment_id')
    await q.runWithShortcut()
    const all = (await api('experiments:list', { view: 'all' })).experiments
    const expected = all.map((e) => [e.experiment_id, e.name]).sort((a, b) => Number(a[0]) - Number(b[0]))
    await expect(q.rowCount).toHaveText(`${expected.length} row${expected.length === 1 ? '' : 's'}`)
    expect(await q.columnNames()).toEqual(['experiment_id', 'name'])
    expect(await q.cells()).toEqual(expected)
    await expect(page.getByTestId('result-column').first()).toContainText('integer')
    await bothThemes(page, 'query-results')

    // EXPLAIN of the same statement: a tree whose root is the sort, with the scan of experiments below it.
    await q.explainButton.click()
    await expect(q.planNodes.first()).toBeVisible()
    await expect(page.getByTestId('explain-tree')).toContainText('experiments')
    expect(await q.planNodes.count()).toBeGreaterThan(0)
    await expect(q.planNodes.first()).toContainText('cost')
    await bothThemes(page, 'query-explain')
  })

  test('a write is refused as it is typed, and again when run', async ({ page }) => {
    await new AppShell(page).open(e2eUrl())
    const q = new QueryPage(page)
    await q.open()
    await q.type('DELETE FROM runs')
    await expect(q.refusal).toBeVisible()
    await expect(q.refusal).toContainText(/DELETE|read|write/i)
    await expect(page.locator('.cm-lintRange-error')).toBeVisible()
    await q.runButton.click()
    await expect(q.error).toContainText('Refused before it was sent')
    await bothThemes(page, 'query-refused')
    // Nothing was deleted.
    const count = await api('query:run', { tab_id: 'e2e-check', sql: 'SELECT count(*) AS n FROM runs' })
    expect(Number(count.rows[0][0])).toBeGreaterThan(0)
  })

  test('exports the full result to CSV and reports where and how much', async ({ page }) => {
    await new AppShell(page).open(e2eUrl())
    const q = new QueryPage(page)
    await q.open()
    await q.type('SELECT run_uuid, name, status FROM runs ORDER BY run_uuid')
    const total = (await api('query:run', { tab_id: 'e2e-count', sql: 'SELECT count(*) FROM runs' })).rows[0][0]
    await q.exportAs('CSV')
    await expect(q.exportStatus).toHaveAttribute('data-state', 'done')
    await expect(q.exportPath).toContainText(/\.csv$/)
    await expect(q.exportStatus).toContainText(`Exported ${Number(total).toLocaleString('en-US')} rows`)
    await bothThemes(page, 'query-export')
  })

  test('opens an audit library query in a new tab with its parameters', async ({ page }) => {
    await new AppShell(page).open(e2eUrl())
    const q = new QueryPage(page)
    await q.open()
    const { queries } = await api('query:library', {})
    const withParam = queries.find((x) => x.params.length > 0 && x.params[0].default) ?? queries[0]
    const tabsBefore = await q.tabs.count()
    await q.openSide('Library')
    await expect(q.libraryItems).toHaveCount(queries.length)
    await page.locator(`[data-testid="library-item"][data-id="${withParam.id}"]`).click()
    await expect(q.tabs).toHaveCount(tabsBefore + 1)
    await expect(page.locator(`[data-testid="query-tab"][data-title="${withParam.title}"]`)).toBeVisible()
    for (const p of withParam.params) await expect(page.getByTestId(`param-${p.name}`).locator('input')).toHaveValue(p.default ?? '')
    await q.runButton.click()
    await expect(q.rowCount.or(q.error)).toBeVisible()
    await expect(q.error).toHaveCount(0)
    await bothThemes(page, 'query-library')
    // Tabs are kept per profile: saved a moment after the change, there again after a reload.
    await expect.poll(async () => (await api('query:tabs-get', {})).tabs.map((t) => t.title)).toContain(withParam.title)
    await page.reload()
    await expect(page.locator(`[data-testid="query-tab"][data-title="${withParam.title}"]`)).toBeVisible()
  })

  test('a value larger than the grid’s cap shows its start and its size; the viewer loads it whole', async ({ page }) => {
    await new AppShell(page).open(e2eUrl())
    const q = new QueryPage(page)
    await q.open()
    // About 2.8 MB of history per run: above DEFAULT_VALUE_BYTES (1 MiB), what the grid holds of a value.
    await q.type(`SELECT run_uuid, status, repeat('{"step": 1, "loss": 0.125}, ', 100000) AS history FROM runs ORDER BY run_uuid LIMIT 5`)
    await q.runWithShortcut()
    await expect(q.rowCount).toHaveText(/\d+ rows?/)
    const shown = Number((await q.rowCount.textContent())?.split(' ')[0])
    await expect(q.cutValues).toHaveCount(shown)
    await expect(q.cutValues.first()).toHaveText('⋯ 2.80 MB')
    await expect(page.getByTestId('query-cut-count')).toHaveText(`${shown} value${shown === 1 ? '' : 's'} cut at ${formatByteLimit(DEFAULT_VALUE_BYTES)}`)
    await bothThemes(page, 'query-cut-values')

    await q.cutValues.first().click()
    await expect(q.valueViewer).toBeVisible()
    await expect(q.valueStatus).toHaveAttribute('data-complete', 'false')
    await expect(q.valueStatus).toContainText(`2,800,000 bytes (2.80 MB) — showing the first ${formatByteLimit(DEFAULT_VALUE_BYTES)}`)
    await expect(q.valueText).toContainText('{"step": 1, "loss": 0.125}, {"step": 1')
    await screenshotBothThemes(page, 'query-value-cut')
    await new AppShell(page).useTheme('light')

    await q.valueLoad.click()
    await expect(q.valueStatus).toHaveAttribute('data-complete', 'true')
    await expect(q.valueStatus).toContainText('2,800,000 bytes — the whole value')
    expect(await q.valueText.evaluate((el) => (el.textContent ?? '').length)).toBe(2_000_000)
    await expect(page.getByTestId('value-changed')).toHaveCount(0)
    await screenshotBothThemes(page, 'query-value-whole')
    await new AppShell(page).useTheme('light')
    await page.keyboard.press('Escape')
    await expect(q.valueViewer).toHaveCount(0)
  })

  test('a long statement shows its elapsed time and Esc cancels it on the server', async ({ page }) => {
    await new AppShell(page).open(e2eUrl())
    const q = new QueryPage(page)
    await q.open()
    await q.type('SELECT count(*) FROM generate_series(1, 2000000000) g')
    await q.runWithShortcut()
    await expect(q.running).toBeVisible()
    await expect(q.running).toContainText(/\d+(\.\d+)? (ms|s)/)
    await screenshot(page, 'query-running-light')
    await page.keyboard.press('Escape')
    await expect(q.error).toContainText('Cancelled')
    // The connection is usable afterwards.
    await q.type('SELECT 1 AS one')
    await q.runWithShortcut()
    await expect(q.rowCount).toHaveText('1 row')
  })
})
