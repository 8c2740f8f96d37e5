import { expect, type Locator, type Page } from '@playwright/test'

/** The model registry: the list with its name search, and a model's page with its versions. */
export class ModelsPage {
  readonly title: Locator
  readonly count: Locator
  readonly search: Locator
  readonly rows: Locator
  readonly modelTitle: Locator
  readonly versionRows: Locator
  readonly navLink: Locator

  constructor(readonly page: Page) {
    this.title = page.getByTestId('models-title')
    this.count = page.getByTestId('models-count')
    this.search = page.getByTestId('models-search').locator('input')
    this.rows = page.getByTestId('model-row')
    this.modelTitle = page.getByTestId('model-title')
    this.versionRows = page.getByTestId('version-row')
    this.navLink = page.getByTestId('nav-models')
  }

  async waitLoaded(): Promise<void> {
    await expect(this.count).not.toHaveText(/Loading/)
  }

  async names(): Promise<string[]> {
    return this.rows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name') ?? ''))
  }

  async openModel(name: string): Promise<void> {
    await this.page.locator(`[data-testid="model-row"][data-name=${JSON.stringify(name)}]`).click()
    await expect(this.modelTitle).toHaveText(name)
  }

  version(v: string): Locator {
    return this.page.locator(`[data-testid="version-row"][data-version="${v}"]`)
  }

  async openVersionRun(v: string): Promise<void> {
    await this.version(v).getByTestId('version-run-link').click()
  }
}
