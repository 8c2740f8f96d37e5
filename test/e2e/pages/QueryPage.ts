import { expect, type Locator, type Page } from '@playwright/test'

/** The SQL console: tabs, the editor, run/explain/export, the result grid and the side panel. */
export class QueryPage {
  readonly navLink: Locator
  readonly title: Locator
  readonly editor: Locator
  readonly runButton: Locator
  readonly explainButton: Locator
  readonly exportButton: Locator
  readonly rows: Locator
  readonly rowCount: Locator
  readonly refusal: Locator
  readonly error: Locator
  readonly exportStatus: Locator
  readonly exportPath: Locator
  readonly planNodes: Locator
  readonly tabs: Locator
  readonly libraryItems: Locator
  readonly running: Locator
  readonly cutValues: Locator
  readonly valueViewer: Locator
  readonly valueStatus: Locator
  readonly valueText: Locator
  readonly valueLoad: Locator

  constructor(readonly page: Page) {
    this.navLink = page.getByTestId('nav-query')
    this.title = page.getByTestId('query-title')
    this.editor = page.getByTestId('sql-editor-content')
    this.runButton = page.getByTestId('query-run')
    this.explainButton = page.getByTestId('query-explain')
    this.exportButton = page.getByTestId('query-export')
    this.rows = page.getByTestId('result-row')
    this.rowCount = page.getByTestId('query-row-count')
    this.refusal = page.getByTestId('query-refusal')
    this.error = page.getByTestId('query-error')
    this.exportStatus = page.getByTestId('export-status')
    this.exportPath = page.getByTestId('export-path')
    this.planNodes = page.getByTestId('plan-node')
    this.tabs = page.locator('[data-testid="query-tab"]')
    this.libraryItems = page.getByTestId('library-item')
    this.running = page.getByTestId('query-running')
    this.cutValues = page.getByTestId('cut-value')
    this.valueViewer = page.getByTestId('value-viewer')
    this.valueStatus = page.getByTestId('value-status')
    this.valueText = page.getByTestId('value-text')
    this.valueLoad = page.getByTestId('value-load')
  }

  async open(): Promise<void> {
    await this.navLink.click()
    await expect(this.title).toHaveText('SQL console')
    await expect(this.editor).toBeVisible()
  }

  /** Replace the editor's text, as typed. */
  async type(sql: string): Promise<void> {
    await this.editor.click()
    await this.page.keyboard.press('ControlOrMeta+a')
    await this.page.keyboard.press('Delete')
    await this.editor.pressSequentially(sql)
    // CodeMirror closes brackets and completes as one types: what is in the editor must be what was meant.
    await this.page.keyboard.press('Escape')
    await expect(this.editor).toHaveText(sql)
  }

  /** Puts `sql` in the editor at once (as a paste would), for texts whose typing is not what a test is about. */
  async insert(sql: string): Promise<void> {
    await this.editor.click()
    await this.page.keyboard.press('ControlOrMeta+a')
    await this.page.keyboard.press('Delete')
    await this.page.keyboard.insertText(sql)
    await expect(this.editor).toHaveText(sql)
  }

  async runWithShortcut(): Promise<void> {
    await this.editor.click()
    await this.page.keyboard.press('ControlOrMeta+Enter')
  }

  /** The grid's rows as text cells (the row number left out). */
  async cells(): Promise<string[][]> {
    return this.rows.evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].slice(1).map((td) => (td.textContent ?? '').trim())))
  }

  async columnNames(): Promise<string[]> {
    return this.page.getByTestId('result-column').evaluateAll((cols) => cols.map((c) => c.getAttribute('data-name') ?? ''))
  }

  async exportAs(label: 'CSV' | 'JSON Lines'): Promise<void> {
    await this.exportButton.click()
    await this.page.getByText(label, { exact: true }).click()
  }

  /** CodeMirror's completion popup. */
  get completion(): Locator {
    return this.page.locator('.cm-tooltip-autocomplete')
  }

  /** The completion's icon for an item of `label`. */
  completionIcon(label: string): Locator {
    return this.completion.locator('li', { has: this.page.locator('.cm-completionLabel', { hasText: new RegExp(`^${label}$`) }) }).locator('.cm-kind-icon')
  }

  get wrapSwitch(): Locator {
    return this.page.getByTestId('query-wrap')
  }

  /** The table browser's node of a table (`runs`) or column (`runs.run_uuid`). */
  schemaNode(key: string): Locator {
    return this.page.locator(`[data-testid="schema-node"][data-name="${key}"]`)
  }

  async openSide(name: 'Tables' | 'History' | 'Saved' | 'Library'): Promise<void> {
    await this.page.getByTestId('query-side').locator('.n-tabs-tab', { hasText: name }).click()
  }
}
