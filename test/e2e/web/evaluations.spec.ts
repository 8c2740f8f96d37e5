import { rm } from 'node:fs/promises'
import type { ChildProcess } from 'node:child_process'
import { expect, test } from '@playwright/test'
import { copyEvaluationRun } from '../../helpers/evaluationCopy'
import { readManifest } from '../../helpers/fixtures'
import { EvaluationsPage } from '../pages/EvaluationsPage'
import { TracePage } from '../pages/TracePage'
import { api, e2eHome, e2eUrl } from '../support/api'
import { createFixtureStore } from '../support/fixtureStore'
import { makeHome, startServe, stopServe } from '../support/serve'
import { screenshot, screenshotBothThemes } from '../support/screenshots'

/**
 * GenAI evaluations on the real MLflow 3.5 GenAI fixture, served by its own `serve`: the
 * experiment's Evaluations tab, an evaluation run's rows (one followed to its trace), two runs
 * compared (a second one copied from the fixture's, with one scorer made to fail), and the
 * evaluation dataset's records.
 */
test.describe('evaluations', () => {
  let server: { url: string; child: ChildProcess }
  let home = ''
  const manifest = readManifest('genai') as { evaluation_run_id: string; evaluation_dataset: string }
  const evalRun = manifest.evaluation_run_id
  const copy = 'c0de0000c0de0000c0de0000c0de0000'

  test.beforeAll(async () => {
    test.setTimeout(180_000)
    const storeUrl = await createFixtureStore(
      'e2e_genai_evaluations',
      e2eUrl(),
      e2eHome(),
      async (client) => {
        // The fixture's tables are in public, which this admin connection does not search.
        await client.query('SET search_path TO public')
        await copyEvaluationRun((text, params) => client.query(text, params), evalRun, copy)
        // In the copy, the first row's first passing scorer fails: one regression to find.
        await client.query(
          `UPDATE assessments SET value = 'false' WHERE assessment_id = (
             SELECT a.assessment_id FROM assessments a JOIN trace_info t ON t.request_id = a.trace_id
              WHERE a.trace_id LIKE 'tr-c%' AND a.value = 'true' AND a.trace_id IN (SELECT request_id FROM trace_request_metadata WHERE key = 'mlflow.sourceRun' AND value = $1)
              ORDER BY t.timestamp_ms, a.name LIMIT 1)`,
          [copy],
        )
      },
      'genai',
    )
    home = await makeHome('mlflow-desk-e2e-evaluations-')
    server = await startServe({ MLFLOW_DESK_HOME: home, MLFLOW_TRACKING_URI: storeUrl })
  })

  test.afterAll(async () => {
    if (server?.child.pid) await stopServe(server.child.pid)
    if (home) await rm(home, { recursive: true, force: true })
  })

  test("the Evaluations tab lists the runs; a run's rows open, one row leads to its trace; two runs compare; a dataset shows its records", async ({ page }) => {
    test.setTimeout(150_000)
    const rows = await api('evaluations:rows', { run_id: evalRun }, server.url)
    const experiment = rows.run.info.experiment_id
    const listed = await api('evaluations:list', { experiment_id: experiment }, server.url)
    const ev = new EvaluationsPage(page)

    // From the experiment's Runs page, its Evaluations tab: both runs, newest first, and the dataset.
    await page.goto(`${server.url}#/experiments/${experiment}/runs`)
    await ev.tab.click()
    await expect(page).toHaveURL(new RegExp(`#/experiments/${experiment}/evaluations$`))
    await ev.waitLoaded()
    expect(await ev.runIds()).toEqual(listed.runs.map((r) => r.run.info.run_id))
    expect(await ev.runIds()).toEqual([copy, evalRun])
    await expect(ev.datasets).toHaveCount(1)
    await expect(ev.run(evalRun).getByTestId('evaluation-score').first()).toHaveText(String(rows.aggregates[0].value))
    await screenshotBothThemes(page, 'evaluations-tab')

    // One run's rows: every trace it made, a column per scorer, the aggregate scores on top.
    await ev.run(evalRun).getByTestId('evaluation-run-link').click()
    await expect(page).toHaveURL(new RegExp(`#/evaluations/${evalRun}$`))
    await expect(ev.title).toHaveText(rows.run.info.run_name!)
    await expect(ev.rows).toHaveCount(rows.rows.length)
    expect(await ev.rowIds()).toEqual(rows.rows.map((r) => r.trace_id))
    await expect(ev.aggregates).toHaveCount(rows.aggregates.length)
    const first = rows.rows[0]
    await expect(ev.row(first.trace_id).getByTestId('evaluation-score-cell')).toHaveCount(rows.scorers.length)
    await expect(ev.row(first.trace_id)).toContainText(first.request_preview!)
    // Opened, the row shows each scorer with its source.
    await ev.row(first.trace_id).locator('.n-data-table-expand-trigger').click()
    await expect(ev.rowDetail.getByTestId('evaluation-row-scorer')).toHaveCount(rows.scorers.length)
    await screenshotBothThemes(page, 'evaluation-run')

    // The row's trace.
    await ev.row(first.trace_id).getByTestId('evaluation-trace-link').click()
    await expect(page).toHaveURL(new RegExp(`#/traces/${first.trace_id}`))
    await expect(new TracePage(page).traceId).toContainText(first.trace_id)

    // The run page of an evaluation run links to its results.
    await page.goto(`${server.url}#/runs/${evalRun}`)
    await page.getByTestId('run-evaluation-results').click()
    await expect(page).toHaveURL(new RegExp(`#/evaluations/${evalRun}$`))

    // Two runs compared: the copy's failing scorer is the one regression; filtered to regressions it is alone.
    const compared = await api('evaluations:compare', { run_a: evalRun, run_b: copy }, server.url)
    expect(compared.summary.regressed).toBe(1)
    await page.goto(`${server.url}#/experiments/${experiment}/evaluations`)
    await ev.waitLoaded()
    await expect(ev.compareButton).toBeDisabled()
    await ev.tick(evalRun)
    await ev.tick(copy)
    await ev.compareButton.click()
    await expect(page).toHaveURL(/#\/evaluations\/compare\?/)
    await expect(ev.compareRows).toHaveCount(compared.rows.length)
    await expect(page.getByTestId('compare-summary-regressed')).toContainText(String(compared.summary.regressed))
    await expect(page.getByTestId('compare-summary-same')).toContainText(String(compared.summary.same))
    await ev.compareFilter.getByText('Regressions').click()
    await expect(ev.compareRows).toHaveCount(1)
    await expect(ev.compareRows.first()).toHaveAttribute('data-change', 'regressed')
    await expect(ev.compareRows.first().locator('[data-change="regressed"]')).toHaveCount(1)
    await ev.compareFilter.getByText('All').click()
    await screenshotBothThemes(page, 'evaluation-compare')

    // The evaluation dataset: its records, one opened as JSON.
    const dataset = await api('datasets:get', { dataset_id: manifest.evaluation_dataset }, server.url)
    await page.goto(`${server.url}#/experiments/${experiment}/evaluations`)
    await ev.waitLoaded()
    await ev.datasets.first().getByTestId('dataset-link').click()
    await expect(page).toHaveURL(new RegExp(`#/datasets/${manifest.evaluation_dataset}$`))
    await expect(ev.datasetTitle).toHaveText(dataset.dataset.name)
    await expect(ev.records).toHaveCount(dataset.records.length)
    const record = dataset.records[0]
    await expect(ev.records.first()).toContainText(JSON.stringify(record.inputs).slice(2, 20))
    await ev.records.first().locator('.n-data-table-expand-trigger').click()
    await expect(page.getByTestId('dataset-record-detail').getByTestId('json-tree')).toHaveCount(4)
    await screenshotBothThemes(page, 'evaluation-dataset')
  })

  test('an experiment without evaluations has the tab, and its Evaluations page says there are none', async ({ page }) => {
    const { experiments } = await api('experiments:list', {}, server.url)
    const lists = await Promise.all(
      experiments.map(async (e) => ({ e, n: (await api('evaluations:list', { experiment_id: e.experiment_id }, server.url)).runs.length })),
    )
    const none = lists.find((x) => x.n === 0 && x.e.experiment_id !== '0')!.e
    const ev = new EvaluationsPage(page)
    await page.goto(`${server.url}#/experiments/${none.experiment_id}/traces`)
    await expect(page.getByTestId('experiment-tab-traces')).toBeVisible()
    await ev.tab.click()
    await expect(page).toHaveURL(new RegExp(`#/experiments/${none.experiment_id}/evaluations$`))
    await ev.waitLoaded()
    await expect(page.getByTestId('evaluations-empty')).toBeVisible()
    await screenshot(page, 'evaluations-empty')
    // An unknown evaluation run: a clear not-found page.
    await page.goto(`${server.url}#/evaluations/ffffffffffffffffffffffffffffffff`)
    await expect(page.getByTestId('evaluation-not-found')).toBeVisible()
  })
})
