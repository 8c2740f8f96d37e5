import { expect, type Locator, type Page } from '@playwright/test'
import { ProfileEditor } from './ProfileEditor'

/** The Connections screen: every profile, and what can be done with each. */
export class ConnectionsPage {
  readonly table: Locator
  readonly rows: Locator

  constructor(readonly page: Page) {
    this.table = page.getByTestId('profiles-table')
    this.rows = page.locator('[data-testid^="profile-row-"]')
  }

  row(name: string): Locator {
    return this.rows.filter({ has: this.page.locator('.p-label', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) })
  }

  async waitLoaded(): Promise<void> {
    await expect(this.rows.first()).toBeVisible()
  }

  async newProfile(): Promise<ProfileEditor> {
    await this.page.getByTestId('new-profile').click()
    const editor = new ProfileEditor(this.page)
    await editor.waitOpen()
    return editor
  }

  /** Paste a libpq/SQLAlchemy URI: the editor opens prefilled from it. */
  async pasteUri(uri: string): Promise<ProfileEditor> {
    await this.page.getByTestId('paste-uri').click()
    await this.page.getByTestId('paste-uri-input').locator('textarea').fill(uri)
    await this.page.getByTestId('paste-uri-continue').click()
    const editor = new ProfileEditor(this.page)
    await editor.waitOpen()
    return editor
  }

  async edit(name: string): Promise<ProfileEditor> {
    await this.row(name).locator('[data-testid^="edit-"]').click()
    const editor = new ProfileEditor(this.page)
    await editor.waitOpen()
    return editor
  }

  async use(name: string): Promise<void> {
    await this.row(name).locator('[data-testid^="use-"]').click()
  }

  /** Test a saved profile from the list; the result shows in a dialog. */
  async test(name: string): Promise<Locator> {
    await this.row(name).locator('[data-testid^="test-"]').click()
    const dialog = this.page.getByTestId('test-dialog')
    await expect(dialog.getByTestId('test-status')).toBeVisible({ timeout: 30_000 })
    return dialog
  }

  async openInNewWindow(name: string): Promise<Page> {
    const popup = this.page.context().waitForEvent('page')
    await this.row(name).locator('[data-testid^="open-"]').click()
    return popup
  }

  /** Export the saved profiles; returns the downloaded file's text. */
  async exportFile(): Promise<string> {
    const download = this.page.waitForEvent('download')
    await this.page.getByTestId('export-profiles').click()
    const file = await (await download).createReadStream()
    const chunks: Buffer[] = []
    for await (const c of file) chunks.push(c as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  }

  /** Import a profiles file; returns the result dialog (added, skipped with reasons). */
  async importFile(json: string): Promise<Locator> {
    await this.page.getByTestId('import-file').setInputFiles({ name: 'profiles.json', mimeType: 'application/json', buffer: Buffer.from(json) })
    const result = this.page.getByTestId('import-result')
    await expect(result).toBeVisible()
    return result
  }

  async remove(name: string): Promise<void> {
    await this.row(name).locator('[data-testid^="delete-"]').click()
    await this.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
    await expect(this.row(name)).toHaveCount(0)
  }
}
