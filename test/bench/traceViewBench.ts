/**
 * `npm run bench -- --trace-get --draw`: the trace page as a user meets it. `mlflow-desk serve`
 * (the build) on the bench store, Debian's Chromium through Playwright, and the time from opening
 * a trace's link until its span tree lists every span and the first span's detail is painted.
 * The goal (#16): a trace of 2,000 spans drawn in under 500 ms.
 */
import { chromium, type Browser } from '@playwright/test'
import type { ConnectionTarget } from '../../electron/services/connections/connectionUrl'
import { targetToUrl } from '../../electron/services/connections/connectionUrl'
import { makeHome, startServe, stopServe } from '../e2e/support/serve'
import { figure } from './drawBench'
import type { Figure } from './measure'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export async function traceViewDraw(
  target: ConnectionTarget,
  trace: { id: string; spans: number },
  opts: { repeat: number },
  log: (m: string) => void,
): Promise<Figure[]> {
  const home = await makeHome('desk-trace-view-bench-')
  const { url, child } = await startServe({ MLFLOW_DESK_HOME: home, MLFLOW_TRACKING_URI: targetToUrl(target, true) })
  let browser: Browser | null = null
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM })
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    const drawn = async () => {
      // Page-side functions reach the DOM through globalThis: this file is type-checked for Node, without the DOM's types.
      await page.waitForFunction(
        (spans) => {
          const d = (globalThis as any).document
          return d.querySelector(`[data-testid="span-tree"][data-rows="${spans}"] [data-testid="span-row"]`) && d.querySelector('[data-testid="span-detail"]')
        },
        trace.spans,
        { timeout: 60_000, polling: 'raf' },
      )
      await page.evaluate(() => new Promise((r) => (globalThis as any).requestAnimationFrame(() => r(null))))
    }
    // Cold: the link opened in a fresh page (the app starts, connects, then reads and draws the trace).
    const cold: number[] = []
    for (let i = 0; i <= opts.repeat; i++) {
      await page.goto('about:blank')
      const t0 = Date.now()
      await page.goto(`${url}#/traces/${trace.id}`)
      await drawn()
      if (i === 0) log(`  warm-up: trace link opened and drawn in ${Date.now() - t0} ms`)
      else cold.push(Date.now() - t0)
    }
    // In the app: from the experiments list to the trace (what a click on a trace does).
    const warm: number[] = []
    // Of which: the traces:get call, request sent to the last byte of its answer.
    const fetched: number[] = []
    page.on('requestfinished', (r) => {
      if (!r.url().endsWith(`/api/${encodeURIComponent('traces:get')}`)) return
      const t = r.timing()
      fetched.push(t.responseEnd - t.requestStart)
    })
    for (let i = 0; i < opts.repeat; i++) {
      await page.evaluate(() => ((globalThis as any).location.hash = '#/experiments'))
      await page.getByTestId('span-tree').waitFor({ state: 'detached' })
      const t0 = Date.now()
      await page.evaluate((id) => ((globalThis as any).location.hash = `#/traces/${id}`), trace.id)
      await drawn()
      warm.push(Date.now() - t0)
    }
    const what = `tree of ${trace.spans.toLocaleString('en')} spans and a span's detail drawn`
    return [
      figure(`trace page: link opened (app start) -> ${what}`, cold),
      figure(`trace page: opened in the app -> ${what}`, warm),
      figure(`  of which traces:get over HTTP (sent -> answer received)`, fetched.slice(-opts.repeat)),
    ]
  } finally {
    await browser?.close()
    if (child.pid) await stopServe(child.pid)
  }
}
