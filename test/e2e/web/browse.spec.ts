import { expect, test, type Page } from '@playwright/test'
import type { Run } from '@shared/domain/mlflow'
import { AppShell } from '../pages/AppShell'
import { ExperimentsPage } from '../pages/ExperimentsPage'
import { RunsPage } from '../pages/RunsPage'
import { api, apiFailure, e2eUrl } from '../support/api'
import { screenshot } from '../support/screenshots'
import { RUNS_PAGE_SIZE } from '@shared/domain/pageSizes'

/** The experiment with the most runs, and that has nested runs: the richest table. */
async function richestExperiment() {
  const list = (await api('experiments:list', { view: 'active' })).experiments
  const withRuns = list.filter((e) => e.run_count > 0).sort((a, b) => b.run_count - a.run_count)
  for (const e of withRuns) {
    const { runs } = await api('runs:search', { experiment_ids: [e.experiment_id], max_results: RUNS_PAGE_SIZE })
    if (runs.some((r) => parentOf(r))) return { experiment: e, runs }
  }
  throw new Error('The demo store has no experiment with nested runs')
}

const parentOf = (r: Run) => r.data.tags.find((t) => t.key === 'mlflow.parentRunId')?.value

/** Top-level rows of the nested table: runs whose parent is not among them, in the server's order. */
function topLevel(runs: Run[]): Run[] {
  const ids = new Set(runs.map((r) => r.info.run_id))
  return runs.filter((r) => !parentOf(r) || !ids.has(parentOf(r)!))
}

/** Whether `run` is a child, grandchild, … of `ancestor` among `runs`. */
function isBelow(runs: Run[], run: Run, ancestor: string): boolean {
  const byId = new Map(runs.map((r) => [r.info.run_id, r]))
  for (let p = parentOf(run); p; p = byId.get(p) ? parentOf(byId.get(p)!) : undefined) if (p === ancestor) return true
  return false
}

/** The query of the app's hash route (`#/experiments/1/runs?filter=…`). */
function routeQuery(page: Page): URLSearchParams {
  const hash = new URL(page.url()).hash
  return new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '')
}

async function openRuns(page: Page, experimentId: string, query = ''): Promise<RunsPage> {
  await new AppShell(page).open(e2eUrl())
  await page.goto(`${e2eUrl()}#/experiments/${experimentId}/runs${query}`)
  const runs = new RunsPage(page)
  await runs.waitLoaded()
  return runs
}

