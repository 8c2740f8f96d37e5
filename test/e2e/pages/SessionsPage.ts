import { expect, type Locator, type Page } from '@playwright/test'

/** An experiment's Sessions tab (the table, its user filter, a session's conversation) and its Overview tab. */
export class SessionsPage {
  readonly rows: Locator
  readonly count: Locator
  readonly userSelect: Locator
  readonly drawer: Locator
  readonly turns: Locator
  readonly overview: Locator

  constructor(readonly page: Page) {
    this.rows = page.getByTestId('session-row')
    this.count = page.getByTestId('sessions-count')
    this.userSelect = page.getByTestId('sessions-user')
    this.drawer = page.getByTestId('session-drawer')
    this.turns = page.getByTestId('session-turn')
    this.overview = page.getByTestId('overview')
  }

  tab(key: string): Locator {
    return this.page.getByTestId(`experiment-tab-${key}`)
  }

  async waitLoaded(): Promise<void> {
    await expect(this.count).not.toHaveText(/Grouping/)
  }

  async sessionIds(): Promise<string[]> {
    return this.rows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-session') ?? ''))
  }

  async filterByUser(user: string): Promise<void> {
    await this.userSelect.click()
    await this.page.locator('.n-base-select-option', { hasText: user }).first().click()
    await expect(this.count).toContainText(`with ${user}`)
  }

  /** Click a chart's canvas at a fraction of its size (Chart.js picks the nearest bar or point). */
  async clickChart(testid: string, x = 0.5, y = 0.4): Promise<void> {
    const canvas = this.page.getByTestId(testid).locator('canvas')
    const box = (await canvas.boundingBox())!
    await canvas.click({ position: { x: box.width * x, y: box.height * y } })
  }
}
