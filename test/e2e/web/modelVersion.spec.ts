import { expect, test } from '@playwright/test'
import type { ModelVersion } from '@shared/domain/mlflow'
import { ArtifactsPage } from '../pages/ArtifactsPage'
import { ModelVersionPage } from '../pages/ModelVersionPage'
import { ModelsPage } from '../pages/ModelsPage'
import { RunDetailPage } from '../pages/RunDetailPage'
import { api, e2eUrl, secondStoreUrl } from '../support/api'
import { screenshotBothThemes } from '../support/screenshots'

/** The demo's registered model with the most versions whose source runs are in the store, and those versions (newest first). */
async function richModel(): Promise<{ name: string; versions: ModelVersion[] }> {
  const { registered_models } = await api('models:list', { max_results: 100 })
  const all = await Promise.all(registered_models.map(async (m) => ({ name: m.name, versions: (await api('models:get', { name: m.name })).model_versions })))
  const best = all.sort((a, b) => b.versions.length - a.versions.length)[0]
  if (!best || best.versions.length < 2) throw new Error('the demo store has no registered model with two versions')
  return best
}

test.describe('model versions', () => {
  test('a version opens from its model: its run’s metrics, its MLmodel’s flavors, signature and input example; editing is shown disabled', async ({ page }) => {
    const { name, versions } = await richModel()
    const v = versions.find((x) => x.run_id && x.status === 'READY')!
    const detail = await api('models:version', { name, version: v.version })
    const files = await api('models:version-files', { name, version: v.version })

    await page.goto(`${e2eUrl()}#/models/${encodeURIComponent(name)}`)
    const models = new ModelsPage(page)
    await expect(models.modelTitle).toHaveText(name)
    // The model's aliases and tags are there, their editing visible and disabled (the app never writes).
    await expect(page.getByTestId('model-aliases-tags').getByTestId('read-only-edit')).toHaveCount(2)
    await expect(page.getByTestId('model-aliases-tags').getByTestId('read-only-edit').first().locator('button')).toBeDisabled()
    await models.version(v.version).getByTestId('version-link').click()

    const vp = new ModelVersionPage(page)
    await vp.waitFor(name, v.version)
    await expect(page).toHaveURL(new RegExp(`#/models/${encodeURIComponent(name)}/versions/${v.version}$`))
    await expect(vp.facts).toContainText(v.source!)
    await expect(vp.facts).toContainText('Stage history is not recorded')
    for (const alias of v.aliases) await expect(page.getByTestId('version-aliases')).toContainText(`@${alias}`)
    await expect(vp.runLink).toHaveText(detail.run!.info.run_name ?? detail.run!.info.run_id)
    await expect(vp.metricRows).toHaveCount(detail.run!.data.metrics.length)

    // What the MLmodel says, as the service read it.
    expect(files.mlmodel.flavors.map((f) => f.name)).toEqual(['python_function', 'sklearn'])
    for (const f of files.mlmodel.flavors) await expect(vp.flavors).toContainText(f.name)
    await expect(vp.signatureFields).toHaveCount((files.mlmodel.signature!.inputs?.length ?? 0) + (files.mlmodel.signature!.outputs?.length ?? 0))
    await expect(page.getByTestId('signature-inputs')).toContainText(files.mlmodel.signature!.inputs![0].name!)
    expect(files.input_example?.text).toBeTruthy()
    await expect(vp.inputExample).toContainText(String((JSON.parse(files.input_example!.text!) as { columns: string[] }).columns[0]))
    await expect(vp.readOnlyEdits.first().locator('button')).toBeDisabled()
    await screenshotBothThemes(page, 'model-version')
    await page.getByTestId('signature').scrollIntoViewIfNeeded()
    await screenshotBothThemes(page, 'model-version-files')

    // The MLmodel link opens the file in the run's artifacts.
    await page.getByTestId('mlmodel-link').click()
    await new RunDetailPage(page).waitFor(v.run_id!)
    await expect(page).toHaveURL(/tab=artifacts/)
    await expect(new ArtifactsPage(page).previewName).toContainText('MLmodel')
    expect(ArtifactsPage.selectedIn(new URL(page.url()))).toBe(`${files.run_artifact!.path}/MLmodel`)

    // Back on the version, Backspace goes to its model.
    await vp.open(e2eUrl(), name, v.version)
    await page.keyboard.press('Backspace')
    await expect(models.modelTitle).toHaveText(name)
  })

  test('two versions compare side by side: facts, signatures, the runs’ metrics and params', async ({ page }) => {
    const { name, versions } = await richModel()
    const [b, a] = versions
    const [da, db] = await Promise.all([api('models:version', { name, version: a.version }), api('models:version', { name, version: b.version })])
    await page.goto(`${e2eUrl()}#/models/${encodeURIComponent(name)}`)
    await page.getByTestId('compare-versions').click()
    const vp = new ModelVersionPage(page)
    await expect(vp.compareTitle).toHaveText(`${name}: version ${a.version} vs ${b.version}`)
    await expect(page.getByTestId('compare-facts')).toContainText(a.source!)
    await expect(page.getByTestId('compare-facts')).toContainText(b.source!)
    const keys = new Set([...(da.run?.data.metrics ?? []), ...(db.run?.data.metrics ?? [])].map((m) => m.key))
    await expect(vp.metricDiffRows).toHaveCount(keys.size)
    // The demo's sklearn models share one signature: every column the same.
    await expect(vp.signatureDiffRows.first()).toBeVisible()
    expect(await vp.signatureDiffRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-change')))).toEqual(expect.arrayContaining(['same']))
    if (da.run && db.run && da.run.info.run_id !== db.run.info.run_id) await expect(page.getByTestId('compare-params')).toBeVisible()
    await screenshotBothThemes(page, 'model-version-compare')
    await page.getByTestId('compare-runs').scrollIntoViewIfNeeded()
    await screenshotBothThemes(page, 'model-version-compare-runs')

    // Only differences: the equal signature columns go, metrics that differ stay.
    await vp.onlyDiffs.click()
    await expect(page.locator('[data-testid="signature-diff-row"][data-change="same"]')).toHaveCount(0)

    // From a version's page, "Compare with…" opens the same comparison, and so does C (the version before).
    await vp.open(e2eUrl(), name, b.version)
    await vp.compareTo(a.version)
    await expect(vp.compareTitle).toHaveText(`${name}: version ${a.version} vs ${b.version}`)
    await vp.open(e2eUrl(), name, b.version)
    await page.keyboard.press('c')
    await expect(vp.compareTitle).toHaveText(`${name}: version ${a.version} vs ${b.version}`)
  })

  test('a run that logged a model with MLflow 2 lists it beside the others, linking to its MLmodel', async ({ page }) => {
    const { versions } = await richModel()
    const v = versions.find((x) => x.run_id)!
    const related = await api('runs:related', { run_id: v.run_id! })
    expect(related.history_models.length).toBeGreaterThan(0)
    const logged = related.history_models[0]
    const detail = new RunDetailPage(page)
    await detail.open(e2eUrl(), v.run_id!, 'models')
    const count = related.model_versions.length + related.logged_models.length + related.history_models.length
    await expect(page.getByTestId('tab-models')).toContainText(String(count))
    const row = page.locator(`[data-testid="history-model-row"][data-path=${JSON.stringify(logged.artifact_path)}]`)
    await expect(row).toBeVisible()
    for (const f of logged.flavors) await expect(row).toContainText(f)
    await screenshotBothThemes(page, 'run-detail-history-models')
    await row.getByTestId('history-model-mlmodel').click()
    await expect(page).toHaveURL(/tab=artifacts/)
    await expect(new ArtifactsPage(page).previewName).toContainText('MLmodel')
    expect(ArtifactsPage.selectedIn(new URL(page.url()))).toBe(`${logged.artifact_path}/MLmodel`)
  })

  test('a version whose files are not on this machine still shows, and its files say where they were looked for', async ({ page }) => {
    // The second store is real MLflow 3.5's: its sources are the tracking server's paths, not mapped here.
    const name = 'e2e model files elsewhere'
    const { settings } = await api('profiles:parse-url', { url: secondStoreUrl() })
    const { profile } = await api('profiles:save', { settings: { ...settings, name, environment: 'dev' }, password_from_url: secondStoreUrl() })
    try {
      await api('profiles:switch', { id: profile.id })
      const [model] = (await api('models:list', { max_results: 1 })).registered_models
      const [v] = (await api('models:get', { name: model.name })).model_versions
      const failure = await api('models:version-files', { name: model.name, version: v.version }).catch((e: Error & { code: string }) => e)
      expect(failure).toMatchObject({ code: 'NOT_FOUND' })
      const vp = new ModelVersionPage(page)
      await vp.open(e2eUrl(), model.name, v.version)
      await expect(vp.facts).toContainText(v.source!)
      await expect(page.getByTestId('model-files-error')).toContainText((failure as Error).message)
      await expect(vp.runLink).toBeVisible()
      await page.getByTestId('model-files').scrollIntoViewIfNeeded()
      await screenshotBothThemes(page, 'model-version-files-error')
    } finally {
      await api('profiles:switch', { id: 'demo' })
      await api('profiles:remove', { id: profile.id })
    }
  })

  test('an unknown version says it is not there', async ({ page }) => {
    const { name } = await richModel()
    await page.goto(`${e2eUrl()}#/models/${encodeURIComponent(name)}/versions/9999`)
    await expect(page.getByTestId('version-not-found')).toBeVisible()
  })
})