test.describe('browsing the demo store over the local HTTP transport', () => {
  test('the app loads on the demo store and lists its experiments', async ({ page }) => {
    const shell = new AppShell(page)
    await shell.open(e2eUrl())
    const experiments = new ExperimentsPage(page)
    await experiments.waitLoaded()
    const expected = (await api('experiments:list', { view: 'active' })).experiments
    expect(expected.length).toBeGreaterThan(2)
    expect((await experiments.names()).sort()).toEqual(expected.map((e) => e.name).sort())
    await expect(shell.connectionCard).toContainText('PostgreSQL')
    await expect(shell.connectionCard).toContainText('MLflow 3.5')
    // User tags show; MLflow's own (the note) do not as tags.
    const tagged = expected.find((e) => e.tags.some((t) => !t.key.startsWith('mlflow.')))!
    const tag = tagged.tags.find((t) => !t.key.startsWith('mlflow.'))!
    await expect(experiments.row(tagged.experiment_id).locator('.exp-tags')).toContainText(`${tag.key}: ${tag.value}`)
    // The token left the address bar once the page had it.
    expect(page.url()).not.toContain('token=')
    await shell.useTheme('light')
    await screenshot(page, 'experiments-light')
    await shell.useTheme('dark')
    await screenshot(page, 'experiments-dark')
  })

  test('clicking an experiment lists its runs, nested under their parents', async ({ page }) => {
    await new AppShell(page).open(e2eUrl())
    const experiments = new ExperimentsPage(page)
    await experiments.waitLoaded()
    const { experiment: target, runs: firstPage } = await richestExperiment()
    await experiments.openExperiment(target.name)
    const runs = new RunsPage(page)
    await expect(runs.title).toHaveText(target.name)
    await runs.waitLoaded()
    expect(await runs.loadedCount()).toBe(firstPage.length)
    const top = topLevel(firstPage)
    await expect(runs.rows.first()).toHaveAttribute('data-testid', `run-row-${top[0].info.run_id}`)
    await expect(runs.rows.first()).toContainText(top[0].info.run_name ?? top[0].info.run_id)
    await expect(page.getByRole('columnheader', { name: 'Status' })).toBeVisible()
    await expect(page.getByRole('columnheader', { name: 'Metrics' })).toBeVisible()
    const shell = new AppShell(page)
    await shell.useTheme('light')
    await screenshot(page, 'runs-light')
    await shell.useTheme('dark')
    await screenshot(page, 'runs-dark')
  })

  test('a filter shows what search_runs returns for it, and survives a reload', async ({ page }) => {
    const { experiment } = await richestExperiment()
    const runs = await openRuns(page, experiment.experiment_id)
    await runs.setNested(false)
    const { params, metrics } = await api('runs:columns', { experiment_ids: [experiment.experiment_id] })
    expect(params).toContain('lr')
    const filter = `params.lr = '0.01' and metrics.${metrics[0]} > 0`

    // Autocomplete offers the experiment's keys after an entity prefix.
    await runs.filter.click()
    await runs.filter.pressSequentially('params.')
    await expect(runs.suggestions).toContainText('params.lr')
    await screenshot(page, 'runs-filter-suggestions')
    // Tab inserts the highlighted key; the comparators it takes come next.
    await runs.filter.pressSequentially('lr')
    await runs.filter.press('Tab')
    await expect(runs.filter).toHaveValue('params.lr ')
    await expect(runs.suggestions).toContainText('LIKE')
    await runs.filter.fill('')

    await runs.search(filter)
    const expected = await api('runs:search', { experiment_ids: [experiment.experiment_id], filter, max_results: RUNS_PAGE_SIZE })
    const { count } = await api('runs:count', { experiment_ids: [experiment.experiment_id], filter })
    expect(expected.runs.length).toBeGreaterThan(0)
    expect(await runs.loadedCount()).toBe(expected.runs.length)
    await expect(runs.count).toHaveText(`${count} run${count === 1 ? '' : 's'}`)
    const shown = await runs.shownRunIds()
    expect(shown.length).toBeGreaterThan(0)
    expect(shown).toEqual(expected.runs.slice(0, shown.length).map((r) => r.info.run_id))
    expect(routeQuery(page).get('filter')).toBe(filter)

    await page.reload()
    await runs.waitLoaded()
    await expect(runs.filter).toHaveValue(filter)
    expect(await runs.shownRunIds()).toEqual(shown)

    // A filter nothing matches offers to clear it.
    await runs.search(`params.lr = 'no-such-learning-rate'`)
    await expect(runs.empty).toContainText('No runs match this filter')
    await page.getByTestId('clear-filter').click()
    await runs.waitLoaded()
    await expect(runs.filter).toHaveValue('')
    expect(routeQuery(page).has('filter')).toBe(false)
  })

  test('a malformed filter shows the server’s message and marks where it went wrong', async ({ page }) => {
    const { experiment } = await richestExperiment()
    const runs = await openRuns(page, experiment.experiment_id)
    const filter = "metrics.acc > 0.5 and params.lr === '0.01'"
    const refused = await apiFailure('runs:search', { experiment_ids: [experiment.experiment_id], filter })
    expect(refused.code).toBe('INVALID_FILTER')
    const { position, length } = refused.details as { position: number; length: number }

    await runs.search(filter)
    await expect(runs.filterError).toContainText(refused.message)
    await expect(runs.filterErrorMark).toHaveText(filter.slice(position, position + length))
    await expect(runs.inputErrorMark).toHaveText(filter.slice(position, position + length))
    await expect(runs.empty).toContainText('Fix the filter')
    // The input selects the offending text, so typing replaces it.
    const selection = await runs.filter.evaluate((el) => {
      const input = el as unknown as { selectionStart: number; selectionEnd: number }
      return [input.selectionStart, input.selectionEnd]
    })
    expect(selection).toEqual([position, position + length])
    const shell = new AppShell(page)
    await runs.filter.blur()
    await shell.useTheme('light')
    await screenshot(page, 'runs-filter-error-light')
    await shell.useTheme('dark')
    await screenshot(page, 'runs-filter-error-dark')

    // Esc in the filter clears it and the error goes.
    await runs.filter.focus()
    await runs.filter.press('Escape')
    await runs.filter.press('Escape')
    await runs.waitLoaded()
    await expect(runs.filterError).toHaveCount(0)
  })

  test('clicking a metric header sorts by it; shift-click adds a second key', async ({ page }) => {
    const { experiment } = await richestExperiment()
    const runs = await openRuns(page, experiment.experiment_id)
    await runs.setNested(false)
    const metric = await runs.table.locator('thead [data-col-key^="metrics."]').first().getAttribute('data-col-key')
    const key = metric!.slice('metrics.'.length)

    await runs.header(metric!).click()
    await runs.waitLoaded()
    const orderBy = [`metrics.\`${key}\` DESC`]
    expect(routeQuery(page).getAll('order')).toEqual(orderBy)
    await expect(runs.header(metric!)).toHaveClass(/n-data-table-th--sorting/)
    const expected = await api('runs:search', { experiment_ids: [experiment.experiment_id], order_by: orderBy, max_results: RUNS_PAGE_SIZE })
    const shown = await runs.shownRunIds()
    expect(shown).toEqual(expected.runs.slice(0, shown.length).map((r) => r.info.run_id))

    await runs.header('attributes.run_name').click({ modifiers: ['Shift'] })
    await runs.waitLoaded()
    await expect(runs.sortChips).toHaveCount(2)
    await expect(runs.header('attributes.run_name').locator('.sort-rank')).toHaveText('2')
    const twoKeys = await api('runs:search', {
      experiment_ids: [experiment.experiment_id],
      order_by: [...orderBy, 'attributes.run_name ASC'],
      max_results: RUNS_PAGE_SIZE,
    })
    const shownTwo = await runs.shownRunIds()
    expect(shownTwo).toEqual(twoKeys.runs.slice(0, shownTwo.length).map((r) => r.info.run_id))
  })

  test('the column chooser adds a column, remembered for the experiment', async ({ page }) => {
    const { experiment, runs: all } = await richestExperiment()
    const runs = await openRuns(page, experiment.experiment_id)
    // Run ID is not among the columns fitted by default.
    await expect(runs.header('attributes.run_id')).toHaveCount(0)
    await runs.openColumnChooser()
    const search = runs.columnPanel.getByTestId('column-search').locator('input')
    await expect(search).toBeFocused()
    // Out of the search box, so the theme shortcut reaches the page; the chooser stays open.
    await search.blur()
    const shell = new AppShell(page)
    await shell.useTheme('light')
    await screenshot(page, 'runs-column-chooser-light')
    await shell.useTheme('dark')
    await screenshot(page, 'runs-column-chooser-dark')
    await search.fill('lr')
    await expect(runs.columnPanel.getByTestId('column-section-params')).toContainText('lr')
    await expect(runs.columnPanel.getByTestId('column-section-attributes')).toHaveCount(0)
    await search.fill('run id')
    await runs.toggleColumn('attributes.run_id')
    await expect(runs.header('attributes.run_id')).toBeAttached()
    await page.keyboard.press('Escape')

    const first = topLevel(all)[0]
    await expect(runs.row(first.info.run_id).locator('td[data-col-key="attributes.run_id"]')).toHaveText(first.info.run_id)

    // A dragged width is remembered too.
    const before = (await runs.header('attributes.status').boundingBox())!.width
    await runs.resizeColumn('attributes.status', 80)
    await expect.poll(async () => (await runs.header('attributes.status').boundingBox())!.width).toBeGreaterThan(before + 60)
    const resized = (await runs.header('attributes.status').boundingBox())!.width

    await page.reload()
    await runs.waitLoaded()
    await expect(runs.header('attributes.run_id')).toBeAttached()
    expect(Math.abs((await runs.header('attributes.status').boundingBox())!.width - resized)).toBeLessThan(2)
  })

  test('a sort key the server refuses is named, and the sort can be reset', async ({ page }) => {
    const { experiment } = await richestExperiment()
    const order = 'metrics.`acc` SIDEWAYS'
    const refused = await apiFailure('runs:search', { experiment_ids: [experiment.experiment_id], order_by: [order] })
    expect(refused.details?.field).toBe('order_by.0')
    const runs = await openRuns(page, experiment.experiment_id, `?order=${encodeURIComponent(order)}`)
    await expect(runs.filterError).toContainText(`Sort key 1: ${refused.message}`)
    await page.getByRole('button', { name: 'Reset the sort' }).click()
    await runs.waitLoaded()
    await expect(runs.filterError).toHaveCount(0)
    expect(routeQuery(page).has('order')).toBe(false)
    expect(await runs.loadedCount()).toBe(experiment.run_count)
  })

  test('nested runs expand under their parent, and a click opens a run', async ({ page }) => {
    const { experiment, runs: all } = await richestExperiment()
    const runs = await openRuns(page, experiment.experiment_id)
    await runs.setNested(true)
    const top = topLevel(all)
    const ids = new Set(all.map((r) => r.info.run_id))
    const parentIndex = top.findIndex((r) => all.some((c) => parentOf(c) === r.info.run_id && ids.has(r.info.run_id)))
    const parent = top[parentIndex]
    const children = all.filter((c) => parentOf(c) === parent.info.run_id)
    await expect(runs.row(children[0].info.run_id)).toHaveCount(0)

    // The keyboard cursor walks the rows and scrolls the table.
    await page.locator('body').click({ position: { x: 5, y: 5 } })
    for (let i = 0; i <= parentIndex; i++) await page.keyboard.press('j')
    await expect(runs.row(parent.info.run_id)).toHaveClass(/row-cursor/)
    await runs.expand(parent.info.run_id)
    await new AppShell(page).useTheme('dark')
    await screenshot(page, 'runs-nested-dark')
    // The first children, right below it: the cursor walks onto them (scrolling them into view when the parent was the last row shown).
    for (const c of children.slice(0, 2)) {
      await page.keyboard.press('j')
      await expect(runs.row(c.info.run_id)).toHaveClass(/row-cursor/)
      await expect(runs.row(c.info.run_id)).toBeVisible()
    }
    await expect(runs.row(parent.info.run_id).locator('.descendants')).toHaveText(
      String(all.filter((c) => parentOf(c) && isBelow(all, c, parent.info.run_id)).length),
    )

    await runs.row(children[0].info.run_id).locator('.run-name-text').click()
    await expect(page).toHaveURL(new RegExp(`#/runs/${children[0].info.run_id}$`))
  })

  test('grouping by a param shows a collapsible group per value with its count', async ({ page }) => {
    const { experiment, runs: all } = await richestExperiment()
    const runs = await openRuns(page, experiment.experiment_id)
    await runs.groupBy('params.lr')
    const counts = new Map<string, number>()
    for (const r of all) {
      const lr = r.data.params.find((p) => p.key === 'lr')?.value ?? 'not set'
      counts.set(lr, (counts.get(lr) ?? 0) + 1)
    }
    // Groups start open; folding each one in turn brings the next into view.
    for (let i = 0; i < counts.size; i++) {
      const group = runs.groupRows.nth(i)
      const value = (await group.locator('.group-value, em').innerText()).trim()
      await expect(group).toContainText(`${counts.get(value)} run`)
      if (i === 0) {
        await new AppShell(page).useTheme('light')
        await screenshot(page, 'runs-grouped-light')
      }
      await group.click()
    }
    await expect(runs.groupRows).toHaveCount(counts.size)
    await expect(runs.rows).toHaveCount(0)
    await runs.groupBy(null)
    await expect(runs.groupRows).toHaveCount(0)
  })

  test('several experiments open together, and the next page comes as the table scrolls', async ({ page }) => {
    await new AppShell(page).open(e2eUrl())
    const experiments = new ExperimentsPage(page)
    await experiments.waitLoaded()
    const list = (await api('experiments:list', { view: 'active' })).experiments.filter((e) => e.run_count > 0)
    const ids = list.map((e) => e.experiment_id)
    await experiments.tick(...ids)
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(new RegExp(`#/experiments/${ids.join(',')}/runs`))
    const runs = new RunsPage(page)
    await expect(runs.title).toHaveText(`${ids.length} experiments`)
    await runs.waitLoaded()
    await expect(runs.header('attributes.experiment_id')).toBeVisible()
    const { count } = await api('runs:count', { experiment_ids: ids })
    expect(count).toBe(list.reduce((n, e) => n + e.run_count, 0))
    // More runs than a page: the count comes beside what is loaded, the rest follows the scroll.
    expect(count).toBeGreaterThan(RUNS_PAGE_SIZE)
    await expect(runs.count).toHaveText(`${RUNS_PAGE_SIZE} of ${count.toLocaleString('en-US')} runs loaded`)
    await runs.setNested(false)
    await runs.scrollToEnd()
    await expect(page.getByTestId('all-loaded')).toHaveText(`All ${count.toLocaleString('en-US')} runs loaded`)
    await expect(runs.count).toHaveText(`${count.toLocaleString('en-US')} runs`)
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
    const deleted = (await api('experiments:list', { view: 'deleted' })).experiments
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
