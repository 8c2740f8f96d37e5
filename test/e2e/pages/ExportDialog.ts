import { expect, type Locator, type Page } from '@playwright/test'

/** The export dialog: folder name and zip, Start, progress with Cancel, then the report or the error with Resume. */
export class ExportDialog {
  readonly root: Locator
  readonly name: Locator
  readonly zip: Locator
  readonly start: Locator
  readonly cancel: Locator
  readonly resume: Locator
  readonly close: Locator
  readonly progress: Locator
  readonly report: Locator
  readonly error: Locator

  constructor(readonly page: Page) {
    this.root = page.getByTestId('export-dialog')
    this.name = this.root.getByTestId('export-name').locator('input')
    this.zip = this.root.getByTestId('export-zip')
    this.start = this.root.getByTestId('export-start')
    this.cancel = this.root.getByTestId('export-cancel')
    this.resume = this.root.getByTestId('export-resume')
    this.close = this.root.getByTestId('export-close')
    this.progress = this.root.getByTestId('export-progress')
    this.report = this.root.getByTestId('export-report')
    this.error = this.root.getByTestId('export-error')
  }

  async waitOpen(): Promise<void> {
    await expect(this.root).toBeVisible()
    await expect(this.root).toHaveAttribute('data-state', 'form')
  }

  /** Name the folder (a unique name keeps reruns apart) and start with Enter. */
  async startAs(name: string): Promise<void> {
    await this.name.fill(name)
    await this.name.press('Enter')
    await expect(this.root).not.toHaveAttribute('data-state', 'form')
  }

  /** Wait for the report; returns the folder it names. */
  async waitDone(): Promise<string> {
    await expect(this.root).toHaveAttribute('data-state', 'done', { timeout: 60_000 })
    return (await this.report.getByTestId('export-report-out').innerText()).trim()
  }

  stat(key: 'runs' | 'traces' | 'files' | 'bytes' | 'checksums'): Locator {
    return this.report.getByTestId(`export-report-${key}`)
  }
}
