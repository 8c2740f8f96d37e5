import { expect, type Locator, type Page } from '@playwright/test'

/** The runs page's chart view: the Table | Charts switch, the grid's bar, its sections and cards. */
export class ChartViewPage {
  readonly view: Locator
  readonly scroller: Locator
  readonly search: Locator
  readonly runCount: Locator
  readonly total: Locator
  readonly cards: Locator

  constructor(readonly page: Page) {
    this.view = page.getByTestId('chart-view')
    this.scroller = page.getByTestId('chart-scroller')
    this.search = page.getByTestId('chart-search').locator('input')
    this.runCount = page.getByTestId('chart-run-count').locator('input')
    this.total = page.getByTestId('chart-total')
    this.cards = page.getByTestId('chart-card')
  }

  async open(): Promise<void> {
    await this.page.getByTestId('pane-charts').click()
    await expect(this.view).toBeVisible()
  }

  card(metric: string): Locator {
    return this.page.locator(`[data-testid="chart-card"][data-metric="${metric}"]`)
  }

  /** A section's heading (when its row is in the page). */
  section(name: string): Locator {
    return this.page.locator(`[data-testid="chart-section"][data-section="${name}"]`)
  }

  /** Every section, in order (pinned first), whether its rows are in the page or not. */
  async sectionNames(): Promise<string[]> {
    return ((await this.view.getAttribute('data-sections')) ?? '').split('|')
  }

  /** Keys of the cards drawn now (lines with their series, or bars). */
  async drawnKeys(): Promise<string[]> {
    return this.page
      .locator('[data-testid="chart-card"][data-state="ready"], [data-testid="chart-card"][data-state="bars"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-metric')!))
  }

  /** Metric keys of a section's cards in the page, in order. */
  async keysIn(section: string): Promise<string[]> {
    return this.page
      .locator(`[data-testid="chart-row"][data-section="${section}"] [data-testid="chart-card"]`)
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-metric')!))
  }

  async setSearch(text: string): Promise<void> {
    await this.search.fill(text)
  }

  /** Open a card's settings (once it is drawn: a placeholder's button goes, with its popover, when the chart takes its place). */
  async settings(metric: string): Promise<Locator> {
    await expect(this.card(metric)).toHaveAttribute('data-state', /^(ready|bars)$/)
    await this.card(metric).getByTestId('chart-settings').click()
    const panel = this.page.getByTestId('chart-settings-panel')
    await expect(panel).toBeVisible()
    return panel
  }
}
