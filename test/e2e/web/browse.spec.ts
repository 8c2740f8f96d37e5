import { expect, test } from '@playwright/test'
import { AppShell } from '../pages/AppShell'
import { ExperimentsPage } from '../pages/ExperimentsPage'
import { RunsPage } from '../pages/RunsPage'
import { apiCall, e2eUrl } from '../support/api'
import { screenshot } from '../support/screenshots'

test.describe('browsing the demo store over the local HTTP transport', () => {
  test('the app loads on the demo store and lists its experiments', async ({ page }) => {
    const shell = new AppShell(page)
    await shell.open(e2eUrl())
    const experiments = new ExperimentsPage(page)
    await experiments.waitLoaded()
    const expected = (await apiCall(e2eUrl(), 'experiments:list', { view: 'active' })).experiments
    expect(expected.length).toBeGreaterThan(2)
    expect((await experiments.names()).sort()).toEqual(expected.map((e) => e.name).sort())
    await expect(shell.connectionCard).toContainText('PostgreSQL')
    await expect(shell.connectionCard).toContainText('MLflow 3.5')
    // The token left the address bar once the page had it.
    expect(page.url()).not.toContain('token=')
    await shell.useTheme('light')
    await screenshot(page, 'experiments-light')
    await shell.useTheme('dark')
    await screenshot(page, 'experiments-dark')
  })

  test('clicking an experiment lists its runs', async ({ page }) => {
    await new AppShell(page).open(e2eUrl())
    const experiments = new ExperimentsPage(page)
    await experiments.waitLoaded()
    const list = (await apiCall(e2eUrl(), 'experiments:list', { view: 'active' })).experiments
    const target = list.filter((e) => e.run_count > 0).sort((a, b) => b.run_count - a.run_count)[0]
    await experiments.openExperiment(target.name)
    const runs = new RunsPage(page)
    await expect(runs.title).toHaveText(target.name)
    await runs.waitLoaded()
    const firstPage = await apiCall(e2eUrl(), 'runs:search', { experiment_ids: [target.experiment_id], max_results: 200 })
    expect(await runs.loadedCount()).toBe(firstPage.runs.length)
    await expect(runs.rows.first()).toContainText(firstPage.runs[0].info.run_name ?? firstPage.runs[0].info.run_id)
    await expect(page.getByRole('columnheader', { name: 'Status' })).toBeVisible()
    const shell = new AppShell(page)
    await shell.useTheme('light')
    await screenshot(page, 'runs-light')
    await shell.useTheme('dark')
    await screenshot(page, 'runs-dark')
  })

  test('filtering, the deleted view and keyboard shortcuts', async ({ page }) => {
    await new AppShell(page).open(e2eUrl())
    const experiments = new ExperimentsPage(page)
    await experiments.waitLoaded()
    await page.keyboard.press('/')
    await expect(experiments.filter).toBeFocused()
    await experiments.filter.fill('zzz-no-such-experiment')
    await expect(page.getByText('No experiment matches')).toBeVisible()
    await experiments.filter.fill('')
    await experiments.showView('Deleted')
    const deleted = (await apiCall(e2eUrl(), 'experiments:list', { view: 'deleted' })).experiments
    await expect(experiments.rows).toHaveCount(deleted.length)
    await expect(experiments.rows.first()).toContainText('deleted')
  })

  test('an unknown experiment shows an empty state, not an error', async ({ page }) => {
    await page.goto(e2eUrl() + '#/experiments/987654/runs')
    const runs = new RunsPage(page)
    await runs.waitLoaded()
    await expect(page.getByText('No runs in this experiment yet')).toBeVisible()
  })
})
