import { expect, test, type Page } from '@playwright/test'
import { AppShell } from '../pages/AppShell'
import { ExperimentsPage } from '../pages/ExperimentsPage'
import { api, e2eUrl } from '../support/api'
import { screenshotBothThemes } from '../support/screenshots'

const BROKEN = 'e2e broken store'

/** A saved profile whose store nobody answers for (port 1), and the demo back afterwards. */
async function cleanUp(): Promise<void> {
  const { profiles } = await api('profiles:list', {})
  for (const p of profiles) if (p.kind === 'saved' && p.name === BROKEN) await api('profiles:remove', { id: p.id })
  await api('profiles:switch', { id: 'demo' })
}

/** Nothing wider than the window: neither the page nor the experiments table scrolls sideways. */
async function overflow(page: Page): Promise<{ page: number; table: number }> {
  const body = page.locator('[data-testid="experiments-table"] .n-data-table-base-table-body').first()
  return {
    page: await page.locator('html').evaluate((el) => el.scrollWidth - el.clientWidth),
    table: await body.evaluate((el) => el.scrollWidth - el.clientWidth),
  }
}

test.describe('screens that fit and fail well', () => {
  test.afterAll(cleanUp)

  for (const width of [1280, 1440]) {
    test(`the experiments table fits a ${width} px window; long names are cut with a tooltip`, async ({ page }) => {
      await page.setViewportSize({ width, height: 860 })
      await new AppShell(page).open(e2eUrl())
      const experiments = new ExperimentsPage(page)
      await experiments.waitLoaded()
      expect(await overflow(page)).toEqual({ page: 0, table: 0 })
      // Every column's header is inside the table's box.
      const box = (await experiments.table.boundingBox())!
      for (const th of await experiments.table.locator('th').all()) {
        const b = (await th.boundingBox())!
        expect(b.x + b.width).toBeLessThanOrEqual(box.x + box.width + 1)
      }
      // Names are cut on one line (never wrapped, never pushing the table), their whole text on hover when cut.
      const names = experiments.table.getByTestId('experiment-name')
      const styles = await names.evaluateAll((els) =>
        els.map((el) => {
          const cs = el.ownerDocument.defaultView!.getComputedStyle(el)
          return { overflow: cs.textOverflow, wrap: cs.whiteSpace, over: el.scrollWidth - el.clientWidth, text: el.textContent ?? '' }
        }),
      )
      expect(styles.length).toBeGreaterThan(0)
      for (const st of styles) expect([st.overflow, st.wrap]).toEqual(['ellipsis', 'nowrap'])
      const cut = styles.find((st) => st.over > 0)
      if (cut) {
        await names.filter({ hasText: cut.text }).first().hover()
        await expect(page.locator('.n-tooltip').filter({ hasText: cut.text })).toBeVisible()
      }
      await screenshotBothThemes(page, `experiments-${width}`)
    })
  }

  test('a profile whose store cannot be opened: its error, no "Loading…", and the sidebar still goes places', async ({ page }) => {
    await cleanUp()
    const { settings } = await api('profiles:parse-url', { url: 'postgresql://nobody@127.0.0.1:1/mlflow' })
    await api('profiles:save', { settings: { ...settings, name: BROKEN, environment: 'dev' } })
    const shell = new AppShell(page)
    await shell.open(e2eUrl())
    await shell.switchTo(BROKEN)
    await expect(page.getByTestId('error-state')).toBeVisible()
    await expect(page.getByTestId('experiments-subtitle')).not.toContainText('Loading')
    await expect(page.getByText('Loading…')).toHaveCount(0)
    await screenshotBothThemes(page, 'broken-profile')
    // The navigation works: Connections opens, and the switcher goes back to a store that answers.
    await page.getByTestId('open-connections').click()
    await expect(page.getByTestId('profiles-table')).toBeVisible()
    await page.getByTestId('nav-query').click()
    await expect(page.getByTestId('query-title')).toHaveText('SQL console')
    await shell.openConnections()
    await page.getByTestId('nav-query').click()
    await expect(page.getByTestId('query-title')).toHaveText('SQL console')
    const demo = (await api('profiles:list', {})).profiles.find((p) => p.id === 'demo')!
    await shell.switchTo(demo.name)
    await expect(new ExperimentsPage(page).rows.first()).toBeVisible()
  })
})
