import { expect, type Locator, type Page } from '@playwright/test'

/** A trace's page: header, span tree with its waterfall, the selected span's detail, the assessments panel. */
export class TracePage {
  readonly title: Locator
  readonly traceId: Locator
  readonly tree: Locator
  readonly rows: Locator
  readonly detail: Locator
  readonly spanTitle: Locator
  readonly chatMessages: Locator
  readonly assessments: Locator
  readonly notFound: Locator

  constructor(readonly page: Page) {
    this.title = page.getByTestId('trace-title')
    this.traceId = page.getByTestId('trace-id')
    this.tree = page.getByTestId('span-tree')
    this.rows = page.getByTestId('span-row')
    this.detail = page.getByTestId('span-detail')
    this.spanTitle = page.getByTestId('span-title')
    this.chatMessages = page.getByTestId('chat-message')
    this.assessments = page.getByTestId('assessment')
    this.notFound = page.getByTestId('trace-not-found')
  }

  async goto(baseUrl: string, traceId: string, spanId?: string): Promise<void> {
    await this.page.goto(`${baseUrl}#/traces/${traceId}${spanId ? `?span=${spanId}` : ''}`)
  }

  async waitLoaded(traceId: string): Promise<void> {
    await expect(this.traceId).toHaveText(traceId)
    await expect(this.rows.first()).toBeVisible()
  }

  row(spanId: string): Locator {
    return this.page.locator(`[data-testid="span-row"][data-span-id="${spanId}"]`)
  }

  /** The number of spans the tree lists (its rows, all of them, not only those on screen). */
  async rowCount(): Promise<number> {
    return Number(await this.tree.getAttribute('data-rows'))
  }

  async select(spanId: string): Promise<void> {
    await this.row(spanId).click()
    await expect(this.detail).toHaveAttribute('data-span-id', spanId)
  }

  async toggle(spanId: string): Promise<void> {
    await this.row(spanId).getByTestId('span-toggle').click()
  }

  /** A tab of the span's detail: io, attributes, events. */
  detailTab(name: 'io' | 'attributes' | 'events'): Locator {
    return this.detail.locator(`.n-tabs-tab[data-name="${name}"]`)
  }

  assessment(name: string): Locator {
    return this.page.locator(`[data-testid="assessment"][data-name="${name}"]`)
  }
}
