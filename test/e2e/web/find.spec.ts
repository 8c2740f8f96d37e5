import { expect, test } from '@playwright/test'
import { AppShell } from '../pages/AppShell'
import { FindPalette } from '../pages/FindPalette'
import { ModelVersionPage } from '../pages/ModelVersionPage'
import { RunDetailPage } from '../pages/RunDetailPage'
import { RunsPage } from '../pages/RunsPage'
import { api, e2eUrl } from '../support/api'
import { screenshot, screenshotBothThemes } from '../support/screenshots'

/** A named run of the store, and one of another experiment than `not`. */
async function namedRuns() {
  const { runs } = await api('runs:search', { max_results: 500 })
  const named = runs.filter((r) => r.info.run_name)
  const first = named[0]
  const other = named.find((r) => r.info.experiment_id !== first.info.experiment_id) ?? named[1]
  return { first, other }
}

test.describe('find anything', () => {
  test('Ctrl/Cmd+K finds a run of any experiment by a piece of its name, opens it, and lists it among the recent', async ({ page }) => {
    await new AppShell(page).open(e2eUrl())
    const palette = new FindPalette(page)
    const { other } = await namedRuns()
    await palette.open()
    // Nothing typed: the screens (and the recent items, none yet in this browser).
    await expect(palette.hit('screen', 'Experiments')).toBeVisible()
    await palette.blurInput()
    await screenshotBothThemes(page, 'find-palette-empty')

    const name = other.info.run_name!
    const piece = name.slice(2, 10)
    const expected = (await api('find:search', { text: piece, limit: 20 })).hits
    await palette.search(piece, expected[0].title)
    await expect(palette.hits).toHaveCount(expected.length)
    await expect(palette.hit('run', name)).toBeVisible()
    await palette.blurInput()
    await screenshotBothThemes(page, 'find-palette-results')
    await palette.input.focus()

    // The arrows move to the run, Enter opens it.
    const index = expected.findIndex((h) => h.kind === 'run' && h.id === other.info.run_id)
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await new RunDetailPage(page).waitFor(other.info.run_id)
    await expect(palette.dialog).toBeHidden()

    await palette.open()
    await expect(palette.page.getByText('Recent', { exact: true })).toBeVisible()
    await expect(palette.hits.first()).toContainText(name)
    await palette.search('zzz-no-such-thing-anywhere')
    await expect(palette.empty).toContainText('Nothing matches')
    await expect(page.getByText('Best matches', { exact: true })).toHaveCount(0)
    await screenshot(page, 'find-palette-nothing-dark')
    await palette.input.fill('')
    await palette.clearRecents.click()
    await expect(palette.page.getByText('Recent', { exact: true })).toHaveCount(0)
    await page.keyboard.press('Escape')
    await expect(palette.dialog).toBeHidden()

    // The shortcut is listed with the others.
    await page.keyboard.press('?')
    await expect(page.getByRole('dialog').filter({ hasText: 'Keyboard shortcuts' })).toContainText('Find a run (any experiment)')
    await screenshot(page, 'find-shortcuts-dark')
  })

  test('a run id, runs:/ or models:/ URI pasted outside a text field opens what it names', async ({ page }) => {
    await new AppShell(page).open(e2eUrl())
    const palette = new FindPalette(page)
    const { first } = await namedRuns()
    await palette.paste(first.info.run_id)
    await new RunDetailPage(page).waitFor(first.info.run_id)

    const models = (await api('models:list', { max_results: 10 })).registered_models
    const model = models.find((m) => m.latest_versions.length)!
    const version = model.latest_versions[0].version
    await palette.paste(`models:/${model.name}/${version}`)
    await new ModelVersionPage(page).waitFor(model.name, version)

    // An id that names nothing says so, and the page stays.
    await palette.paste('f'.repeat(32))
    await expect(page.getByText(`Run '${'f'.repeat(32)}' not found`)).toBeVisible()
    await new ModelVersionPage(page).waitFor(model.name, version)
  })

  test('#/open/<id or URI> goes where it points, and says what it could not find', async ({ page }) => {
    const { first } = await namedRuns()
    await page.goto(`${e2eUrl()}#/open/${encodeURIComponent(`runs:/${first.info.run_id}/model`)}`)
    await new RunDetailPage(page).waitFor(first.info.run_id)
    await expect(page).toHaveURL(/tab=artifacts/)
    await page.goto(`${e2eUrl()}#/open/models:%2Fno-such-model%2F1`)
    await expect(page.getByTestId('open-view').getByTestId('error-state')).toContainText(
      "Registered model 'no-such-model' (of models:/no-such-model/1) not found",
    )
    await screenshotBothThemes(page, 'find-open-not-found')
  })

  test('a run id pasted into the runs filter finds that run', async ({ page }) => {
    const { first } = await namedRuns()
    await page.goto(`${e2eUrl()}#/experiments/${first.info.experiment_id}/runs`)
    const runs = new RunsPage(page)
    await runs.waitLoaded()
    await runs.filter.click()
    await new FindPalette(page).paste(first.info.run_id, runs.filter)
    await expect(runs.filter).toHaveValue(`attributes.run_id = '${first.info.run_id}'`)
    await runs.waitLoaded()
    await expect(runs.count).toHaveText('1 run')
    await expect(runs.row(first.info.run_id)).toBeVisible()

    // A run of another experiment would match nothing here: it is opened instead, and that is said.
    const { other } = await namedRuns()
    await runs.filter.fill('')
    await new FindPalette(page).paste(other.info.run_id, runs.filter)
    await new RunDetailPage(page).waitFor(other.info.run_id)
    await expect(page.getByText('That run is in another experiment')).toBeVisible()
  })

  test('a saved query found in the palette opens in the SQL console', async ({ page }) => {
    const { query } = await api('query:saved-save', { name: `Find me ${Date.now()}`, sql: 'SELECT count(*) FROM runs' })
    await new AppShell(page).open(e2eUrl())
    const palette = new FindPalette(page)
    await palette.openFromSidebar()
    await palette.search(query.name, query.name)
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('query-tab').filter({ hasText: query.name })).toBeVisible()
    await api('query:saved-delete', { id: query.id })
  })
})
