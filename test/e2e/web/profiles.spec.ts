import { expect, test, type Page } from '@playwright/test'
import pg from 'pg'
import { AppShell } from '../pages/AppShell'
import { ConnectionsPage } from '../pages/ConnectionsPage'
import { ExperimentsPage } from '../pages/ExperimentsPage'
import { RunsPage } from '../pages/RunsPage'
import { api, e2eUrl, secondStoreUrl } from '../support/api'
import { screenshot } from '../support/screenshots'
import { readManifest } from '../../helpers/fixtures'
import type { Environment } from '@shared/domain/profiles'

const SECOND = 'Fixture store'
const PROD = 'Prod mirror'
const READER = 'Fixture store (reader)'
/** A role of the e2e server made from the SQL the app recommends; dropped again after its test. */
const READER_ROLE = 'e2e_desk_reader'
const READER_PW = 'e2e-reader-pw-Hv4'

const manifest = readManifest('small') as {
  experiments: Record<string, { name: string; deleted: boolean }>
  row_counts: Record<string, number>
}
const fixtureNames = Object.values(manifest.experiments)
  .filter((e) => !e.deleted)
  .map((e) => e.name)

/** Every /api/ answer the page receives, to prove no secret ever reaches the renderer. */
function recordApiResponses(page: Page): () => Promise<string[]> {
  const bodies: Array<Promise<string>> = []
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname
    // The event stream never ends; it carries no profile data.
    if (path.startsWith('/api/') && path !== '/api/events') bodies.push(r.text().catch(() => ''))
  })
  return () => Promise.all(bodies)
}

/** Profiles left by an earlier attempt would collide by name; the default window goes back to the demo. */
async function cleanUp(): Promise<void> {
  const { profiles } = await api('profiles:list', {})
  for (const p of profiles) if (p.kind === 'saved' && [SECOND, PROD].includes(p.name)) await api('profiles:remove', { id: p.id })
  await api('profiles:switch', { id: 'demo' })
}

async function saveViaApi(name: string, environment: Exclude<Environment, 'custom'>): Promise<string> {
  const { settings } = await api('profiles:parse-url', { url: secondStoreUrl() })
  const { profile } = await api('profiles:save', { settings: { ...settings, name, environment }, password_from_url: secondStoreUrl() })
  return profile.id
}

