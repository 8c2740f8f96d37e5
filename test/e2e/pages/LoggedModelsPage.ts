import { expect, type Locator, type Page } from '@playwright/test'

/** An experiment's Models tab (MLflow 3 logged models), its compare dialog, and a logged model's page. */
export class LoggedModelsPage {
  readonly tab: Locator
  readonly rows: Locator
  readonly count: Locator
  readonly compareButton: Locator
  readonly compareDialog: Locator
  readonly title: Locator

  constructor(readonly page: Page) {
    this.tab = page.getByTestId('experiment-tab-logged-models')
    this.rows = page.getByTestId('logged-model-row')
    this.count = page.getByTestId('logged-models-count')
    this.compareButton = page.getByTestId('logged-models-compare')
    this.compareDialog = page.getByTestId('logged-models-compare-dialog')
    this.title = page.getByTestId('logged-model-title')
  }

  async open(baseUrl: string, experimentId: string): Promise<void> {
    await this.page.goto(`${baseUrl}#/experiments/${experimentId}/logged-models`)
    await this.waitLoaded()
  }

  async waitLoaded(): Promise<void> {
    await expect(this.count).toHaveText(/\d+ logged models?/)
  }

  row(modelId: string): Locator {
    return this.page.locator(`[data-testid="logged-model-row"][data-model-id="${modelId}"]`)
  }

  async ids(): Promise<string[]> {
    return this.rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-model-id') ?? ''))
  }

  async tick(modelId: string): Promise<void> {
    await this.row(modelId).locator('.n-checkbox').click()
  }
}
