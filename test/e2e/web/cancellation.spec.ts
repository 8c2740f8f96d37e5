import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test, type Page, type Request } from '@playwright/test'
import pg from 'pg'
import { AppShell } from '../pages/AppShell'
import { ExperimentsPage } from '../pages/ExperimentsPage'
import { ModelsPage } from '../pages/ModelsPage'
import { RunsPage } from '../pages/RunsPage'
// The demo's lock_timeout: a blocked read gives up by itself after it.
import { LOCK_TIMEOUT_MS } from '../../../electron/services/connections/transactionSettings'
import { api, e2eHome, e2eUrl } from '../support/api'
import { screenshot } from '../support/screenshots'

/** A client of the demo store beside the app's, as its owner (to hold a lock and watch pg_stat_activity). */
async function demoAdmin(): Promise<pg.Client> {
  const { connection } = await api('session:describe', {})
  const m = /^([^@]+)@([^:]+):(\d+)\/(.+)$/.exec(connection.display)
  if (!m) throw new Error(`Cannot read the demo's address from "${connection.display}"`)
  const [, user, host, port, database] = m
  // The served app's home holds the demo's credentials.
  const { password } = JSON.parse(readFileSync(join(e2eHome(), 'demo', 'credentials.json'), 'utf8')) as { password: string }
  const client = new pg.Client({ host, port: Number(port), user, password, database, application_name: 'e2e-cancellation' })
  await client.connect()
  return client
}

/** The app's statements waiting for a lock on the demo store right now. */
async function waitingOnLock(admin: pg.Client): Promise<string[]> {
  const { rows } = await admin.query<{ query: string }>(
    `SELECT query FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND application_name <> 'e2e-cancellation'`,
  )
  return rows.map((r) => r.query)
}

/** API calls the page gave up on (the browser aborted their fetch). */
function abortedCalls(page: Page): string[] {
  const aborted: string[] = []
  page.on('requestfailed', (r: Request) => {
    const m = /\/api\/([^/]+)$/.exec(new URL(r.url()).pathname)
    if (m) aborted.push(decodeURIComponent(m[1]))
  })
  return aborted
}

