/**
 * `npm run bench -- --runs-page [--size medium] [--url postgresql://…]`: the runs page of the
 * biggest experiment as a user meets it, in Debian's Chromium through `mlflow-desk serve` (the
 * build), on the generated bench store (large: 100,000 runs; medium: 20,000) or any store:
 * - from the click on the experiment in the experiments list until its first rows are painted;
 * - the same on a cold page load (a fresh browser context opening the runs page's address);
 * - scrolling 5,000 rows: frame times (median and 95th percentile of each pass, from
 *   requestAnimationFrame), the frames that found the end of the loaded rows before the next
 *   page came (waiting for rows), and the page's DOM nodes once scrolled.
 * The goal (#17): first rows under 300 ms, no frame waiting, fewer than 5,000 DOM nodes.
 */
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test'
import { targetToUrl, type ConnectionTarget } from '../../electron/services/connections/connectionUrl'
import { openStore } from '../../electron/services/connections/storeConnection'
import { makeHome, startServe, stopServe } from '../e2e/support/serve'
import { figure } from './chartViewBench'
import { formatFigure } from './measure'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const SCROLL_ROWS = 5000
/** Rows scrolled each frame: 5,000 rows in ~10 s at 60 fps, a long fast wheel (or a dragged scrollbar). */
const ROWS_PER_FRAME = 8

/** The experiment with the most active runs, and how many. */
async function biggestExperiment(target: ConnectionTarget): Promise<{ id: string; runs: number }> {
  const store = await openStore(target)
  try {
    const [row] = await store.select<{ experiment_id: number; n: number }>(
      `SELECT experiment_id, count(*)::int AS n FROM runs WHERE lifecycle_stage = 'active' GROUP BY experiment_id ORDER BY n DESC LIMIT 1`,
    )
    return { id: String(row.experiment_id), runs: row.n }
  } finally {
    await store.close()
  }
}

/**
 * ms from `since` (a performance.now() of the page; 0 = the navigation's start) until a run row
 * is in the table, measured at the next frame (when it is painted). A string: the app's CSP allows
 * no eval, but page.evaluate's script is run by the debugger, and tsx would wrap a function's
 * closures in a helper the page lacks.
 */
function firstRowsAt(page: Page, since: string): Promise<number> {
  return page.evaluate(`new Promise((resolve, reject) => {
    const t0 = ${since}
    const deadline = performance.now() + 60000
    requestAnimationFrame(function look() {
      if (document.querySelector('[data-testid^="run-row-"]')) return requestAnimationFrame((t) => resolve(t - t0))
      if (performance.now() > deadline) return reject(new Error('no run rows in 60 s'))
      requestAnimationFrame(look)
    })
  })`)
}

/** Click the experiment's row in the list; ms from the click's event until the first run rows are painted. */
async function clickTimed(page: Page, url: string, experimentId: string): Promise<number> {
  await page.goto(`${url}#/experiments`)
  const row = page.getByTestId(`experiment-row-${experimentId}`)
  await row.waitFor({ timeout: 60_000 })
  await page.evaluate(`window.__clickAt = null; addEventListener('click', (e) => (window.__clickAt ??= e.timeStamp), { capture: true, once: true })`)
  await row.locator('td').nth(1).click()
  await page.waitForFunction('window.__clickAt !== null')
  return firstRowsAt(page, 'window.__clickAt')
}

/** A fresh context (nothing cached) opening the runs page's address; ms from the navigation's start. */
async function coldTimed(browser: Browser, url: string, experimentId: string): Promise<number> {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1440, height: 900 } })
  try {
    const page = await context.newPage()
    await page.goto(`${url}#/experiments/${experimentId}/runs`, { waitUntil: 'commit' })
    return await firstRowsAt(page, '0')
  } finally {
    await context.close()
  }
}

interface ScrollPass {
  median: number
  p95: number
  /** The pass's time over its frames: rAF times come in whole display frames (16.7, 33.3 ms), so the median hides a change within one. */
  mean: number
  waiting: number
  frames: number
  nodes: number
  loaded: number
}

/**
 * Scroll the table from the top through SCROLL_ROWS rows, ROWS_PER_FRAME a frame. A frame
 * "waits" when the loaded rows end before where it should have scrolled to.
 */
