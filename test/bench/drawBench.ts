/**
 * `npm run bench -- --compare --draw`: the compare view as a user meets it. `mlflow-desk serve`
 * (the build) on the store, Debian's Chromium through Playwright, and the time from opening a
 * comparison link until every chart has drawn one line per run: first the preview (when the
 * store has the step index), then the exact series.
 */
import { chromium, type Browser } from '@playwright/test'
import type { ConnectionTarget } from '../../electron/services/connections/connectionUrl'
import { targetToUrl } from '../../electron/services/connections/connectionUrl'
import { makeHome, startServe, stopServe } from '../e2e/support/serve'
import type { Figure } from './measure'

interface DrawWorkload {
  runIds: string[]
  keys: string[]
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export function figure(name: string, times: number[]): Figure {
  const sorted = [...times].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return { name, median: sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2, min: sorted[0], max: sorted[sorted.length - 1], unit: 'ms' }
}

/** Open the comparison `repeat` times (after one warm-up); time the first full frame and the exact one. */
export async function drawCases(target: ConnectionTarget, w: DrawWorkload, opts: { repeat: number }, log: (m: string) => void): Promise<Figure[]> {
  const home = await makeHome('desk-draw-bench-')
  const { url, child } = await startServe({ MLFLOW_DESK_HOME: home, MLFLOW_TRACKING_URI: targetToUrl(target, true) })
  let browser: Browser | null = null
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM })
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    const link = `${url}#/compare?runs=${w.runIds.join(',')}&metrics=${w.keys.join(',')}`
    const first: number[] = []
    const exact: number[] = []
    for (let i = 0; i <= opts.repeat; i++) {
      await page.goto('about:blank')
      const t0 = Date.now()
      await page.goto(link)
      // Every chart holds one line per run, with points, and has painted a frame.
      const drawn = async () => {
        // Page-side functions reach the DOM through globalThis: this file is type-checked for Node, without the DOM's types.
        await page.waitForFunction(
          ({ runs, charts }) => {
            const els: Array<{ getAttribute(n: string): string | null }> = Array.from(
              (globalThis as any).document.querySelectorAll('[data-testid="compare-chart"]'),
            )
            return (
              els.length === charts && els.every((e) => Number(e.getAttribute('data-series-count')) === runs && Number(e.getAttribute('data-point-count')) > 0)
            )
          },
          { runs: w.runIds.length, charts: w.keys.length },
          { timeout: 300_000, polling: 'raf' },
        )
        await page.evaluate(() => new Promise((r) => (globalThis as any).requestAnimationFrame(() => r(null))))
      }
      await drawn()
      const tFirst = Date.now() - t0
      await page.waitForFunction(() => !(globalThis as any).document.querySelector('[data-testid="chart-refining"]'), undefined, {
        timeout: 300_000,
        polling: 100,
      })
      await drawn()
      const tExact = Date.now() - t0
      if (i === 0) {
        log(`  warm-up: first frame ${tFirst} ms, exact ${tExact} ms`)
        continue
      }
      first.push(tFirst)
      exact.push(tExact)
    }
    const shape = `${w.runIds.length} runs x ${w.keys.length} metrics`
    return [
      figure(`compare page: link opened -> every chart drawn (${shape})`, first),
      figure(`compare page: link opened -> exact series drawn (${shape})`, exact),
    ]
  } finally {
    await browser?.close()
    if (child.pid) await stopServe(child.pid)
  }
}
