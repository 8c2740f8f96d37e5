import { expect, type Locator, type Page } from '@playwright/test'

/** The frame around every screen: sidebar, connection card, theme. */
export class AppShell {
  readonly connectionCard: Locator

  constructor(readonly page: Page) {
    this.connectionCard = page.getByTestId('connection-card')
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url)
    await expect(this.connectionCard).toContainText('DEMO')
  }

  async useTheme(theme: 'light' | 'dark'): Promise<void> {
    const html = this.page.locator('html')
    if ((await html.getAttribute('data-theme')) !== theme) await this.page.keyboard.press('t')
    await expect(html).toHaveAttribute('data-theme', theme)
  }
}
