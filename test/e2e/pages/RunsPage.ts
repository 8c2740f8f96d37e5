import { expect, type Locator, type Page } from '@playwright/test'

export class RunsPage {
  readonly title: Locator
  readonly count: Locator
  readonly rows: Locator

  constructor(readonly page: Page) {
    this.title = page.getByTestId('runs-title')
    this.count = page.getByTestId('runs-count')
    this.rows = page.locator('[data-testid^="run-row-"]')
  }

  async waitLoaded(): Promise<void> {
    await expect(this.count).not.toHaveText(/Loading/)
  }

  async loadedCount(): Promise<number> {
    const text = await this.count.innerText()
    return Number(/([\d,]+) run/.exec(text)?.[1].replace(/,/g, '') ?? NaN)
  }
}
