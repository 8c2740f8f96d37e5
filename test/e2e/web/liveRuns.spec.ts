import { rm } from 'node:fs/promises'
import type { ChildProcess } from 'node:child_process'
import pg from 'pg'
import { expect, test, type Page, type Request } from '@playwright/test'
import { AppShell } from '../pages/AppShell'
import { ChartViewPage } from '../pages/ChartViewPage'
import { ComparePage } from '../pages/ComparePage'
import { RunsPage } from '../pages/RunsPage'
import { e2eHome, e2eUrl } from '../support/api'
import { createFixtureStore } from '../support/fixtureStore'
import { makeHome, startServe, stopServe } from '../support/serve'
import { screenshot, screenshotBothThemes } from '../support/screenshots'

/**
 * Live runs against a store the test writes to while the page is open, as a
 * training script logging to MLflow would: a metric point of a RUNNING run, a
 * new run, then both finished.
 */

const RUNS = 30
const STEPS = 20
const id = (n: number) => `11111111111111111111111111${String(n).padStart(6, '0')}`

/** The API calls the page makes to a channel, with their requests. */
function callsTo(page: Page, channel: string): Array<Record<string, unknown>> {
  const calls: Array<Record<string, unknown>> = []
  page.on('request', (r: Request) => {
    if (decodeURIComponent(new URL(r.url()).pathname) === `/api/${channel}`) calls.push(JSON.parse(r.postData() ?? '{}') as Record<string, unknown>)
  })
  return calls
}

/** A point of `loss`, and the run's latest value with it (as MLflow's log_metric writes both). */
async function logLoss(db: pg.Client, runId: string, step: number, value: number): Promise<void> {
  const now = Date.now()
  await db.query('INSERT INTO public.metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES ($1, $2, $3, $4, $5, false)', [
    'loss',
    value,
    now,
    runId,
    step,
  ])
  await db.query(
    `INSERT INTO public.latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES ('loss', $1, $2, $3, false, $4)
     ON CONFLICT (key, run_uuid) DO UPDATE SET value = EXCLUDED.value, timestamp = EXCLUDED.timestamp, step = EXCLUDED.step`,
    [value, now, step, runId],
  )
}

