import { expect, type Locator, type Page } from '@playwright/test'

export class ExperimentsPage {
  readonly table: Locator
  readonly rows: Locator
  readonly filter: Locator

  constructor(readonly page: Page) {
    this.table = page.getByTestId('experiments-table')
    this.rows = page.locator('[data-testid^="experiment-row-"]')
    this.filter = page.getByTestId('experiment-filter').locator('input')
  }

  async waitLoaded(): Promise<void> {
    await expect(this.rows.first()).toBeVisible()
  }

  async names(): Promise<string[]> {
    return (await this.rows.locator('.exp-title > span:first-child').allInnerTexts()).map((s) => s.trim())
  }

  async openExperiment(name: string): Promise<void> {
    await this.rows.filter({ hasText: name }).first().click()
  }

  row(experimentId: string): Locator {
    return this.page.getByTestId(`experiment-row-${experimentId}`)
  }

  /** Tick experiments' checkboxes (to open their runs together). */
  async tick(...experimentIds: string[]): Promise<void> {
    for (const id of experimentIds) await this.row(id).locator('.n-checkbox').click()
  }

  async showView(view: 'Active' | 'Deleted' | 'All'): Promise<void> {
    await this.page.getByRole('radio', { name: view }).check({ force: true })
  }
}
