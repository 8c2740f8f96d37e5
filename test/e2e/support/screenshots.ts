import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Page } from '@playwright/test'
import { AppShell } from '../pages/AppShell'

const DIR = resolve(__dirname, '../../../test-results/screenshots')

/** Screens are looked at, not just asserted: every e2e run leaves PNGs here. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(DIR, { recursive: true })
  const path = resolve(DIR, `${name}.png`)
  // A table's loading veil fades out through a Vue transition: let it leave, so the
  // picture shows the screen as it settles, not a spinner over loaded rows.
  await page
    .locator('.n-data-table-loading-wrapper')
    .first()
    .waitFor({ state: 'detached', timeout: 5_000 })
    .catch(() => undefined)
  await page.waitForTimeout(250)
  // Transitions finished instantly: a theme switch must not be caught halfway.
  await page.screenshot({ path, animations: 'disabled' })
  return path
}

/** The same screen in the light and the dark theme: `<name>-light.png`, `<name>-dark.png`. */
export async function screenshotBothThemes(page: Page, name: string): Promise<void> {
  const shell = new AppShell(page)
  await shell.useTheme('light')
  await screenshot(page, `${name}-light`)
  await shell.useTheme('dark')
  await screenshot(page, `${name}-dark`)
}