function scrollPass(page: Page): Promise<ScrollPass> {
  return page.evaluate(`new Promise((resolve, reject) => {
    const table = document.querySelector('[data-testid="runs-table"]')
    const row = table.querySelector('[data-testid^="run-row-"]')
    const lists = [...table.querySelectorAll('.n-scrollbar-container, .v-vl')].filter((el) => el.scrollHeight > el.clientHeight && el.contains(row))
    const el = lists[lists.length - 1]
    if (!el) return reject(new Error('no scrolling row container'))
    const rowHeight = row.getBoundingClientRect().height
    const step = rowHeight * ${ROWS_PER_FRAME}
    const end = rowHeight * ${SCROLL_ROWS}
    el.scrollTop = 0
    const times = []
    let waiting = 0
    let wanted = 0
    let last = 0
    const deadline = performance.now() + 120000
    requestAnimationFrame(function step_(t) {
      if (last) times.push(t - last)
      last = t
      if (el.scrollTop + 1 < wanted) waiting++
      else wanted += step
      el.scrollTop = wanted
      if (wanted < end && performance.now() < deadline) return requestAnimationFrame(step_)
      requestAnimationFrame(() => {
        times.sort((a, b) => a - b)
        const count = document.querySelector('[data-testid="runs-count"]')?.textContent ?? ''
        resolve({
          mean: times.reduce((a, b) => a + b, 0) / times.length,
          median: times[Math.floor(times.length / 2)],
          p95: times[Math.floor(times.length * 0.95)],
          waiting,
          frames: times.length,
          nodes: document.getElementsByTagName('*').length,
          loaded: Number((/^([\\d,]+)/.exec(count) ?? ['', 'NaN'])[1].replace(/,/g, '')),
        })
      })
    })
  })`)
}

export async function runRunsPageBench(opts: { repeat: number; target: ConnectionTarget }, log: (m: string) => void): Promise<void> {
  const experiment = await biggestExperiment(opts.target)
  log(`runs page of experiment ${experiment.id} (${experiment.runs.toLocaleString('en-US')} active runs)`)
  const home = await makeHome('desk-runs-page-bench-')
  const { url, child } = await startServe({ MLFLOW_DESK_HOME: home, MLFLOW_TRACKING_URI: targetToUrl(opts.target, true) })
  let browser: Browser | null = null
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM })
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    const clicks: number[] = []
    const colds: number[] = []
    const repeat = Math.min(opts.repeat, 10)
    for (let i = 0; i <= repeat; i++) {
      const click = await clickTimed(page, url, experiment.id)
      const cold = await coldTimed(browser, url, experiment.id)
      if (i === 0) {
        log(`  warm-up: first rows ${click.toFixed(0)} ms after the click, ${cold.toFixed(0)} ms on a cold load`)
        continue
      }
      clicks.push(click)
      colds.push(cold)
    }
    const passes: ScrollPass[] = []
    for (let i = 0; i < Math.min(repeat, 3); i++) {
      await page.goto(`${url}#/experiments`)
      await page.goto(`${url}#/experiments/${experiment.id}/runs`)
      await firstRowsAt(page, '0')
      await page
        .getByTestId('runs-count')
        .filter({ hasNotText: /Loading|counting/ })
        .waitFor({ timeout: 60_000 })
      const pass = await scrollPass(page)
      log(
        `  scroll pass ${i + 1}: ${pass.frames} frames, mean ${pass.mean.toFixed(1)} ms, median ${pass.median.toFixed(1)} ms, p95 ${pass.p95.toFixed(1)} ms, ` +
          `${pass.waiting} waiting for rows, ${pass.nodes.toLocaleString('en-US')} DOM nodes, ${pass.loaded.toLocaleString('en-US')} runs loaded`,
      )
      passes.push(pass)
    }
    const rows = experiment.runs.toLocaleString('en-US')
    for (const f of [
      figure(`runs page: click in experiments list -> first rows painted (${rows} runs)`, clicks, 'ms'),
      figure(`runs page: cold page load -> first rows painted (${rows} runs)`, colds, 'ms'),
      figure(
        `runs page: scrolling ${SCROLL_ROWS.toLocaleString('en-US')} rows, mean frame`,
        passes.map((p) => p.mean),
        'ms',
      ),
      figure(
        `runs page: scrolling ${SCROLL_ROWS.toLocaleString('en-US')} rows, median frame`,
        passes.map((p) => p.median),
        'ms',
      ),
      figure(
        `runs page: scrolling ${SCROLL_ROWS.toLocaleString('en-US')} rows, p95 frame`,
        passes.map((p) => p.p95),
        'ms',
      ),
      figure(
        `runs page: scrolling ${SCROLL_ROWS.toLocaleString('en-US')} rows, frames waiting for rows`,
        passes.map((p) => p.waiting),
        'frames',
      ),
      figure(
        `runs page: DOM nodes after scrolling ${SCROLL_ROWS.toLocaleString('en-US')} rows`,
        passes.map((p) => p.nodes),
        'nodes',
      ),
    ])
      console.log(formatFigure(f))
  } finally {
    await browser?.close()
    if (child.pid) await stopServe(child.pid)
  }
}
