import { expect, type Locator, type Page } from '@playwright/test'

/** A registered model version's page and the two-version comparison. */
export class ModelVersionPage {
  readonly title: Locator
  readonly facts: Locator
  readonly runCard: Locator
  readonly runLink: Locator
  readonly metricRows: Locator
  readonly files: Locator
  readonly flavors: Locator
  readonly signatureFields: Locator
  readonly inputExample: Locator
  readonly readOnlyEdits: Locator
  readonly compareWith: Locator
  readonly compareTitle: Locator
  readonly signatureDiffRows: Locator
  readonly metricDiffRows: Locator
  readonly onlyDiffs: Locator

  constructor(readonly page: Page) {
    this.title = page.getByTestId('version-title')
    this.facts = page.getByTestId('version-facts')
    this.runCard = page.getByTestId('version-run')
    this.runLink = this.runCard.getByTestId('version-run-link')
    this.metricRows = page.getByTestId('version-metric')
    this.files = page.getByTestId('model-files')
    this.flavors = page.getByTestId('model-flavors')
    this.signatureFields = page.getByTestId('signature-field')
    this.inputExample = page.getByTestId('input-example')
    this.readOnlyEdits = page.getByTestId('read-only-edit')
    this.compareWith = page.getByTestId('compare-with')
    this.compareTitle = page.getByTestId('version-compare-title')
    this.signatureDiffRows = page.getByTestId('signature-diff-row')
    this.metricDiffRows = page.getByTestId('metric-diff-row')
    this.onlyDiffs = page.getByTestId('only-diffs')
  }

  async open(baseUrl: string, name: string, version: string): Promise<void> {
    await this.page.goto(`${baseUrl}#/models/${encodeURIComponent(name)}/versions/${version}`)
    await this.waitFor(name, version)
  }

  async waitFor(name: string, version: string): Promise<void> {
    await expect(this.title).toHaveText(`${name} · v${version}`)
  }

  /** Pick a version in the header's "Compare with…" menu. */
  async compareTo(version: string): Promise<void> {
    await this.compareWith.click()
    await this.page.locator('.n-base-select-option', { hasText: `Version ${version}` }).click()
  }
}
