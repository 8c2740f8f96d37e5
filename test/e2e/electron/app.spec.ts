import { _electron as electron, expect, test } from '@playwright/test'
import { resolve } from 'node:path'
import { electronBinary } from '../../../electron/cli/paths'
import { ExperimentsPage } from '../pages/ExperimentsPage'

/**
 * Runs only where an Electron binary and a display exist (playwright.config.ts
 * adds this project then): the same page objects, through IPC instead of HTTP.
 */
test('the desktop app opens on the demo store through IPC', async () => {
  const app = await electron.launch({ executablePath: electronBinary()!, args: [resolve(__dirname, '../../..')] })
  const page = await app.firstWindow()
  const experiments = new ExperimentsPage(page)
  await experiments.waitLoaded()
  await expect(page.getByTestId('transport')).toHaveText('desktop')
  await app.close()
})
