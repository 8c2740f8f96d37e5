import { expect, type Locator, type Page } from '@playwright/test'
import { AppShell } from './AppShell'

export type AnalysisTab = 'params' | 'summary' | 'scatter' | 'parallel'

/** The Compare view's analysis tabs: params diff, metrics summary, scatter, parallel coordinates. */
export class CompareAnalysisPage {
  readonly paramsPanel: Locator
  readonly diffRows: Locator
  readonly diffCount: Locator
  readonly showAllParams: Locator
  readonly paramsSearch: Locator
  readonly summaryPanel: Locator
  readonly summaryRows: Locator
  readonly scatterPanel: Locator
  readonly scatterChart: Locator
  readonly scatterMissing: Locator
  readonly parallelPanel: Locator
  readonly parallelChart: Locator

  constructor(readonly page: Page) {
    this.paramsPanel = page.getByTestId('compare-params')
    this.diffRows = page.getByTestId('diff-row')
    this.diffCount = page.getByTestId('params-diff-count')
    this.showAllParams = page.getByTestId('params-show-all')
    this.paramsSearch = page.getByTestId('params-diff-search').locator('input')
    this.summaryPanel = page.getByTestId('compare-summary')
    this.summaryRows = page.getByTestId('summary-row')
    this.scatterPanel = page.getByTestId('compare-scatter')
    this.scatterChart = page.getByTestId('scatter-chart')
    this.scatterMissing = page.getByTestId('scatter-missing')
    this.parallelPanel = page.getByTestId('compare-parallel')
    this.parallelChart = page.getByTestId('pcp-chart')
  }

  /** Open a comparison by its link, on one tab, as a pasted link would. */
  async open(baseUrl: string, runIds: string[], metricKeys: string[], tab: AnalysisTab, points?: number): Promise<void> {
    await new AppShell(this.page).open(baseUrl)
    const query = new URLSearchParams({ runs: runIds.join(','), metrics: metricKeys.join(','), tab, ...(points ? { points: String(points) } : {}) })
    await this.page.goto(`${baseUrl}#/compare?${query.toString()}`)
    await expect(this.panel(tab)).toBeVisible()
  }

  /** Run headers of the params table (one per run once the runs have loaded). */
  runHeaders(): Locator {
    return this.paramsPanel.locator('th [data-run-id]')
  }

  /** Park the mouse away from the panels, so no tooltip covers a screenshot. */
  async moveMouseAway(): Promise<void> {
    await this.page.mouse.move(5, 5)
  }

  panel(tab: AnalysisTab): Locator {
    return { params: this.paramsPanel, summary: this.summaryPanel, scatter: this.scatterPanel, parallel: this.parallelPanel }[tab]
  }

  /** The keys of the params rows on screen, in order. */
  async diffKeys(): Promise<string[]> {
    return this.diffRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key') ?? ''))
  }

  bestOf(metricKey: string): Locator {
    return this.page.locator(`[data-testid="summary-best"][data-metric=${JSON.stringify(metricKey)}]`)
  }

  directionToggle(metricKey: string): Locator {
    return this.page.locator(`[data-testid="summary-direction"][data-metric=${JSON.stringify(metricKey)}]`)
  }
}
