import { expect, type Locator, type Page } from '@playwright/test'

export type RunTab = 'overview' | 'params' | 'metrics' | 'tags' | 'inputs' | 'models' | 'artifacts' | 'images'

const byKey = (testid: string, key: string) => `[data-testid="${testid}"][data-key=${JSON.stringify(key)}]`

/** One run's page: header, tabs, params and metrics tables, the metric history drawer, lineage links. */
export class RunDetailPage {
  readonly title: Locator
  readonly runId: Locator
  readonly status: Locator
  readonly parentLink: Locator
  readonly childLinks: Locator
  readonly paramRows: Locator
  readonly metricRows: Locator
  readonly historyChart: Locator
  readonly historySummary: Locator
  readonly historySpecials: Locator
  readonly historyTable: Locator
  readonly notFound: Locator

  constructor(readonly page: Page) {
    this.title = page.getByTestId('run-title')
    this.runId = page.getByTestId('run-id')
    this.status = page.getByTestId('run-status')
    this.parentLink = page.getByTestId('parent-link')
    this.childLinks = page.getByTestId('child-link')
    this.paramRows = page.getByTestId('param-row')
    this.metricRows = page.getByTestId('metric-row')
    this.historyChart = page.getByTestId('metric-chart')
    this.historySummary = page.getByTestId('history-summary')
    this.historySpecials = page.getByTestId('history-specials')
    this.historyTable = page.getByTestId('history-table')
    this.notFound = page.getByTestId('run-not-found')
  }

  /** Open a run by its address, as a pasted link would. */
  async open(baseUrl: string, runId: string, tab?: RunTab): Promise<void> {
    await this.page.goto(`${baseUrl}#/runs/${runId}${tab ? `?tab=${tab}` : ''}`)
    await this.waitFor(runId)
  }

  async waitFor(runId: string): Promise<void> {
    await expect(this.runId).toHaveText(runId)
  }

  async showTab(tab: RunTab): Promise<void> {
    await this.page.getByTestId(`tab-${tab}`).click()
    await expect(this.page.getByTestId(`tab-${tab}`).locator('xpath=ancestor::*[contains(@class,"n-tabs-tab--active")]')).toHaveCount(1)
  }

  /** A param's whole value, expanding it first when it is folded. */
  async paramValue(key: string): Promise<string> {
    const row = this.page.locator(byKey('param-row', key))
    const expand = row.getByTestId('value-expand')
    if (await expand.count()) await expand.click()
    return row.getByTestId('value-text').innerText()
  }

  /** The exact value shown for a metric (the cell's title holds it unrounded). */
  async metricExactValue(key: string): Promise<string | null> {
    return this.page.locator(byKey('metric-row', key)).getByTestId('metric-value').getAttribute('title')
  }

  sparkline(key: string): Locator {
    return this.page.locator(byKey('sparkline', key))
  }

  async openMetricHistory(key: string): Promise<void> {
    await this.page.locator(byKey('metric-row', key)).getByTestId('metric-open').click()
    await expect(this.historySummary).toContainText('point')
  }

  /** Points in the chart's line dataset, as the chart holds them. */
  async chartPoints(): Promise<number> {
    await expect(this.historyChart).toHaveAttribute('data-points', /\d+/)
    return Number(await this.historyChart.getAttribute('data-points'))
  }

  /** The Metrics tab's table of latest values (its charts show first). */
  async showMetricsTable(): Promise<void> {
    await this.page.getByTestId('metrics-view-table').click()
    await expect(this.page.getByTestId('run-metrics-table')).toBeVisible()
  }

  /** The Overview's key metrics rows, in the order shown. */
  get keyMetrics(): Locator {
    return this.page.getByTestId('key-metric')
  }

  /** The Metrics tab's chart cards (the chart view's own). */
  get chartCards(): Locator {
    return this.page.getByTestId('chart-card')
  }

  /** The chart of several keys overlaid. */
  get overlay(): Locator {
    return this.page.getByTestId('metric-overlay')
  }

  /** The Images tab's card of one step-image key. */
  imageCard(key: string): Locator {
    return this.page.locator(byKey('image-card', key))
  }

  get imageStep(): Locator {
    return this.page.getByTestId('image-slider')
  }
}
