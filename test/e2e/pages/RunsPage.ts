import { expect, type Locator, type Page } from '@playwright/test'

/** The runs table of one or more experiments: filter bar, toolbar, the virtualized tree table. */
export class RunsPage {
  readonly title: Locator
  readonly count: Locator
  readonly rows: Locator
  readonly table: Locator
  readonly filter: Locator
  readonly filterError: Locator
  readonly filterErrorMark: Locator
  readonly inputErrorMark: Locator
  readonly suggestions: Locator
  readonly columnChooser: Locator
  readonly columnPanel: Locator
  readonly empty: Locator
  readonly sortChips: Locator
  readonly groupRows: Locator

  constructor(readonly page: Page) {
    this.title = page.getByTestId('runs-title')
    this.count = page.getByTestId('runs-count')
    this.rows = page.locator('[data-testid^="run-row-"]')
    this.table = page.getByTestId('runs-table')
    this.filter = page.getByTestId('runs-filter').locator('input')
    this.filterError = page.getByTestId('filter-error')
    this.filterErrorMark = page.getByTestId('filter-error-mark')
    this.inputErrorMark = page.getByTestId('filter-error-input-mark')
    this.suggestions = page.getByTestId('filter-suggestions')
    this.columnChooser = page.getByTestId('column-chooser')
    this.columnPanel = page.getByTestId('column-chooser-panel')
    this.empty = page.getByTestId('runs-empty')
    this.sortChips = page.getByTestId('sort-chip')
    this.groupRows = page.getByTestId('run-group-row')
  }

  async waitLoaded(): Promise<void> {
    await expect(this.count).not.toHaveText(/Loading/)
    await expect(this.page.getByTestId('runs-skeleton')).toHaveCount(0)
  }

  /** Runs loaded into the table ("250 of 1,234 runs loaded" -> 250, "42 runs" -> 42). */
  async loadedCount(): Promise<number> {
    const text = await this.count.innerText()
    return Number(/^([\d,]+)/.exec(text)?.[1].replace(/,/g, '') ?? NaN)
  }

  /** Run ids of the rows rendered now, top to bottom (the table is virtual: only those in view). */
  async shownRunIds(): Promise<string[]> {
    const ids = await this.rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')!.replace('run-row-', '')))
    return ids
  }

  row(runId: string): Locator {
    return this.page.getByTestId(`run-row-${runId}`)
  }

  /** A column header by its id (`metrics.acc`, `params.lr`, `attributes.start_time`). */
  header(columnId: string): Locator {
    return this.table.locator(`thead [data-col-key="${columnId}"]`)
  }

  async search(filter: string): Promise<void> {
    await this.filter.fill(filter)
    await this.filter.press('Enter')
    await this.waitLoaded()
  }

  async setNested(on: boolean): Promise<void> {
    const toggle = this.page.getByTestId('nest-toggle')
    if ((await toggle.getAttribute('aria-checked')) !== String(on)) await toggle.click()
    await expect(toggle).toHaveAttribute('aria-checked', String(on))
  }

  /** Group by a param or tag (`params.lr`, `tags.team`), or no grouping. */
  async groupBy(key: string | null): Promise<void> {
    const select = this.page.getByTestId('group-by')
    if (key === null) {
      await select.hover()
      await select.locator('.n-base-clear').click()
      return
    }
    await select.click()
    await this.page.keyboard.type(key)
    await this.page.locator('.n-base-select-option').filter({ hasText: key }).first().click()
  }

  /** Scroll the table's rows to the bottom (as a user would, to see more). */
  async scrollToEnd(): Promise<void> {
    await this.table.locator('.v-vl').evaluate((el) => el.scrollTo({ top: el.scrollHeight }))
  }

  /** Drag a column's right edge by `dx` pixels. */
  async resizeColumn(columnId: string, dx: number): Promise<void> {
    await this.header(columnId).scrollIntoViewIfNeeded()
    const handle = this.header(columnId).locator('.n-data-table-resize-button')
    const box = (await handle.boundingBox())!
    const x = box.x + box.width / 2
    const y = box.y + box.height / 2
    await this.page.mouse.move(x, y)
    await this.page.mouse.down()
    await this.page.mouse.move(x + dx / 2, y, { steps: 4 })
    await this.page.mouse.move(x + dx, y, { steps: 4 })
    await this.page.mouse.up()
  }

  async openColumnChooser(): Promise<void> {
    await this.columnChooser.click()
    await expect(this.columnPanel).toBeVisible()
  }

  async toggleColumn(columnId: string): Promise<void> {
    await this.columnPanel.getByTestId(`column-option-${columnId}`).locator('.n-checkbox').click()
  }

  async expand(runId: string): Promise<void> {
    await this.row(runId).locator('.n-data-table-expand-trigger').click()
  }
}
