import { expect, test } from '@playwright/test'
import { AppShell } from '../pages/AppShell'
import { ModelsPage } from '../pages/ModelsPage'
import { RunDetailPage } from '../pages/RunDetailPage'
import { api, e2eUrl } from '../support/api'
import { screenshot, screenshotBothThemes } from '../support/screenshots'
import { MODELS_PAGE_SIZE } from '@shared/domain/pageSizes'

test.describe('model registry', () => {
  test('the sidebar leads to the registered models; the name search asks the server', async ({ page }) => {
    await new AppShell(page).open(e2eUrl())
    const models = new ModelsPage(page)
    await models.navLink.click()
    await models.waitLoaded()
    const all = (await api('models:list', { max_results: MODELS_PAGE_SIZE })).registered_models
    expect(all.length).toBeGreaterThan(1)
    expect(await models.names()).toEqual(all.map((m) => m.name))
    const withAlias = all.find((m) => m.aliases.length > 0)
    if (withAlias) await expect(models.rows.filter({ hasText: withAlias.name })).toContainText(`@${withAlias.aliases[0].alias}`)
    await screenshotBothThemes(page, 'models-list')

    const part = all[0].name.slice(0, 4)
    const expected = (await api('models:list', { max_results: MODELS_PAGE_SIZE, filter: part })).registered_models.map((m) => m.name)
    await models.search.fill(part)
    await expect.poll(() => models.names()).toEqual(expected)
    await models.search.fill('zzz-no-such-model')
    await expect(page.getByText('No model name contains')).toBeVisible()
  })

  test('a model’s page lists its versions; a version’s run link opens the run', async ({ page }) => {
    const all = (await api('models:list', { max_results: MODELS_PAGE_SIZE })).registered_models
    const name = all[0].name
    const { registered_model, model_versions } = await api('models:get', { name })
    await page.goto(`${e2eUrl()}#/models`)
    const models = new ModelsPage(page)
    await models.waitLoaded()
    await models.openModel(name)
    await expect(models.versionRows).toHaveCount(model_versions.length)
    for (const v of model_versions) await expect(models.version(v.version)).toContainText(`v${v.version}`)
    // Descriptions are Markdown: the words show, the emphasis and code marks do not.
    if (registered_model.description)
      await expect(page.getByTestId('model-description').getByTestId('markdown-body')).toHaveText(registered_model.description.replace(/\*\*|`/g, ''))
    await screenshotBothThemes(page, 'model-detail')

    const withRun = model_versions.find((v) => v.run_id)
    if (!withRun) throw new Error(`no version of ${name} has a source run`)
    await models.openVersionRun(withRun.version)
    await new RunDetailPage(page).waitFor(withRun.run_id!)

    // Back in the registry, Backspace leaves a model for the list.
    await page.goto(`${e2eUrl()}#/models/${encodeURIComponent(name)}`)
    await expect(models.modelTitle).toHaveText(name)
    await page.keyboard.press('Backspace')
    await expect(models.title).toBeVisible()
  })

  test('the run detail links the model versions made from the run', async ({ page }) => {
    const all = (await api('models:list', { max_results: MODELS_PAGE_SIZE })).registered_models
    const { model_versions } = await api('models:get', { name: all[0].name })
    const version = model_versions.find((v) => v.run_id)!
    const detail = new RunDetailPage(page)
    await detail.open(e2eUrl(), version.run_id!, 'models')
    const row = page.locator(`[data-testid="version-row"][data-model=${JSON.stringify(version.name)}][data-version="${version.version}"]`)
    await expect(row).toBeVisible()
    await screenshot(page, 'run-detail-models-light')
    await row.getByTestId('version-model-link').click()
    await expect(new ModelsPage(page).modelTitle).toHaveText(version.name)
  })

  test('an unknown model says it is not there', async ({ page }) => {
    await page.goto(`${e2eUrl()}#/models/no-such-model-anywhere`)
    await expect(page.getByTestId('model-not-found')).toBeVisible()
  })
})
