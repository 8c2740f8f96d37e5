import { rm } from 'node:fs/promises'
import type { ChildProcess } from 'node:child_process'
import { expect, test } from '@playwright/test'
import { sessionFilter, traceNameFilter } from '@shared/domain/traceInsights'
import { SessionsPage } from '../pages/SessionsPage'
import { api, e2eHome, e2eUrl } from '../support/api'
import { createFixtureStore } from '../support/fixtureStore'
import { makeHome, startServe, stopServe } from '../support/serve'
import { screenshotBothThemes } from '../support/screenshots'

/**
 * The Sessions and Overview tabs on the real MLflow 3.5 GenAI fixture, served by its own `serve`:
 * sessions listed as the channel orders them, one opened as a conversation with its turns in order,
 * the user filter; the Overview's KPIs and charts, and a chart click leading to the filtered traces.
 */
test.describe('sessions and overview', () => {
  let server: { url: string; child: ChildProcess }
  let home = ''
  const EXPERIMENT = '1'

  test.beforeAll(async () => {
    test.setTimeout(180_000)
    const storeUrl = await createFixtureStore('e2e_genai_sessions', e2eUrl(), e2eHome(), undefined, 'genai')
    home = await makeHome('mlflow-desk-e2e-sessions-')
    server = await startServe({ MLFLOW_DESK_HOME: home, MLFLOW_TRACKING_URI: storeUrl })
  })

  test.afterAll(async () => {
    if (server?.child.pid) await stopServe(server.child.pid)
    if (home) await rm(home, { recursive: true, force: true })
  })

  test('the Sessions tab lists the sessions; one opens as a conversation of its turns in order; the user filter keeps theirs', async ({ page }) => {
    const all = await api('traces:sessions', { experiment_ids: [EXPERIMENT], max_results: 1000 }, server.url)
    expect(all.sessions.length).toBeGreaterThan(3)
    await page.goto(`${server.url}#/experiments/${EXPERIMENT}/runs`)
    const s = new SessionsPage(page)
    await s.tab('sessions').click()
    await s.waitLoaded()
    await expect(page).toHaveURL(new RegExp(`#/experiments/${EXPERIMENT}/sessions$`))
    await expect(s.count).toHaveText(`${all.total} sessions`)
    expect(await s.sessionIds()).toEqual(all.sessions.map((x) => x.session_id))
    await screenshotBothThemes(page, 'sessions-list')

    // The session with the most turns, as a chat: user bubble then assistant bubble, turn after turn.
    const longest = [...all.sessions].sort((a, b) => b.turns - a.turns)[0]
    const { turns } = await api('traces:session', { experiment_ids: [EXPERIMENT], session_id: longest.session_id }, server.url)
    await s.rows.filter({ has: page.locator(`text=${longest.session_id}`) }).click()
    await expect(page).toHaveURL(new RegExp(`#/experiments/${EXPERIMENT}/sessions/${longest.session_id}$`))
    await expect(s.turns).toHaveCount(longest.turns)
    expect(await s.turns.evaluateAll((els) => els.map((e) => e.getAttribute('data-trace-id')))).toEqual(turns.map((t) => t.trace_id))
    await expect(s.turns.first().getByTestId('turn-request')).toContainText(turns[0].request_preview!)
    await expect(s.turns.first().getByTestId('turn-response')).toContainText(turns[0].response_preview!.slice(0, 40))
    await expect(s.turns.first().getByTestId('turn-trace-link')).toHaveAttribute('href', `#/traces/${turns[0].trace_id}`)
    const allTraces = await s.drawer.getByTestId('session-all-traces').getAttribute('href')
    const filter = new URLSearchParams(allTraces!.split('?')[1]).get('filter')
    expect(allTraces).toContain(`#/experiments/${EXPERIMENT}/traces?`)
    expect(filter).toBe(sessionFilter(longest.session_id))
    // The link's filter is one the Traces list's search takes, and it finds exactly this session's traces.
    const found = await api('traces:search', { experiment_ids: [EXPERIMENT], filter: filter!, max_results: 1000 }, server.url)
    expect(found.traces.map((t) => t.trace_id).sort()).toEqual(turns.map((t) => t.trace_id).sort())
    await screenshotBothThemes(page, 'session-conversation')

    // j opens the next session; Escape closes the drawer.
    await page.keyboard.press('Escape')
    await expect(s.drawer).toHaveCount(0)
    await expect(page).toHaveURL(new RegExp(`#/experiments/${EXPERIMENT}/sessions$`))

    const user = 'bob@example.com'
    const theirs = await api('traces:sessions', { experiment_ids: [EXPERIMENT], user, max_results: 1000 }, server.url)
    expect(theirs.sessions.length).toBeLessThan(all.sessions.length)
    await s.filterByUser(user)
    await expect(page).toHaveURL(/user=bob@example.com/)
    await expect(s.rows).toHaveCount(theirs.sessions.length)
    expect(await s.sessionIds()).toEqual(theirs.sessions.map((x) => x.session_id))
  })

  test('the Overview tab shows KPIs and charts; a chart click opens the traces it counts', async ({ page }) => {
    const o = await api('traces:overview', { experiment_ids: [EXPERIMENT] }, server.url)
    await page.goto(`${server.url}#/experiments/${EXPERIMENT}/sessions`)
    const s = new SessionsPage(page)
    await s.tab('overview').click()
    await expect(s.overview).toBeVisible()
    await expect(page.getByTestId('kpi-traces')).toContainText(String(o.totals.traces))
    await expect(page.getByTestId('kpi-errors')).toContainText(`${o.totals.errors} error`)
    for (const id of [
      'chart-volume',
      'chart-errors',
      'chart-latency',
      'chart-tokens',
      'chart-by-name',
      'chart-by-model',
      'chart-pass-rate',
      'chart-slowest-spans',
    ]) {
      await expect(page.getByTestId(id)).toBeVisible()
    }
    await expect(page.getByTestId('chart-volume')).toHaveAttribute('data-points', String(o.buckets.length))
    await expect(page.getByTestId('chart-slowest-spans')).toHaveAttribute('data-points', String(o.slowest_spans!.length))
    await screenshotBothThemes(page, 'overview')
    await page.getByTestId('chart-slowest-spans').scrollIntoViewIfNeeded()
    await screenshotBothThemes(page, 'overview-lower')

    // Experiment 1 has one trace name: a click on its bar opens the Traces tab filtered by it.
    expect(o.by_name.map((r) => r.name)).toEqual(['support_chat'])
    await s.clickChart('chart-by-name', 0.3, 0.4)
    // It navigates to the Traces tab with the bar's filter.
    await expect(page).toHaveURL(new RegExp(`#/experiments/${EXPERIMENT}/traces\\?filter=`))
    expect(new URLSearchParams(page.url().split('?')[1]).get('filter')).toBe(traceNameFilter('support_chat'))
    // The filter is one the Traces list's search takes, and it finds the traces the bar counts.
    const found = await api('traces:search', { experiment_ids: [EXPERIMENT], filter: traceNameFilter('support_chat'), max_results: 1000 }, server.url)
    expect(found.traces.length).toBe(o.by_name[0].traces)
  })
})
