import { expect, type Locator, type Page } from '@playwright/test'

/** The Compare view: toolbar, shared legend, one chart per metric, the tabs beside them. */
export class ComparePage {
  readonly title: Locator
  readonly charts: Locator
  readonly legendEntries: Locator
  readonly empty: Locator
  readonly copyLink: Locator

  constructor(readonly page: Page) {
    this.title = page.getByTestId('compare-title')
    this.charts = page.getByTestId('compare-chart')
    this.legendEntries = page.getByTestId('legend-entry')
    this.empty = page.getByTestId('compare-empty')
    this.copyLink = page.getByTestId('copy-link')
  }

  chart(metric: string): Locator {
    return this.page.locator(`[data-testid="compare-chart"][data-metric="${metric}"]`)
  }

  async waitLoaded(): Promise<void> {
    await expect(this.page.getByTestId('compare-skeleton')).toHaveCount(0)
    await expect(this.page.getByTestId('chart-skeleton')).toHaveCount(0)
    await expect(this.charts.first()).toBeVisible()
  }

  async setX(axis: 'step' | 'wall' | 'relative'): Promise<void> {
    await this.page.getByTestId(`x-${axis}`).click()
  }

  async setY(scale: 'linear' | 'log'): Promise<void> {
    await this.page.getByTestId(`y-${scale}`).click()
  }

  /** Click the smoothing slider's rail at `fraction` of its width. */
  async setSmoothing(fraction: number): Promise<void> {
    const rail = this.page.getByTestId('smoothing')
    const box = (await rail.boundingBox())!
    await this.page.mouse.click(box.x + box.width * fraction, box.y + box.height / 2)
  }

  async groupBy(key: string | null): Promise<void> {
    const select = this.page.getByTestId('compare-group-by')
    if (key === null) {
      await select.hover()
      await select.locator('.n-base-clear').click()
      return
    }
    await select.click()
    await this.page.keyboard.type(key)
    await this.page
      .locator('.n-base-select-option')
      .filter({ hasText: new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
      .first()
      .click()
  }

  /** Drag across a chart's plot from `from` to `to` (fractions of its width): the drag-zoom. */
  async dragZoom(metric: string, from: number, to: number): Promise<void> {
    const canvas = this.chart(metric).locator('canvas')
    const box = (await canvas.boundingBox())!
    const y = box.y + box.height / 2
    await this.page.mouse.move(box.x + box.width * from, y)
    await this.page.mouse.down()
    await this.page.mouse.move(box.x + box.width * ((from + to) / 2), y, { steps: 5 })
    await this.page.mouse.move(box.x + box.width * to, y, { steps: 5 })
    await this.page.mouse.up()
  }

  async showTab(name: 'Charts' | 'Params' | 'Summary' | 'Scatter' | 'Parallel coordinates'): Promise<void> {
    await this.page.getByTestId('compare-tabs').getByRole('tab', { name }).click()
  }
}