test.describe('live runs', () => {
  let server: { url: string; child: ChildProcess }
  let home = ''
  let storeUrl = ''
  let experimentId = ''
  let db: pg.Client
  let base = 0

  test.beforeAll(async () => {
    test.setTimeout(180_000)
    base = Date.now() - 3_600_000
    storeUrl = await createFixtureStore('e2e_live', e2eUrl(), e2eHome(), async (client) => {
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO public.experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
         VALUES ('live-training', 'file:///tmp/e2e-live', 'active', $1, $1) RETURNING experiment_id AS id`,
        [base],
      )
      experimentId = String(rows[0].id)
      // Runs 1..30, one a minute; the newest (30) is still RUNNING.
      await client.query(
        `INSERT INTO public.runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id)
         SELECT '11111111111111111111111111' || lpad(r::text, 6, '0'), 'live-run-' || lpad(r::text, 2, '0'), 'LOCAL', 'train.py', '', 'e2e',
                CASE WHEN r = $3 THEN 'RUNNING' ELSE 'FINISHED' END, $2::bigint + r * 60000, CASE WHEN r = $3 THEN NULL ELSE $2::bigint + r * 60000 + 50000 END,
                '', 'active', 'file:///tmp/e2e-live/' || r, $1::int
         FROM generate_series(1, $3::int) r`,
        [experimentId, base, RUNS],
      )
      await client.query(
        `INSERT INTO public.metrics (key, value, timestamp, run_uuid, step, is_nan)
         SELECT 'loss', 2.0 / (s + 1) + r * 0.01, $1::bigint + r * 60000 + s * 1000, '11111111111111111111111111' || lpad(r::text, 6, '0'), s, false
         FROM generate_series(1, $2::int) r, generate_series(0, $3::int - 1) s`,
        [base, RUNS, STEPS],
      )
      await client.query(
        `INSERT INTO public.latest_metrics (key, value, timestamp, step, is_nan, run_uuid)
         SELECT DISTINCT ON (run_uuid) key, value, timestamp, step, is_nan, run_uuid FROM public.metrics
         WHERE run_uuid LIKE '11111111111111111111111111%' ORDER BY run_uuid, step DESC`,
      )
    })
    db = new pg.Client({ connectionString: storeUrl })
    await db.connect()
    home = await makeHome('mlflow-desk-e2e-live-')
    server = await startServe({ MLFLOW_DESK_HOME: home, MLFLOW_TRACKING_URI: storeUrl })
  })

  test.afterAll(async () => {
    await db?.end()
    if (server?.child.pid) await stopServe(server.child.pid)
    if (home) await rm(home, { recursive: true, force: true })
  })

  test('refreshes the running run and brings new runs in at the top, keeping the selection and the scroll; a finished run stops it', async ({ page }) => {
    test.setTimeout(120_000)
    const searches = callsTo(page, 'runs:search')
    await page.goto(server.url)
    await page.goto(`${server.url.split('#')[0]}#/experiments/${experimentId}/runs`)
    const runs = new RunsPage(page)
    await runs.waitLoaded()
    await expect(runs.count).toHaveText(`${RUNS} runs`)

    // The newest run is running: the page says it is live, every 10 s unless the user says otherwise.
    const indicator = page.getByTestId('live-indicator')
    await expect(indicator).toHaveText(/Live · 10 s/)
    await indicator.click()
    const panel = page.getByTestId('live-panel')
    await expect(panel).toContainText('1 running run read again every 10 s')
    await panel.getByTestId('live-interval-2').click()
    await expect(indicator).toHaveText(/Live · 2 s/)
    await expect(indicator).toHaveAttribute('data-interval', '2')
    await expect(panel.getByTestId('live-last')).toBeVisible({ timeout: 15_000 })
    await page.mouse.click(5, 5)
    await expect(panel).toBeHidden()
    // The popover in both themes (the theme key is not for the popover's own buttons).
    for (const theme of ['light', 'dark'] as const) {
      await new AppShell(page).useTheme(theme)
      await indicator.click()
      await expect(panel).toBeVisible()
      await screenshot(page, `live-runs-popover-${theme}`)
      await page.mouse.click(5, 5)
      await expect(panel).toBeHidden()
    }

    // Tick a run, and scroll down the table a little.
    await runs.row(id(20)).locator('.row-check').click()
    await expect(page.getByTestId('checked-count')).toHaveText('1 selected')
    const scroller = runs.table.locator('.v-vl')
    await scroller.evaluate((el) => (el.scrollTop = 190))
    await expect.poll(() => scroller.evaluate((el) => el.scrollTop)).toBe(190)
    const topRow = async () => (await runs.shownRunIds()).find((rid) => rid)!
    const firstShown = await runs.row(id(25)).boundingBox()

    // The training script logs a point; another run starts.
    await logLoss(db, id(RUNS), STEPS, 0.777)
    const newRun = id(RUNS + 1)
    await db.query(
      `INSERT INTO public.runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id)
       VALUES ($1, 'live-run-31', 'LOCAL', 'train.py', '', 'e2e', 'RUNNING', $2, NULL, '', 'active', 'file:///tmp/e2e-live/31', $3)`,
      [newRun, Date.now(), experimentId],
    )
    await expect(runs.count).toHaveText(`${RUNS + 1} runs`, { timeout: 15_000 })
    // Nothing moved on screen: the scroll went down by the new row, the tick stayed.
    await expect.poll(async () => Math.abs((await scroller.evaluate((el) => el.scrollTop)) - (190 + 38))).toBeLessThan(3)
    expect((await runs.row(id(25)).boundingBox())!.y).toBeCloseTo(firstShown!.y, 0)
    await expect(page.getByTestId('checked-count')).toHaveText('1 selected')
    await expect(runs.row(id(20)).locator('.row-check')).toBeChecked()
    // At the top: the new run first.
    await scroller.evaluate((el) => (el.scrollTop = 0))
    await expect.poll(topRow).toBe(newRun)
    await expect(runs.row(id(RUNS))).toContainText('0.777')
    await expect(indicator).toHaveText(/Live · 2 s/)
    await page.getByTestId('live-indicator').click()
    await expect(panel).toContainText('2 running runs')
    await page.mouse.click(5, 5)

    // Both finish: once read back finished, nothing is asked for any more and the indicator goes.
    await db.query(`UPDATE public.runs SET status = 'FINISHED', end_time = $1 WHERE run_uuid IN ($2, $3)`, [Date.now(), id(RUNS), newRun])
    await expect(indicator).toBeHidden({ timeout: 15_000 })
    await expect(runs.row(newRun)).toContainText('Finished')
    const after = searches.length
    await page.waitForTimeout(5_000)
    expect(searches.slice(after)).toEqual([])
    await screenshotBothThemes(page, 'live-runs-finished')
  })

  test('charts of running runs take new points on the tick without losing the zoom', async ({ page }) => {
    test.setTimeout(120_000)
    const runId = id(RUNS + 2)
    await db.query(`UPDATE public.runs SET status = 'FINISHED', end_time = $1 WHERE experiment_id = $2 AND status = 'RUNNING'`, [Date.now(), experimentId])
    await db.query(
      `INSERT INTO public.runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id)
       VALUES ($1, 'live-run-32', 'LOCAL', 'train.py', '', 'e2e', 'RUNNING', $2, NULL, '', 'active', 'file:///tmp/e2e-live/32', $3)`,
      [runId, Date.now(), experimentId],
    )
    for (let s = 0; s < STEPS; s++) await logLoss(db, runId, s, 1 / (s + 1))
    // The interval, as a user set it before (the same setting the popover writes).
    await page.addInitScript(
      ([key, value]) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem(key, value),
      ['mlflow-desk:live', JSON.stringify({ intervalSec: 2, paused: false })],
    )
    const compares = callsTo(page, 'metrics:compare')
    await page.goto(server.url)
    await page.goto(`${server.url.split('#')[0]}#/experiments/${experimentId}/runs?pane=charts`)
    const runs = new RunsPage(page)
    await runs.waitLoaded()
    await expect(page.getByTestId('live-indicator')).toHaveText(/Live · 2 s/)
    const charts = new ChartViewPage(page)
    const chart = charts.card('loss').getByTestId('compare-chart')
    await expect(chart).toBeVisible()
    const points = async () => Number(await chart.getAttribute('data-point-count'))
    const before = await points()

    // A new point: the chart takes it on the next tick, asking only for the running run.
    const asked = compares.length
    await logLoss(db, runId, STEPS, 0.01)
    await expect.poll(points, { timeout: 15_000 }).toBe(before + 1)
    const live = compares.slice(asked).find((c) => (c.run_ids as string[]).length === 1)
    expect(live).toMatchObject({ run_ids: [runId], metric_keys: ['loss'] })

    // Zoomed in, it keeps its window through the next ticks.
    await new ComparePage(page).dragZoom('loss', 0.2, 0.6)
    await expect(chart).toHaveAttribute('data-window', /^\d+-\d+$/)
    const window = await chart.getAttribute('data-window')
    const zoomedAt = compares.length
    await logLoss(db, runId, STEPS + 1, 0.009)
    await expect
      .poll(() => compares.slice(zoomedAt).filter((c) => c.from_step !== undefined && c.from_step !== null).length, { timeout: 15_000 })
      .toBeGreaterThan(0)
    await page.waitForTimeout(2_500)
    await expect(chart).toHaveAttribute('data-window', window!)
    await expect(chart.getByTestId('reset-zoom')).toBeVisible()
    await screenshotBothThemes(page, 'live-runs-charts')

    await db.query(`UPDATE public.runs SET status = 'FINISHED', end_time = $1 WHERE run_uuid = $2`, [Date.now(), runId])
    await expect(page.getByTestId('live-indicator')).toBeHidden({ timeout: 15_000 })
  })
})