test.describe('cancellation', () => {
  test('leaving the runs page while its reads wait on the store cancels them on the server', async ({ page }) => {
    const experiment = (await api('experiments:list', { view: 'active' })).experiments.find((e) => e.run_count > 0)
    if (!experiment) throw new Error('The demo store has no experiment with runs')
    const aborted = abortedCalls(page)
    await new AppShell(page).open(e2eUrl())
    await new ExperimentsPage(page).waitLoaded()

    const admin = await demoAdmin()
    const holder = await demoAdmin()
    try {
      // Every read of the runs table now waits on this lock, as on a busy store.
      await holder.query('BEGIN')
      await holder.query('LOCK TABLE runs IN ACCESS EXCLUSIVE MODE')
      await page.goto(`${e2eUrl()}#/experiments/${experiment.experiment_id}/runs`)
      await expect(new RunsPage(page).count).toHaveText(/Loading/)
      await expect.poll(() => waitingOnLock(admin).then((q) => q.length)).toBeGreaterThan(0)
      const since = Date.now()
      const blocked = await waitingOnLock(admin)
      expect(blocked.some((q) => /\bruns\b/i.test(q))).toBe(true)
      // Still waiting a moment later: nothing but the page leaving will end them before the lock timeout.
      await page.waitForTimeout(1_000)
      expect((await waitingOnLock(admin)).length).toBe(blocked.length)

      await new AppShell(page).openConnections()
      // The lock is still held: only a cancel sent to their backends ends these waits, well before lock_timeout.
      await expect.poll(() => waitingOnLock(admin), { timeout: 5_000, intervals: [100] }).toEqual([])
      expect(Date.now() - since).toBeLessThan(LOCK_TIMEOUT_MS - 2_000)
      expect(aborted).toContain('runs:search')
      expect(aborted).toContain('runs:count')
      // Left behind cleanly: the page shown is the one navigated to, with no error state.
      await expect(page.getByTestId('profiles-table')).toBeVisible()
      await expect(page.getByTestId('error-state')).toHaveCount(0)
      await screenshot(page, 'cancellation-left-runs')
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined)
      await holder.end()
      await admin.end()
    }

    // Back on the runs page, the table reads again and shows the runs.
    await page.goBack()
    const runs = new RunsPage(page)
    await runs.waitLoaded()
    await expect(runs.rows.first()).toBeVisible()
  })

  test('an overview read that waits says why after a few seconds and offers shorter ranges; picking one asks again', async ({ page }) => {
    const admin = await demoAdmin()
    const holder = await demoAdmin()
    try {
      const { rows } = await admin.query<{ id: string }>('SELECT experiment_id::text AS id FROM trace_info ORDER BY experiment_id LIMIT 1')
      if (!rows[0]) throw new Error('The demo store has no traces')
      await new AppShell(page).open(e2eUrl())
      await new ExperimentsPage(page).waitLoaded()
      // Every read of the traces now waits, as over a very large range.
      await holder.query('BEGIN')
      await holder.query('LOCK TABLE trace_info IN ACCESS EXCLUSIVE MODE')
      await page.goto(`${e2eUrl()}#/experiments/${rows[0].id}/overview`)
      await expect(page.getByTestId('overview-loading')).toBeVisible()
      const hint = page.getByTestId('overview-slow')
      await expect(hint).toHaveCount(0)
      await expect(hint).toBeVisible({ timeout: 6_000 })
      await expect(hint).toContainText('counts every trace in the range')
      await screenshot(page, 'overview-slow')
      await hint.getByRole('button', { name: 'Last 24 hours' }).click()
      await expect(page).toHaveURL(/range=24h/)
      await holder.query('ROLLBACK')
      // The shorter range's answer replaces the wait, and the hint goes with it.
      await expect(page.getByTestId('overview').or(page.getByTestId('overview-empty'))).toBeVisible()
      await expect(hint).toHaveCount(0)
      await expect(page.getByTestId('error-state')).toHaveCount(0)
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined)
      await holder.end()
      await admin.end()
    }
  })

  test('typing fast in the models search applies only the last answer, and aborts the one before', async ({ page }) => {
    const all = (await api('models:list', { max_results: 100 })).registered_models
    expect(all.length).toBeGreaterThan(1)
    const [first, last] = [all[1].name, all[0].name]
    const expected = (await api('models:list', { max_results: 100, filter: last })).registered_models.map((m) => m.name)
    const stale = (await api('models:list', { max_results: 100, filter: first })).registered_models.map((m) => m.name)
    expect(stale).not.toEqual(expected)

    await new AppShell(page).open(e2eUrl())
    const models = new ModelsPage(page)
    await models.navLink.click()
    await models.waitLoaded()
    const aborted = abortedCalls(page)
    // The first search's answer is held back 2 s: it arrives after the second one's.
    let heldBack: Promise<void> | null = null
    await page.route(
      (url) => decodeURIComponent(url.pathname) === '/api/models:list',
      async (route) => {
        const filter = (JSON.parse(route.request().postData() ?? '{}') as { filter?: string }).filter
        if (filter !== first) return route.continue()
        heldBack = (async () => {
          const response = await route.fetch()
          await new Promise((r) => setTimeout(r, 2_000))
          await route.fulfill({ response }).catch(() => undefined)
        })()
        await heldBack
      },
    )
    await models.search.fill(first)
    await expect.poll(() => heldBack !== null).toBe(true)
    await models.search.fill(last)
    await expect.poll(() => models.names()).toEqual(expected)
    await heldBack
    await page.waitForTimeout(500)
    expect(await models.names()).toEqual(expected)
    expect(aborted).toContain('models:list')
    await expect(page.getByTestId('error-state')).toHaveCount(0)
    await screenshot(page, 'cancellation-models-last-answer')
  })
})
