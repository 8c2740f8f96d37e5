import { existsSync } from 'node:fs'
import { defineConfig } from '@playwright/test'
import { electronBinary, hasDisplay } from './electron/cli/paths'

/**
 * Browser e2e: the built renderer served by `mlflow-desk serve` (the local HTTP
 * transport) in Debian's Chromium. Playwright cannot download browsers here, so
 * the executable comes from CHROMIUM_PATH (default /usr/bin/chromium).
 * The `electron` project runs the same page objects in the real app where an
 * Electron binary and a display exist.
 */
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const withElectron = !!electronBinary() && hasDisplay()

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: [['list']],
  globalSetup: './test/e2e/support/globalSetup.ts',
  globalTeardown: './test/e2e/support/globalTeardown.ts',
  use: { trace: 'retain-on-failure', viewport: { width: 1440, height: 900 } },
  projects: [
    {
      name: 'web',
      testDir: 'test/e2e/web',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: existsSync(chromium) ? chromium : undefined,
          // Without these, Chromium keeps dialling Google's hosts on this closed network.
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
    ...(withElectron ? [{ name: 'electron', testDir: 'test/e2e/electron' }] : []),
  ],
})
