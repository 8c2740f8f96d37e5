import { expect, type Locator, type Page } from '@playwright/test'

/** An experiment's Traces tab: filter bar, column chooser, the virtualized traces table. */
export class TracesPage {
  readonly tab: Locator
  readonly title: Locator
  readonly count: Locator
  readonly rows: Locator
  readonly table: Locator
  readonly filter: Locator
  readonly filterError: Locator
  readonly filterErrorMark: Locator
  readonly suggestions: Locator
  readonly empty: Locator
  readonly emptyTitle: Locator
  readonly allLoaded: Locator

  constructor(readonly page: Page) {
    this.tab = page.getByTestId('experiment-tab-traces')
    this.title = page.getByTestId('traces-title')
    this.count = page.getByTestId('traces-count')
    this.rows = page.locator('[data-testid^="trace-row-"]')
    this.table = page.getByTestId('traces-table')
    this.filter = page.getByTestId('traces-filter').locator('input')
    this.filterError = page.getByTestId('filter-error')
    this.filterErrorMark = page.getByTestId('filter-error-mark')
    this.suggestions = page.getByTestId('filter-suggestions')
    this.empty = page.getByTestId('traces-empty')
    this.emptyTitle = page.getByTestId('traces-empty-title')
    this.allLoaded = page.getByTestId('traces-all-loaded')
  }

  async waitLoaded(): Promise<void> {
    await expect(this.count).not.toHaveText(/Loading/)
    await expect(this.page.getByTestId('traces-skeleton')).toHaveCount(0)
  }

  /** Trace ids of the rows rendered now, top to bottom (the table is virtual: only those in view). */
  async shownTraceIds(): Promise<string[]> {
    return this.rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')!.replace('trace-row-', '')))
  }

  row(traceId: string): Locator {
    return this.page.getByTestId(`trace-row-${traceId}`)
  }

  /** A column header by its id (`execution`, `tokens.total`, `assessment:groundedness`). */
  header(columnId: string): Locator {
    return this.table.locator(`thead [data-col-key="${columnId}"]`)
  }

  /** Type a filter and search (Enter); the page gets the focus back (a refused filter keeps it, its bad part selected). */
  async applyFilter(text: string): Promise<void> {
    await this.filter.fill(text)
    await this.filter.press('Enter')
    await this.waitLoaded()
    await this.filter.blur()
  }

  async scrollToEnd(): Promise<void> {
    await this.table.locator('.v-vl').evaluate((el) => el.scrollTo({ top: el.scrollHeight }))
  }
}
