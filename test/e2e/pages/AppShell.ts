import { expect, type Locator, type Page } from '@playwright/test'

/** The frame around every screen: sidebar, connection card and switcher, theme, the prod banner. */
export class AppShell {
  readonly connectionCard: Locator
  readonly switcher: Locator
  readonly prodBanner: Locator

  constructor(readonly page: Page) {
    this.connectionCard = page.getByTestId('connection-card')
    this.switcher = page.getByTestId('profile-switcher')
    this.prodBanner = page.getByTestId('prod-banner')
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

  /** Switch this window's store from the sidebar's switcher. */
  async switchTo(profileName: string): Promise<void> {
    await this.connectionCard.click()
    await expect(this.switcher).toBeVisible()
    await this.switcher.getByRole('option').filter({ hasText: profileName }).click()
    await expect(this.connectionCard).toContainText(profileName)
  }

  /** Ctrl/Cmd+N: the n-th profile of the list. */
  async switchWithShortcut(n: number): Promise<void> {
    await this.page.keyboard.press(`ControlOrMeta+${n}`)
  }

  async openConnections(): Promise<void> {
    await this.page.getByTestId('nav-connections').click()
    await expect(this.page.getByTestId('profiles-table')).toBeVisible()
  }
}
