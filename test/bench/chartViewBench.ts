/**
 * `npm run bench -- --charts`: the runs page's chart view as a user meets it, in Debian's Chromium
 * through `mlflow-desk serve` (the build), on an experiment of 10 runs x 2,000 metric keys x 200
 * steps (the MLflow-written fixture plus a generated wide experiment, in a database of the bench
 * cluster, kept between runs):
 * - from the click on "Charts" until every card on screen has drawn its lines (or bars);
 * - scrolling the 2,000-chart grid: frames per second, from requestAnimationFrame frame times
 *   while the grid scrolls by a fixed step each frame (the median frame of each run).
 */
import { join } from 'node:path'
import pg from 'pg'
import { chromium, type Browser, type Page } from '@playwright/test'
import { targetToUrl, type ConnectionTarget } from '../../electron/services/connections/connectionUrl'
import { openWritableClient } from '../../electron/services/connections/storeConnection'
import { startCluster } from '../../electron/services/demo/embeddedCluster'
import { loadPlainDump } from '../helpers/pgDump'
import { FIXTURES } from '../helpers/fixtures'
import { addWideExperiment } from '../e2e/support/fixtureStore'
import { makeHome, startServe, stopServe } from '../e2e/support/serve'
import { BENCH_DIR } from './benchStore'
import { formatFigure, type Figure } from './measure'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const DATABASE = 'mlflow_bench_chart_view'
const EXPERIMENT = 'bench-wide-2000-keys'

export function figure(name: string, values: number[], unit: string): Figure {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return { name, median: sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2, min: sorted[0], max: sorted[sorted.length - 1], unit }
}

/** A generated experiment of the bench store: its name and shape (see addWideExperiment). */
export interface WideShape {
  name: string
  runs: number
  keys: number
  steps: number
}

/**
 * The bench store in the bench cluster (the MLflow-written fixture, loaded once) with the wide
 * experiment `shape` (generated once, kept between runs); its target and the experiment's id.
 */
export async function wideStore(
  log: (m: string) => void,
  shape: WideShape,
): Promise<{ target: ConnectionTarget; experimentId: string; stop: () => Promise<void> }> {
  const cluster = await startCluster({ dataDir: join(BENCH_DIR, 'pg'), password: 'mlflow-desk-bench' })
  const target: ConnectionTarget = {
    host: cluster.host,
    port: cluster.port,
    user: cluster.user,
    password: cluster.password,
    database: DATABASE,
    ssl: { mode: 'disable', root_cert: null, cert: null, key: null },
  }
  const stop = () => (cluster.owned ? cluster.stop() : Promise.resolve())
  const admin = await openWritableClient({ ...target, database: 'postgres' })
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE])).rowCount === 1
    if (!exists) await admin.query(`CREATE DATABASE ${DATABASE}`)
  } finally {
    await admin.end()
  }
  const client = new pg.Client({ host: target.host, port: target.port, user: target.user, password: target.password, database: DATABASE })
  await client.connect()
  try {
    const loaded = (await client.query("SELECT to_regclass('public.experiments') IS NOT NULL AS ok")).rows[0].ok as boolean
    const found = loaded ? (await client.query<{ id: number }>('SELECT experiment_id AS id FROM public.experiments WHERE name = $1', [shape.name])).rows : []
    if (found.length) return { target, experimentId: String(found[0].id), stop }
    if (!loaded) await loadPlainDump(client, FIXTURES.small.dump)
    log(`generating ${shape.name} (${shape.runs} runs x ${shape.keys} keys x ${shape.steps} steps) in ${DATABASE}, once…`)
    const experimentId = await addWideExperiment(client, shape)
    return { target, experimentId, stop }
  } finally {
    await client.end()
  }
}

/** Every card on screen drawn: lines with their series, or bars; then one more frame painted. */
export async function screenDrawn(page: Page): Promise<void> {
  // Page-side functions reach the DOM through globalThis: this file is type-checked for Node, without the DOM's types.
  await page.waitForFunction(
    () => {
      const doc = (globalThis as any).document
      const box = doc.querySelector('[data-testid="chart-scroller"]')?.getBoundingClientRect()
      if (!box) return false
      const cards: any[] = Array.from(doc.querySelectorAll('[data-testid="chart-card"]'))
      const onScreen = cards.filter((c) => {
        const r = c.getBoundingClientRect()
        return r.bottom > box.top && r.top < box.bottom
      })
      return onScreen.length > 0 && onScreen.every((c) => ['ready', 'bars'].includes(c.getAttribute('data-state')))
    },
    undefined,
    { timeout: 120_000, polling: 'raf' },
  )
  await page.evaluate(() => new Promise((r) => (globalThis as any).requestAnimationFrame(() => r(null))))
}

/**
 * Frames per second (1000 / median frame time) while the grid scrolls `px` per frame for `ms`.
 * The page script is a string: tsx would wrap a function's inner closures in its own helper, which the page lacks.
 */
function scrollFps(page: Page, px: number, ms: number): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const el = document.querySelector('[data-testid="chart-scroller"]')
    const times = []
    let last = 0
    const start = performance.now()
    requestAnimationFrame(function step(t) {
      if (last) times.push(t - last)
      last = t
      el.scrollTop += ${px}
      if (t - start < ${ms}) return requestAnimationFrame(step)
      times.sort((a, b) => a - b)
      resolve(1000 / times[Math.floor(times.length / 2)])
    })
  })`)
}

export async function runChartViewBench(opts: { repeat: number }, log: (m: string) => void): Promise<void> {
  const { target, experimentId, stop } = await wideStore(log, { name: EXPERIMENT, runs: 10, keys: 2000, steps: 200 })
  const home = await makeHome('desk-chart-view-bench-')
  const { url, child } = await startServe({ MLFLOW_DESK_HOME: home, MLFLOW_TRACKING_URI: targetToUrl(target, true) })
  let browser: Browser | null = null
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM })
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    await page.goto(url)
    const clicks: number[] = []
    const fps: number[] = []
    const repeat = Math.min(opts.repeat, 10)
    for (let i = 0; i <= repeat; i++) {
      await page.goto(`${url}#/experiments/${experimentId}/runs`)
      await page
        .getByTestId('runs-count')
        .filter({ hasNotText: /Loading/ })
        .waitFor()
      const t0 = Date.now()
      await page.getByTestId('pane-charts').click()
      await screenDrawn(page)
      const click = Date.now() - t0
      // 40 px a frame: about 2,400 px/s at 60 fps, a brisk wheel.
      const rate = await scrollFps(page, 40, 3000)
      await page.getByTestId('pane-table').click()
      if (i === 0) {
        log(`  warm-up: charts drawn ${click} ms after the click, scrolling at ${rate.toFixed(1)} fps`)
        continue
      }
      clicks.push(click)
      fps.push(rate)
    }
    for (const f of [
      figure('chart view: click -> cards on screen drawn (10 runs, 2,000 keys)', clicks, 'ms'),
      figure('chart view: scrolling 2,000 charts, frames per second', fps, 'fps'),
    ])
      console.log(formatFigure(f))
  } finally {
    await browser?.close()
    if (child.pid) await stopServe(child.pid)
    await stop()
  }
}
