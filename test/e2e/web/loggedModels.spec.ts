import { rm } from 'node:fs/promises'
import type { ChildProcess } from 'node:child_process'
import { expect, test } from '@playwright/test'
import { LoggedModelsPage } from '../pages/LoggedModelsPage'
import { RunDetailPage } from '../pages/RunDetailPage'
import { api, e2eHome, e2eUrl } from '../support/api'
import { createFixtureStore } from '../support/fixtureStore'
import { makeHome, startServe, stopServe } from '../support/serve'
import { screenshotBothThemes } from '../support/screenshots'

/**
 * MLflow 3 logged models on the real MLflow 3.5 GenAI fixture, served by its own `serve`: the
 * experiment's Models tab, a logged model's page, two compared, and a run's logged models.
 */
test.describe('logged models', () => {
  let server: { url: string; child: ChildProcess }
  let home = ''
  let sourceRun = ''

  test.beforeAll(async () => {
    test.setTimeout(180_000)
    // The fixture's models have no source run (set_active_model): give the older one the run that measured it, as log_model in a run does.
    const storeUrl = await createFixtureStore(
      'e2e_genai_logged_models',
      e2eUrl(),
      e2eHome(),
      async (client) => {
        const r = await client.query<{ model_id: string; run_id: string }>(
          `SELECT m.model_id, min(x.run_id) AS run_id FROM public.logged_models m JOIN public.logged_model_metrics x ON x.model_id = m.model_id
            GROUP BY m.model_id, m.creation_timestamp_ms ORDER BY m.creation_timestamp_ms LIMIT 1`,
        )
        sourceRun = r.rows[0].run_id
        await client.query('UPDATE public.logged_models SET source_run_id = $1 WHERE model_id = $2', [sourceRun, r.rows[0].model_id])
      },
      'genai',
    )
    home = await makeHome('mlflow-desk-e2e-logged-models-')
    server = await startServe({ MLFLOW_DESK_HOME: home, MLFLOW_TRACKING_URI: storeUrl })
  })

  test.afterAll(async () => {
    if (server?.child.pid) await stopServe(server.child.pid)
    if (home) await rm(home, { recursive: true, force: true })
  })

  test('the Models tab lists the logged models; one opens with its params, metrics and traces; two compare', async ({ page }) => {
    test.setTimeout(150_000)
    const { experiments } = await api('experiments:list', {}, server.url)
    const searches = await Promise.all(
      experiments.map(async (e) => ({ e, page: await api('loggedModels:search', { experiment_ids: [e.experiment_id] }, server.url) })),
    )
    const { e: experiment, page: found } = searches.find((s) => s.page.models.length >= 2)!
    const models = new LoggedModelsPage(page)

    // From the experiment's Runs page, its Models tab.
    await page.goto(`${server.url}#/experiments/${experiment.experiment_id}/runs`)
    await models.tab.click()
    await expect(page).toHaveURL(new RegExp(`#/experiments/${experiment.experiment_id}/logged-models$`))
    await models.waitLoaded()
    expect(await models.ids()).toEqual(found.models.map((m) => m.model_id))
    await expect(models.count).toHaveText(`${found.models.length} logged models`)
    const withRun = found.models.find((m) => m.source_run_id)!
    await expect(models.row(withRun.model_id).getByTestId('source-run-link')).toHaveAttribute('href', `#/runs/${sourceRun}`)
    await expect(models.row(found.models[0].model_id).getByTestId('logged-model-status')).toHaveAttribute('data-status', found.models[0].status)
    await screenshotBothThemes(page, 'logged-models-list')

    // A name filter narrows the list (server-side).
    await page.getByTestId('logged-models-search').locator('input').fill(found.models[0].name)
    await expect(models.rows).toHaveCount(1)
    await page.getByTestId('logged-models-search').locator('input').fill('')
    await expect(models.rows).toHaveCount(found.models.length)

    // Compare the two: every metric side by side, the best marked.
    const [a, b] = found.models
    await expect(models.compareButton).toBeDisabled()
    await models.tick(a.model_id)
    await models.tick(b.model_id)
    await expect(models.compareButton).toHaveText('Compare (2)')
    await page.keyboard.press('c')
    await expect(models.compareDialog).toBeVisible()
    const keys = [...new Set([...a.metrics, ...b.metrics].map((m) => m.key))]
    await expect(models.compareDialog.getByTestId('compare-metric-row')).toHaveCount(keys.length)
    const shared = a.metrics.find((m) => b.metrics.some((x) => x.key === m.key) && m.key.includes('relevance'))!
    const other = b.metrics.find((m) => m.key === shared.key)!
    const bestIndex = shared.value! > other.value! ? 0 : 1
    const cells = models.compareDialog.locator(`[data-testid="compare-metric-row"][data-metric="${shared.key}"] [data-testid="compare-metric-cell"]`)
    await expect(cells.nth(bestIndex)).toHaveAttribute('data-best', 'true')
    await expect(cells.nth(1 - bestIndex)).not.toHaveAttribute('data-best', 'true')
    await expect(models.compareDialog.getByTestId('logged-model-bars')).toHaveAttribute('data-bar-count', '2')
    await screenshotBothThemes(page, 'logged-models-compare')
    await page.keyboard.press('Escape')
    await expect(models.compareDialog).toBeHidden()

    // One model's page.
    const target = found.models.find((m) => m.model_id === withRun.model_id)!
    const detail = await api('loggedModels:get', { model_id: target.model_id }, server.url)
    await models.row(target.model_id).getByTestId('logged-model-link').click()
    await expect(page).toHaveURL(new RegExp(`#/logged-models/${target.model_id}$`))
    await expect(models.title).toHaveText(target.name)
    await expect(page.getByTestId('logged-model-source-run')).toHaveText(sourceRun)
    await expect(page.getByTestId('logged-model-params').getByTestId('param-row')).toHaveCount(detail.model.params.length)
    await expect(page.getByTestId('logged-model-metric')).toHaveCount(detail.model.metrics.length)
    await expect(page.getByTestId('logged-model-location')).toHaveText(detail.model.artifact_location)
    expect(detail.trace_count).toBeGreaterThan(0)
    await expect(page.getByTestId('logged-model-trace')).toHaveCount(detail.traces.length)
    await expect(page.getByTestId('model-trace-link').first()).toHaveAttribute('href', `#/traces/${detail.traces[0].trace_id}`)
    await screenshotBothThemes(page, 'logged-model-detail')
    await page.getByTestId('logged-model-traces').scrollIntoViewIfNeeded()
    await expect(page.getByTestId('logged-model-traces-tab')).toHaveAttribute('href', /#\/experiments\/\d+\/traces\?filter=metadata/)
    await screenshotBothThemes(page, 'logged-model-traces')

    // Backspace goes back to the Models tab.
    await page.keyboard.press('Backspace')
    await expect(page).toHaveURL(new RegExp(`#/experiments/${experiment.experiment_id}/logged-models$`))
  })

  test("the run page lists the run's logged models and the metrics it logged for them", async ({ page }) => {
    const got = await api('loggedModels:forRun', { run_id: sourceRun }, server.url)
    expect(got.models.length).toBeGreaterThan(0)
    const run = new RunDetailPage(page)
    await run.open(server.url, sourceRun, 'models')
    const rows = page.getByTestId('run-logged-model')
    await expect(rows).toHaveCount(got.models.length)
    const first = got.models[0]
    await expect(rows.first()).toHaveAttribute('data-model-id', first.model_id)
    await expect(rows.first().getByTestId('run-logged-model-metric')).toHaveCount(first.metrics.length)
    await screenshotBothThemes(page, 'run-logged-models')
    await rows.first().getByTestId('run-logged-model-link').click()
    await expect(page.getByTestId('logged-model-title')).toHaveText(first.name)
  })
})
