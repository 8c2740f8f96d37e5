import { expect, type Locator, type Page } from '@playwright/test'
import type { RunsPage } from './RunsPage'

/** The runs table's column controls: only metrics or params, density, presets, pins; and what the table shows of them. */
export class RunsTableLayout {
  readonly page: Page
  readonly presetsButton: Locator
  readonly presetsPanel: Locator

  constructor(readonly runs: RunsPage) {
    this.page = runs.page
    this.presetsButton = this.page.getByTestId('column-presets')
    this.presetsPanel = this.page.getByTestId('column-presets-panel')
  }

  /** Column ids of the header cells, left to right (group headers left out). */
  async headerIds(): Promise<string[]> {
    const ids = await this.runs.table
      .locator('thead th[data-col-key]')
      .evaluateAll((els) => els.map((el) => ({ key: el.getAttribute('data-col-key')!, x: el.getBoundingClientRect().x })))
    return ids
      .filter((c) => !c.key.startsWith('group:') && c.key !== '__n_selection__' && !c.key.startsWith('__'))
      .sort((a, b) => a.x - b.x)
      .map((c) => c.key)
  }

  /** How far the table's body overflows sideways (0 when every column fits). */
  async sidewaysOverflow(): Promise<number> {
    return this.runs.table
      .locator('.v-vl')
      .first()
      .evaluate((el) => el.scrollWidth - el.clientWidth)
  }

  async scrollSideways(left: number): Promise<void> {
    await this.runs.table
      .locator('.v-vl')
      .first()
      .evaluate((el, x) => el.scrollTo({ left: x }), left)
  }

  async focus(which: 'all' | 'metrics' | 'params'): Promise<void> {
    await this.page.getByTestId(`focus-${which}`).click()
  }

  async density(label: 'Compact' | 'Fit' | 'Comfortable'): Promise<void> {
    await this.page.getByTestId('density').click()
    await this.page
      .locator('.n-base-select-option')
      .filter({ hasText: `${label} rows` })
      .click()
  }

  async pin(columnId: string): Promise<void> {
    await this.runs.openColumnChooser()
    await this.runs.columnPanel
      .getByTestId('column-search')
      .locator('input')
      .fill(columnId.slice(columnId.indexOf('.') + 1))
    await this.runs.columnPanel.getByTestId(`column-pin-${columnId}`).click()
    await expect(this.runs.columnPanel.getByTestId(`column-pin-${columnId}`)).toHaveAttribute('aria-pressed', 'true')
    await this.closeColumnChooser()
  }

  /** The chooser opens and closes on its button. */
  async closeColumnChooser(): Promise<void> {
    if (await this.runs.columnPanel.isVisible()) await this.runs.columnChooser.click()
    await expect(this.runs.columnPanel).toBeHidden()
  }

  async savePreset(name: string): Promise<void> {
    await this.presetsButton.click()
    await this.presetsPanel.getByTestId('column-preset-name').locator('input').fill(name)
    await this.presetsPanel.getByTestId('column-preset-save').click()
    await expect(this.presetsPanel.getByTestId(`column-preset-${name}`)).toBeVisible()
    await this.page.keyboard.press('Escape')
    await expect(this.presetsPanel).toBeHidden()
  }

  async applyPreset(name: string): Promise<void> {
    await this.presetsButton.click()
    await this.presetsPanel.getByTestId(`column-preset-${name}`).click()
  }
}
