/**
 * `npm run bench -- --run-page`: one run's page as a user meets it, in Debian's Chromium through
 * `mlflow-desk serve` (the build), on a run that logged 200 metric keys over 1,000 steps each
 * (generated once beside the chart view bench's experiment, in the same bench database):
 * - from the link to the run followed (in the app, from the experiments page) until its Overview
 *   is painted: facts, the key metrics with their latest, min, max and trend lines;
 * - the same until its Metrics tab is painted: every chart card on screen drawn.
 * The goal (#15): each under 500 ms.
 */
import { chromium, type Browser, type Page } from '@playwright/test'
import { targetToUrl } from '../../electron/services/connections/connectionUrl'
import { api } from '../e2e/support/api'
import { makeHome, startServe, stopServe } from '../e2e/support/serve'
import { figure, screenDrawn, wideStore } from './chartViewBench'
import { formatFigure } from './measure'

const EXPERIMENT = { name: 'bench-run-200-keys', runs: 1, keys: 200, steps: 1000 }

/** Follow an in-app link to `hash` from the experiments page; ms until `painted` holds, then one frame more. */
async function openTimed(page: Page, url: string, hash: string, painted: () => Promise<void>): Promise<number> {
  await page.goto(`${url}#/experiments`)
  await page
    .getByTestId('experiments-table')
    .waitFor()
    .catch(() => undefined)
  const t0 = Date.now()
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`)
  await painted()
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => r(null)))')
  return Date.now() - t0
}

/** The Overview's key metrics all drawn: a trend line (with its points) in every row. */
async function overviewPainted(page: Page): Promise<void> {
  // A function, not a string (the app's CSP forbids eval); the DOM through globalThis (this file is type-checked for Node).
  await page.waitForFunction(
    () => {
      const rows: any[] = Array.from((globalThis as any).document.querySelectorAll('[data-testid="key-metric"]'))
      return rows.length > 0 && rows.every((r) => r.querySelector('[data-testid="sparkline"][data-points]'))
    },
    undefined,
    { timeout: 60_000, polling: 'raf' },
  )
}

export async function runRunPageBench(opts: { repeat: number }, log: (m: string) => void): Promise<void> {
  const { target, experimentId, stop } = await wideStore(log, EXPERIMENT)
  const home = await makeHome('desk-run-page-bench-')
  const { url, child } = await startServe({ MLFLOW_DESK_HOME: home, MLFLOW_TRACKING_URI: targetToUrl(target, true) })
  let browser: Browser | null = null
  try {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' })
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    await page.goto(url)
    const { runs } = await api('runs:search', { experiment_ids: [experimentId], max_results: 1 }, url)
    const runId = runs[0].info.run_id
    const overview: number[] = []
    const metrics: number[] = []
    const repeat = Math.min(opts.repeat, 10)
    for (let i = 0; i <= repeat; i++) {
      const o = await openTimed(page, url, `#/runs/${runId}`, () => overviewPainted(page))
      const m = await openTimed(page, url, `#/runs/${runId}?tab=metrics`, () => screenDrawn(page))
      if (i === 0) {
        log(`  warm-up: Overview painted in ${o} ms, Metrics tab in ${m} ms`)
        continue
      }
      overview.push(o)
      metrics.push(m)
    }
    for (const f of [
      figure('run page: link -> Overview painted (200 metric keys, key metrics with trends)', overview, 'ms'),
      figure('run page: link -> Metrics tab charts on screen drawn (200 metric keys)', metrics, 'ms'),
    ])
      console.log(formatFigure(f))
  } finally {
    await browser?.close()
    if (child.pid) await stopServe(child.pid)
    await stop()
  }
}
