import { expect, test, type Page } from '@playwright/test'
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

async function openConsole(page: Page): Promise<QueryPage> {
  await new AppShell(page).open(e2eUrl())
  const q = new QueryPage(page)
  await q.open()
  return q
}

test.describe('SQL console, the small things', () => {
  test('completion shows icons by kind, readable in both themes, and closes when the statement runs', async ({ page }) => {
    const q = await openConsole(page)
    const shell = new AppShell(page)
    for (const theme of ['light', 'dark'] as const) {
      await page.getByTestId('query-title').click()
      await shell.useTheme(theme)
      await q.type('SELECT * FROM ')
      await q.editor.pressSequentially('ru')
      await expect(q.completion).toBeVisible()
      await expect(q.completionIcon('runs')).toHaveAttribute('data-kind', 'table')
      await expect(q.completionIcon('runs').locator('svg')).toBeVisible()
      await screenshot(page, `query-completion-tables-${theme}`)
      await page.keyboard.press('Escape')
    }
    // Columns after "table.", functions and keywords by their own icons.
    await q.type('SELECT runs.')
    await q.editor.pressSequentially('st')
    await expect(q.completionIcon('status')).toHaveAttribute('data-kind', 'column')
    await expect(q.completion).toContainText('character varying')
    await screenshot(page, 'query-completion-columns-dark')
    await page.keyboard.press('Escape')
    await q.type('SELECT ')
    await q.editor.pressSequentially('coun')
    await expect(q.completionIcon('count')).toHaveAttribute('data-kind', 'function')
    await page.keyboard.press('Escape')
    await q.type('SELECT 1 ')
    await q.editor.pressSequentially('ORD')
    await expect(q.completionIcon('ORDER')).toHaveAttribute('data-kind', 'keyword')
    await page.keyboard.press('Escape')
    await page.getByTestId('query-title').click()
    await shell.useTheme('light')

    // Ctrl+Enter with the popup open: the statement runs and the popup is gone.
    await q.type('SELECT run_uuid FROM runs')
    await q.editor.press('End')
    await q.editor.pressSequentially(' ORDER BY runs.status')
    await expect(q.completionIcon('status')).toBeVisible()
    await page.keyboard.press('ControlOrMeta+Enter')
    await expect(q.rowCount).toBeVisible()
    await expect(q.completion).toBeHidden()
    await expect(q.editor).toHaveText('SELECT run_uuid FROM runs ORDER BY runs.status')
  })

  test('a refusal goes the moment its text is edited', async ({ page }) => {
    const q = await openConsole(page)
    await q.type('DELETE FROM runs')
    await expect(q.refusal).toBeVisible()
    await expect(page.locator('.cm-lintRange-error')).toBeVisible()
    await q.editor.press('End')
    await q.editor.press('Backspace')
    // Not after the next check (250 ms later, a round trip): at once.
    await expect(q.refusal).toBeHidden({ timeout: 150 })
    // The check of the new text refuses it afresh.
    await expect(q.refusal).toBeVisible()
    await expect(q.refusal).toContainText(/DELETE|read|write/i)
  })

  test('export runs the statement of the result on screen, not the editor’s text since', async ({ page }) => {
    const q = await openConsole(page)
    const runs = Number((await api('query:run', { tab_id: 'e2e-count', sql: 'SELECT count(*) FROM runs' })).rows[0][0])
    const experiments = Number((await api('query:run', { tab_id: 'e2e-count', sql: 'SELECT count(*) FROM experiments' })).rows[0][0])
    expect(runs).not.toBe(experiments)
    await q.type('SELECT run_uuid, status FROM runs')
    await q.runWithShortcut()
    await expect(q.rowCount).toContainText(runs.toLocaleString('en-US'))
    // Edited, not run: the grid still shows the runs, and so must the file.
    await q.type('SELECT experiment_id FROM experiments')
    await q.exportAs('CSV')
    await expect(q.exportStatus).toHaveAttribute('data-state', 'done')
    await expect(q.exportStatus).toContainText(`Exported ${runs.toLocaleString('en-US')} rows`)
  })

  test('long lines wrap on request, and the choice is remembered', async ({ page }) => {
    const q = await openConsole(page)
    const long = `SELECT run_uuid, ${Array.from({ length: 40 }, (_, i) => `'${'x'.repeat(8)}${i}' AS c${i}`).join(', ')} FROM runs`
    await q.insert(long)
    const scroller = page.locator('.cm-scroller')
    const overflows = () => scroller.evaluate((el) => el.scrollWidth > el.clientWidth + 1)
    expect(await overflows()).toBe(true)
    await q.wrapSwitch.click()
    await expect(page.locator('.cm-content.cm-lineWrapping')).toBeVisible()
    expect(await overflows()).toBe(false)
    await bothThemes(page, 'query-wrapped')
    await page.reload()
    await expect(q.editor).toBeVisible()
    await expect(q.wrapSwitch).toHaveAttribute('aria-checked', 'true')
    await expect(page.locator('.cm-content.cm-lineWrapping')).toBeVisible()
    // Alt+Z in the editor turns it off again.
    await q.editor.click()
    await page.keyboard.press('Alt+z')
    await expect(q.wrapSwitch).toHaveAttribute('aria-checked', 'false')
    await expect(page.locator('.cm-content.cm-lineWrapping')).toHaveCount(0)
  })

  test('the table browser lists the store’s tables and columns; search narrows it; a click inserts at the cursor', async ({ page }) => {
    const q = await openConsole(page)
    await q.openSide('Tables')
    const schema = (await api('query:schema', {})).tables
    await expect(page.locator('[data-testid="schema-node"]')).toHaveCount(schema.length)
    await expect(q.schemaNode('runs')).toContainText('columns')
    await page.getByTestId('schema-search').locator('input').fill('latest_m')
    await expect(q.schemaNode('latest_metrics')).toBeVisible()
    await expect(q.schemaNode('runs')).toHaveCount(0)
    await q.type('SELECT  FROM latest_metrics')
    await q.editor.press('Home')
    for (let i = 0; i < 'SELECT '.length; i++) await q.editor.press('ArrowRight')
    await q.schemaNode('latest_metrics').locator('.n-tree-node-switcher').click()
    await expect(q.schemaNode('latest_metrics.value')).toContainText('double precision')
    await bothThemes(page, 'query-table-browser')
    await q.schemaNode('latest_metrics.value').click()
    await expect(q.editor).toHaveText('SELECT value FROM latest_metrics')
    await q.runWithShortcut()
    await expect(q.rowCount).toBeVisible()
    // Remembered: the Tables tab is open again after a reload.
    await page.reload()
    await expect(page.getByTestId('schema-browser')).toBeVisible()
  })
})
