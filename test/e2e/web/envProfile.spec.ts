import { rm } from 'node:fs/promises'
import type { ChildProcess } from 'node:child_process'
import { expect, test } from '@playwright/test'
import { AppShell } from '../pages/AppShell'
import { ConnectionsPage } from '../pages/ConnectionsPage'
import { ExperimentsPage } from '../pages/ExperimentsPage'
import { secondStoreUrl } from '../support/api'
import { makeHome, startServe, stopServe } from '../support/serve'
import { screenshot } from '../support/screenshots'

/**
 * The app started with MLFLOW_TRACKING_URI (as MLflow users have it set): it
 * opens on that store, and offers to keep it as a named profile whose password
 * main copies over without the renderer seeing it.
 */
test.describe('MLFLOW_TRACKING_URI', () => {
  let server: { url: string; child: ChildProcess }
  let home: string

  test.beforeAll(async () => {
    home = await makeHome('mlflow-desk-e2e-env-')
    server = await startServe({ MLFLOW_DESK_HOME: home, MLFLOW_TRACKING_URI: secondStoreUrl().replace('postgresql://', 'postgresql+psycopg2://') })
  })

  test.afterAll(async () => {
    if (server?.child.pid) await stopServe(server.child.pid)
    if (home) await rm(home, { recursive: true, force: true })
  })

  test('opens on it and saves it as a profile', async ({ page }) => {
    const password = decodeURIComponent(new URL(secondStoreUrl()).password)
    const bodies: Array<Promise<string>> = []
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/') && !r.url().includes('/api/events')) bodies.push(r.text().catch(() => ''))
    })
    await page.goto(server.url)
    const shell = new AppShell(page)
    await expect(shell.connectionCard).toContainText('MLFLOW_TRACKING_URI')
    await new ExperimentsPage(page).waitLoaded()

    await shell.openConnections()
    const banner = page.getByTestId('env-banner')
    await expect(banner).toContainText('MLFLOW_TRACKING_URI points at')
    await expect(banner).toContainText('e2e_second')
    await shell.useTheme('light')
    await screenshot(page, 'connections-env-banner-light')

    await banner.getByTestId('env-save').click()
    const connections = new ConnectionsPage(page)
    const editorRoot = page.getByTestId('profile-editor')
    await expect(editorRoot.getByTestId('profile-password-status')).toContainText('from MLFLOW_TRACKING_URI')
    await editorRoot.getByTestId('profile-name').locator('input').fill('Team store')
    await editorRoot.getByTestId('env-staging').click()
    await editorRoot.getByTestId('test-connection').click()
    await expect(editorRoot.getByTestId('test-status')).toContainText('Connected — MLflow store')
    await editorRoot.getByTestId('save-profile').click()
    await expect(editorRoot).toBeHidden()
    await expect(connections.row('Team store')).toContainText('password set')

    // The saved copy works on its own: its password was copied in main.
    await connections.use('Team store')
    await expect(shell.connectionCard).toContainText('Team store')
    await expect(shell.connectionCard).toContainText('STAGING')
    await new ExperimentsPage(page).waitLoaded()

    for (const body of await Promise.all(bodies)) expect(body).not.toContain(password)
  })
})
