import { expect, type Locator, type Page } from '@playwright/test'

/** The prompt registry: the list with its name search, and a prompt's page with its versions, template and diff. */
export class PromptsPage {
  readonly navLink: Locator
  readonly title: Locator
  readonly count: Locator
  readonly rows: Locator
  readonly promptTitle: Locator
  readonly versions: Locator
  readonly versionPanel: Locator
  readonly diffToggle: Locator
  readonly diff: Locator

  constructor(readonly page: Page) {
    this.navLink = page.getByTestId('nav-prompts')
    this.title = page.getByTestId('prompts-title')
    this.count = page.getByTestId('prompts-count')
    this.rows = page.getByTestId('prompt-row')
    this.promptTitle = page.getByTestId('prompt-title')
    this.versions = page.getByTestId('prompt-version')
    this.versionPanel = page.getByTestId('prompt-version-panel')
    this.diffToggle = page.getByTestId('prompt-diff-toggle')
    this.diff = page.getByTestId('prompt-diff')
  }

  async waitLoaded(): Promise<void> {
    await expect(this.count).not.toHaveText(/Loading/)
  }

  async names(): Promise<string[]> {
    return this.rows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name') ?? ''))
  }

  async openPrompt(name: string): Promise<void> {
    await this.page.locator(`[data-testid="prompt-row"][data-name=${JSON.stringify(name)}]`).click()
    await expect(this.promptTitle).toHaveText(name)
  }

  version(v: string): Locator {
    return this.page.locator(`[data-testid="prompt-version"][data-version="${v}"]`)
  }

  async selectVersion(v: string): Promise<void> {
    await this.version(v).click()
    await expect(this.versionPanel).toHaveAttribute('data-version', v)
  }
}
