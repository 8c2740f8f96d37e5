import { expect, type Locator, type Page } from '@playwright/test'

/** "Find anything" (Ctrl/Cmd+K): the palette, its hits, and pasting an id where no text field is. */
export class FindPalette {
  readonly dialog: Locator
  readonly input: Locator
  readonly hits: Locator
  readonly empty: Locator
  readonly clearRecents: Locator

  constructor(readonly page: Page) {
    this.dialog = page.getByTestId('find-palette')
    this.input = page.getByTestId('find-input').locator('input')
    this.hits = page.getByTestId('find-hit')
    this.empty = page.getByTestId('find-empty')
    this.clearRecents = page.getByTestId('find-clear-recents')
  }

  async open(): Promise<void> {
    await this.page.keyboard.press('ControlOrMeta+k')
    await expect(this.dialog).toBeVisible()
    await expect(this.input).toBeFocused()
  }

  /** The sidebar's "Find…" button. */
  async openFromSidebar(): Promise<void> {
    await this.page.getByTestId('nav-find').click()
    await expect(this.dialog).toBeVisible()
    await expect(this.input).toBeFocused()
  }

  /** Type a text and wait for the search's answer to be listed (its first hit's title contains `first`). */
  async search(text: string, first?: string): Promise<void> {
    await this.input.fill(text)
    if (first !== undefined) await expect(this.hits.first()).toContainText(first)
  }

  /** Leave the input (the palette stays open), so single-key shortcuts such as T reach the page. */
  async blurInput(): Promise<void> {
    await this.input.evaluate((el) => (el as unknown as { blur(): void }).blur())
  }

  hit(kind: string, title: string): Locator {
    return this.hits.and(this.page.locator(`[data-kind="${kind}"]`)).filter({ hasText: title })
  }

  /** Paste text as a person would with Ctrl+V, into `target` (default: the page itself, outside any text field). */
  async paste(text: string, target: Locator = this.page.locator('body')): Promise<void> {
    await target.evaluate((el, t) => {
      // Runs in the page (the tests' types have no DOM library).
      const w = globalThis as any
      const data = new w.DataTransfer()
      data.setData('text/plain', t)
      el.dispatchEvent(new w.ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
    }, text)
  }
}