test.describe('connection profiles', () => {
  test.beforeEach(cleanUp)
  test.afterAll(cleanUp)

  test('a pasted URI becomes a tested, saved profile; switching and Ctrl+N change the store without a restart', async ({ page }) => {
    const responses = recordApiResponses(page)
    const password = decodeURIComponent(new URL(secondStoreUrl()).password)
    expect(password.length).toBeGreaterThan(8)

    const shell = new AppShell(page)
    await shell.open(e2eUrl())
    const experiments = new ExperimentsPage(page)
    await experiments.waitLoaded()
    const demoNames = await experiments.names()

    await shell.openConnections()
    const connections = new ConnectionsPage(page)
    await connections.waitLoaded()
    await expect(connections.row('Demo store')).toContainText('DEMO')

    // Paste the URI: the form is prefilled, the password stays in main.
    const editor = await connections.pasteUri(secondStoreUrl())
    await expect(editor.host).toHaveValue('127.0.0.1')
    await expect(editor.database).toHaveValue('e2e_second')
    await expect(editor.password).toHaveValue('')
    await expect(editor.passwordStatus).toContainText('from the pasted URI')
    await editor.setName('')
    await expect(editor.feedback().filter({ hasText: 'a profile needs a name' })).toBeVisible()
    await editor.setName(SECOND)
    await editor.setEnvironment('dev')

    await editor.test()
    await expect(editor.status).toContainText('Connected — MLflow store')
    await expect(editor.fact('server')).toContainText('PostgreSQL')
    await expect(editor.fact('mlflow')).toHaveText('yes')
    await expect(editor.fact('experiments')).toHaveText(String(manifest.row_counts.experiments))
    await expect(editor.fact('runs')).toHaveText(String(manifest.row_counts.runs))
    // The demo's admin is a superuser: the app says so and offers a read-only role.
    await expect(editor.root.getByTestId('write-warning')).toContainText('superuser')
    await expect(editor.roleAccess).toHaveAttribute('data-level', 'superuser')
    await expect(editor.root.getByTestId('read-only-sql')).toContainText('CREATE ROLE')
    await expect(editor.root.getByTestId('read-only-sql')).toContainText('ALTER ROLE mlflow_desk_reader SET default_transaction_read_only = on;')
    await shell.useTheme('light')
    await screenshot(page, 'profile-editor-tested-light')
    await shell.useTheme('dark')
    await screenshot(page, 'profile-editor-tested-dark')
    await editor.save()

    const row = connections.row(SECOND)
    await expect(row).toContainText('127.0.0.1')
    await expect(row).toContainText('password set')
    await expect(row).toContainText('DEV')
    await shell.useTheme('light')
    await screenshot(page, 'connections-light')
    await shell.useTheme('dark')
    await screenshot(page, 'connections-dark')

    // Switch from the sidebar: the fixture's experiments, no restart.
    await shell.switchTo(SECOND)
    await expect(experiments.rows.filter({ hasText: fixtureNames[0] })).toBeVisible()
    const shown = await experiments.names()
    expect(shown).toEqual(expect.arrayContaining(fixtureNames))
    expect(shown.filter((n) => demoNames.includes(n) && n !== 'Default')).toEqual([])
    // The sidebar's card says what the role can do (not for the built-in demo).
    await expect(shell.connectionCard.getByTestId('connection-role')).toHaveAttribute('data-level', 'superuser')
    await expect(shell.connectionCard.getByTestId('connection-role')).toHaveText('Superuser')
    await shell.useTheme('light')
    await screenshot(page, 'connection-card-role-light')
    await shell.useTheme('dark')
    await screenshot(page, 'connection-card-role-dark')
    await shell.connectionCard.click()
    await expect(shell.switcher).toContainText(SECOND)
    await screenshot(page, 'profile-switcher-dark')
    await page.keyboard.press('Escape')

    // Remember where we were in this profile: one experiment's runs.
    await experiments.openExperiment(fixtureNames[0])
    const runs = new RunsPage(page)
    await expect(runs.title).toHaveText(fixtureNames[0])
    await runs.waitLoaded()

    // Ctrl/Cmd+1: the first profile (the demo) is back, with its own experiments.
    await shell.switchWithShortcut(1)
    await expect(shell.connectionCard).toContainText('DEMO')
    await expect(shell.connectionCard.getByTestId('connection-role')).toHaveCount(0)
    await experiments.waitLoaded()
    expect((await experiments.names()).sort()).toEqual([...demoNames].sort())

    // Returning to the fixture store brings its last experiment back.
    const { profiles } = await api('profiles:list', {})
    await shell.switchWithShortcut(profiles.findIndex((p) => p.name === SECOND) + 1)
    await expect(shell.connectionCard).toContainText(SECOND)
    await expect(runs.title).toHaveText(fixtureNames[0])
    await shell.switchWithShortcut(1)
    await expect(shell.connectionCard).toContainText('DEMO')

    // Nothing the renderer received holds the password.
    const bodies = await responses()
    expect(bodies.length).toBeGreaterThan(10)
    for (const body of bodies) expect(body).not.toContain(password)
  })

  test('a production profile is unmistakable', async ({ page }) => {
    await saveViaApi(PROD, 'prod')
    const shell = new AppShell(page)
    await shell.open(e2eUrl())
    await expect(shell.prodBanner).toHaveCount(0)
    await shell.switchTo(PROD)
    await expect(shell.prodBanner).toHaveText(`PRODUCTION — ${PROD} — read-only`)
    await expect(shell.connectionCard).toContainText('PROD')
    const experiments = new ExperimentsPage(page)
    await expect(experiments.rows.filter({ hasText: fixtureNames[0] })).toBeVisible()
    await shell.useTheme('light')
    await screenshot(page, 'prod-banner-light')
    await shell.useTheme('dark')
    await screenshot(page, 'prod-banner-dark')
    await shell.switchWithShortcut(1)
    await expect(shell.prodBanner).toHaveCount(0)
  })

  test('a profile opens in a new tab with its own session', async ({ page }) => {
    await saveViaApi(SECOND, 'dev')
    const shell = new AppShell(page)
    await shell.open(e2eUrl())
    await shell.openConnections()
    const connections = new ConnectionsPage(page)
    await connections.waitLoaded()

    const tab = await connections.openInNewWindow(SECOND)
    const other = new AppShell(tab)
    await expect(other.connectionCard).toContainText(SECOND)
    await expect(new ExperimentsPage(tab).rows.filter({ hasText: fixtureNames[0] })).toBeVisible()
    expect(tab.url()).not.toContain('profile=')

    // This tab still shows the demo: each tab has its own session.
    await page.bringToFront()
    await page.reload()
    await expect(shell.connectionCard).toContainText('DEMO')
    await tab.reload()
    await expect(other.connectionCard).toContainText(SECOND)

    // Deleting it from the list (with a confirmation).
    await connections.remove(SECOND)
  })

  test('editing keeps secrets out of the form and explains what fails', async ({ page }) => {
    await saveViaApi(SECOND, 'staging')
    const shell = new AppShell(page)
    await shell.open(e2eUrl())
    await shell.openConnections()
    const connections = new ConnectionsPage(page)
    await connections.waitLoaded()

    const editor = await connections.edit(SECOND)
    await expect(editor.name).toHaveValue(SECOND)
    await expect(editor.password).toHaveValue('')
    await expect(editor.passwordStatus).toHaveText('set — leave empty to keep')

    // Another port: the stored password is not for it. The form asks for it again, and main
    // refuses to send it there before connecting.
    await editor.port.fill('1')
    await expect(editor.passwordStatus).toContainText('Type the database password again: the stored one is only for postgres@127.0.0.1:')
    await editor.test()
    await expect(editor.status).toContainText('Type the secret again')
    await expect(editor.status).toContainText('Enter the database password again')
    await editor.password.blur()
    await shell.useTheme('light')
    await screenshot(page, 'profile-editor-retype-light')
    await shell.useTheme('dark')
    await screenshot(page, 'profile-editor-retype-dark')
    // Typed again, it goes there: a port nobody listens on, and the test says so, in words.
    await editor.password.fill('typed-for-port-1')
    await expect(editor.passwordStatus).toHaveText('replaced on save')
    await editor.test()
    await expect(editor.status).toContainText('refused')
    // An SSH tunnel without a host or user cannot be saved.
    await editor.useSshTunnel(true)
    await editor.saveRefused()
    await expect(editor.feedback().filter({ hasText: 'the SSH host is empty' })).toBeVisible()
    await shell.useTheme('light')
    await screenshot(page, 'profile-editor-error-light')
    await shell.useTheme('dark')
    await screenshot(page, 'profile-editor-error-dark')
    await editor.cancel()

    // Export carries settings only; importing the same file again skips what exists, saying why.
    const exported = await connections.exportFile()
    expect(exported).toContain(SECOND)
    expect(exported).not.toContain(decodeURIComponent(new URL(secondStoreUrl()).password))
    const result = await connections.importFile(exported)
    await expect(result).toContainText('0 added')
    await expect(result).toContainText('1 skipped')
    await expect(result).toContainText(SECOND)
    await screenshot(page, 'profiles-import-result-dark')
  })

  test('a role made from the recommended SQL tests as a read-only role, and the sidebar says so', async ({ page }) => {
    // The SQL the app recommends for the fixture store, run by its superuser.
    const { settings } = await api('profiles:parse-url', { url: secondStoreUrl() })
    const tested = await api('profiles:test', { settings: { ...settings, name: 'probe' }, password_from_url: secondStoreUrl() })
    const sql = tested.write_access!.read_only_role_sql.replaceAll('mlflow_desk_reader', READER_ROLE).replace("'choose-a-password'", `'${READER_PW}'`)
    const admin = new pg.Client({ connectionString: secondStoreUrl() })
    await admin.connect()
    try {
      await admin.query(`DROP OWNED BY ${READER_ROLE}`).catch(() => undefined)
      await admin.query(`DROP ROLE IF EXISTS ${READER_ROLE}`)
      await admin.query(sql)
      const readerUrl = new URL(secondStoreUrl())
      readerUrl.username = READER_ROLE
      readerUrl.password = READER_PW

      const shell = new AppShell(page)
      await shell.open(e2eUrl())
      await shell.openConnections()
      const connections = new ConnectionsPage(page)
      await connections.waitLoaded()
      const editor = await connections.pasteUri(readerUrl.toString())
      await editor.setName(READER)
      await editor.test()
      await expect(editor.status).toContainText('Connected — MLflow store')
      await expect(editor.roleAccess).toHaveAttribute('data-level', 'read-only')
      await expect(editor.roleAccess).toContainText(`${READER_ROLE} can read MLflow’s tables and change nothing, its sessions read-only by default.`)
      await expect(editor.root.getByTestId('write-warning')).toHaveCount(0)
      await editor.name.blur()
      await shell.useTheme('light')
      await screenshot(page, 'profile-editor-read-only-role-light')
      await shell.useTheme('dark')
      await screenshot(page, 'profile-editor-read-only-role-dark')
      await editor.save()

      await shell.switchTo(READER)
      await expect(new ExperimentsPage(page).rows.filter({ hasText: fixtureNames[0] })).toBeVisible()
      await expect(shell.connectionCard.getByTestId('connection-role')).toHaveAttribute('data-level', 'read-only')
      await expect(shell.connectionCard.getByTestId('connection-role')).toHaveText('Read-only role')
      await shell.useTheme('light')
      await screenshot(page, 'connection-card-read-only-light')
      await shell.useTheme('dark')
      await screenshot(page, 'connection-card-read-only-dark')
      await shell.switchWithShortcut(1)
    } finally {
      await cleanUp()
      await admin.query(`DROP OWNED BY ${READER_ROLE}`).catch(() => undefined)
      await admin.query(`DROP ROLE IF EXISTS ${READER_ROLE}`).catch(() => undefined)
      await admin.end()
    }
  })

  test('the SQL console allow-list: none by default, edited in the profile, validated as the user types', async ({ page }) => {
    await saveViaApi(SECOND, 'staging')
    const shell = new AppShell(page)
    await shell.open(e2eUrl())
    await shell.openConnections()
    const connections = new ConnectionsPage(page)
    await connections.waitLoaded()

    const editor = await connections.edit(SECOND)
    const section = editor.root.locator('section[aria-labelledby="sec-console"]')
    await section.scrollIntoViewIfNeeded()
    await expect(section).toContainText('User-defined and extension functions are refused in the console unless listed here.')
    await expect(editor.root.getByTestId('allowed-functions-count')).toHaveText('none — the default')
    await editor.allowFunction('public.my_func')
    await editor.allowFunction('citext.*')
    await editor.allowFunction('my_func')
    await expect(editor.feedback().filter({ hasText: 'schema.function or schema.*' })).toBeVisible()
    await editor.allowedFunctions.last().blur()
    await section.scrollIntoViewIfNeeded()
    await shell.useTheme('light')
    await screenshot(page, 'profile-sql-console-light')
    await shell.useTheme('dark')
    await screenshot(page, 'profile-sql-console-dark')
    await editor.saveRefused()
    await editor.allowedFunctions.last().fill('"Audit Tools".row_hash')
    await editor.save()

    const { profiles } = await api('profiles:list', {})
    expect(profiles.find((p) => p.name === SECOND)!.sql_console.allowed_functions).toEqual(['public.my_func', 'citext.*', '"Audit Tools".row_hash'])
  })

  test('artifact store settings: S3 endpoint, key id and secret are kept; the secret only shows as set', async ({ page }) => {
    const SECRET = 'e2e-s3-secret-value-Zq9'
    const responses = recordApiResponses(page)
    await saveViaApi(SECOND, 'staging')
    const shell = new AppShell(page)
    await shell.open(e2eUrl())
    await shell.openConnections()
    const connections = new ConnectionsPage(page)
    await connections.waitLoaded()

    let editor = await connections.edit(SECOND)
    const s3 = editor.root.getByTestId('store-s3')
    await s3.locator('.n-collapse-item__header').click()
    await s3.getByTestId('s3-endpoint').locator('input').fill('http://127.0.0.1:9000')
    await s3.getByTestId('s3-access-key-id').locator('input').fill('AKIAE2E')
    await s3.getByTestId('s3-secret').locator('input').fill(SECRET)
    await expect(s3.getByTestId('s3-secret-status')).toHaveText('set on save')
    await expect(editor.root.getByTestId('store-s3-set')).toBeVisible()
    // Out of the input, so T switches the theme instead of typing.
    await s3.getByTestId('s3-secret').locator('input').blur()
    await shell.useTheme('light')
    await screenshot(page, 'profile-artifact-stores-light')
    await shell.useTheme('dark')
    await screenshot(page, 'profile-artifact-stores-dark')
    await editor.save()

    const { profiles } = await api('profiles:list', {})
    const saved = profiles.find((p) => p.name === SECOND)!
    expect(saved.artifact_store?.s3).toMatchObject({ endpoint_url: 'http://127.0.0.1:9000', access_key_id: 'AKIAE2E' })
    expect(saved.secrets.s3_secret_access_key).toBe(true)

    editor = await connections.edit(SECOND)
    const again = editor.root.getByTestId('store-s3')
    // A store with settings opens unfolded.
    await expect(again.getByTestId('s3-endpoint').locator('input')).toHaveValue('http://127.0.0.1:9000')
    await expect(again.getByTestId('s3-access-key-id').locator('input')).toHaveValue('AKIAE2E')
    await expect(again.getByTestId('s3-secret').locator('input')).toHaveValue('')
    await expect(again.getByTestId('s3-secret-status')).toHaveText('set — leave empty to keep')
    await expect(editor.root).not.toContainText(SECRET)
    await editor.cancel()
    for (const body of await responses()) expect(body).not.toContain(SECRET)
  })
})
