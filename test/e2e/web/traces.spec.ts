import { rm } from 'node:fs/promises'
import type { ChildProcess } from 'node:child_process'
import { expect, test, type Page } from '@playwright/test'
import type { TracesSearchResponse } from '@shared/api/contract'
import type { TraceRow } from '@shared/domain/traces'
import { TRACES_PAGE_SIZE } from '@shared/domain/pageSizes'
import { ExperimentsPage } from '../pages/ExperimentsPage'
import { TracesPage } from '../pages/TracesPage'
import { api, apiFailure, e2eHome, e2eUrl } from '../support/api'
import { createFixtureStore } from '../support/fixtureStore'
import { makeHome, startServe, stopServe } from '../support/serve'
import { screenshotBothThemes } from '../support/screenshots'

/**
 * The Traces tab on the real MLflow 3.5 GenAI fixture, served by its own `serve`: the list equals
 * traces:search, filters (MLflow's syntax and our extensions) narrow it to what the server counts,
 * a refused filter is marked where it went wrong, headers sort, scrolling loads the next page, and
 * a row opens its trace.
 */
test.describe('traces list', () => {
  // Each test walks many screens (and takes screenshots in both themes) on a shared 2-core machine.
  test.describe.configure({ timeout: 180_000 })
  let server: { url: string; child: ChildProcess }
  let home = ''
  let ids: Record<string, string> = {}

  test.beforeAll(async () => {
    test.setTimeout(180_000)
    const storeUrl = await createFixtureStore('e2e_genai_traces', e2eUrl(), e2eHome(), undefined, 'genai')
    home = await makeHome('mlflow-desk-e2e-traces-')
    server = await startServe({ MLFLOW_DESK_HOME: home, MLFLOW_TRACKING_URI: storeUrl })
    const { experiments } = await api('experiments:list', {}, server.url)
    ids = Object.fromEntries(experiments.map((e) => [e.name, e.experiment_id]))
  })

  test.afterAll(async () => {
    if (server?.child.pid) await stopServe(server.child.pid)
    if (home) await rm(home, { recursive: true, force: true })
  })

  /** Every trace traces:search finds, page after page. */
  async function allTraces(experimentIds: string[], filter: string | null = null, orderBy: string[] | null = null): Promise<TraceRow[]> {
    const out: TraceRow[] = []
    let token: string | null = null
    do {
      const page: TracesSearchResponse = await api(
        'traces:search',
        { experiment_ids: experimentIds, filter, order_by: orderBy, max_results: TRACES_PAGE_SIZE, page_token: token },
        server.url,
      )
      out.push(...page.traces)
      token = page.next_page_token
    } while (token)
    return out
  }

  const openTraces = async (page: Page, experimentIds: string[], query = '') => {
    await page.goto(`${server.url.split('#')[0]}#/experiments/${experimentIds.join(',')}/traces${query}`)
    const traces = new TracesPage(page)
    await traces.waitLoaded()
    return traces
  }

  async function expectRowsToBe(traces: TracesPage, expected: TraceRow[]) {
    await expect.poll(async () => (await traces.shownTraceIds()).length).toBeGreaterThan(0)
    const shown = await traces.shownTraceIds()
    expect(shown).toEqual(expected.slice(0, shown.length).map((t) => t.trace_id))
  }

  test('the Traces tab beside Runs lists what traces:search finds; headers sort; j/k and Enter open a trace', async ({ page }) => {
    const id = ids['support-assistant']
    const expected = await allTraces([id])
    expect(expected.length).toBeGreaterThan(10)
    await page.goto(server.url)
    const experiments = new ExperimentsPage(page)
    await experiments.waitLoaded()
    await experiments.openExperiment('support-assistant')
    const traces = new TracesPage(page)
    await traces.tab.click()
    await expect(page).toHaveURL(new RegExp(`#/experiments/${id}/traces$`))
    await traces.waitLoaded()
    await expect(traces.title).toHaveText('support-assistant')
    await expect(traces.count).toHaveText(`${expected.length} traces`)
    await expect(traces.allLoaded).toHaveText(`All ${expected.length} traces loaded`)
    await expectRowsToBe(traces, expected)
    // The first row's cells say what the trace holds.
    const first = traces.row(expected[0].trace_id)
    await expect(first.locator('[data-col-key="request"]')).toHaveText(expected[0].request_preview ?? '—')
    await expect(first.getByTestId('trace-link')).toHaveAttribute('href', `#/traces/${expected[0].trace_id}`)
    await expect(first.getByTestId('trace-state')).toHaveText(expected[0].state === 'OK' ? 'OK' : 'Error')
    // Thumbs for a boolean feedback: as many up and down in view as the rows in view hold.
    const shown = await traces.shownTraceIds()
    const thumbs = expected.filter((t) => shown.includes(t.trace_id) && typeof t.assessments.user_thumbs_up?.value === 'boolean').length
    await expect(traces.table.locator('[data-col-key="assessment:user_thumbs_up"] [data-testid="assessment-thumb"]')).toHaveCount(thumbs)
    await screenshotBothThemes(page, 'traces-list')
    // Sideways: tokens, name, session, user and the assessments.
    await traces.header('assessment:user_thumbs_up').scrollIntoViewIfNeeded()
    await screenshotBothThemes(page, 'traces-list-assessments')

    // The column chooser: the run column shown, and still there after a reload (remembered in this browser).
    await page.getByTestId('traces-columns').click()
    await expect(page.getByTestId('traces-column-chooser')).toBeVisible()
    await screenshotBothThemes(page, 'traces-column-chooser')
    await page.getByTestId('trace-column-run').click()
    await expect(traces.header('run')).toHaveCount(1)
    await page.reload()
    await traces.waitLoaded()
    await expect(traces.header('run')).toHaveCount(1)
    // Traces made in a run link to it.
    const inRuns = expected.filter((t) => shown.includes(t.trace_id) && t.source_run_id)
    expect(inRuns.length).toBeGreaterThan(0)
    await expect(traces.table.locator('tbody [data-col-key="run"] a')).toHaveCount(inRuns.length)
    await expect(traces.row(inRuns[0].trace_id).locator('[data-col-key="run"] a')).toHaveAttribute('href', `#/runs/${inRuns[0].source_run_id}`)

    // Slowest first, then fastest first, then MLflow's order again.
    await traces.header('execution').click()
    await expect(page).toHaveURL(/order=execution_time_ms(\+|%20)DESC/)
    await traces.waitLoaded()
    await expectRowsToBe(traces, await allTraces([id], null, ['execution_time_ms DESC']))
    await traces.header('execution').click()
    await traces.waitLoaded()
    await expectRowsToBe(traces, await allTraces([id], null, ['execution_time_ms ASC']))
    await expect(traces.header('execution')).toHaveClass(/n-data-table-th--sorting/)
    // By an assessment: the server orders by its latest valid value.
    await traces.header('assessment:groundedness').click()
    await traces.waitLoaded()
    await expectRowsToBe(traces, await allTraces([id], null, ['assessment.groundedness DESC']))

    // Keyboard: j, j, Enter opens the second row's trace, at the path its link shows (the `trace` route, /traces/<id>).
    const sorted = await traces.shownTraceIds()
    await page.locator('body').click({ position: { x: 5, y: 5 } })
    await page.keyboard.press('j')
    await page.keyboard.press('j')
    await expect(traces.row(sorted[1])).toHaveClass(/row-cursor/)
    await expect(traces.row(sorted[1]).getByTestId('trace-link')).toHaveAttribute('href', `#/traces/${sorted[1]}`)
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(new RegExp(`#/traces/${sorted[1]}$`))
  })

  test('filters: MLflow syntax and our extensions narrow the list to what the server finds; a refused filter is marked where it went wrong', async ({
    page,
  }) => {
    const id = ids['support-assistant']
    const all = (await allTraces([id])).length
    const traces = await openTraces(page, [id])

    // `/` focuses the filter.
    await page.keyboard.press('/')
    await expect(traces.filter).toBeFocused()
    const errors = await allTraces([id], "trace.status = 'ERROR'")
    expect(errors.length).toBeGreaterThan(0)
    await traces.applyFilter("trace.status = 'ERROR'")
    await expect(page).toHaveURL(/filter=trace\.status/)
    await expect(traces.count).toHaveText(`${errors.length} of ${all} ${all === 1 ? 'trace' : 'traces'} match`)
    await expectRowsToBe(traces, errors)

    // Extensions: span types, tokens, OR and parentheses.
    const extension = "(span.type = 'RETRIEVER' AND trace.tokens.total > 100) OR feedback.user_thumbs_up = false"
    const matching = await allTraces([id], extension)
    expect(matching.length).toBeGreaterThan(0)
    expect(matching.length).toBeLessThan(all)
    await traces.applyFilter(extension)
    await expect(traces.count).toHaveText(`${matching.length} of ${all} traces match`)
    await expectRowsToBe(traces, matching)

    // A click on a user cell keeps only that user's traces (within the filter there).
    await traces.applyFilter('')
    const user = (await allTraces([id])).find((t) => t.user)!.user!
    await traces.rows.getByTestId('filter-by-user').filter({ hasText: user }).first().click()
    const userFilter = `metadata.\`mlflow.trace.user\` = '${user}'`
    await expect(traces.filter).toHaveValue(userFilter)
    await traces.waitLoaded()
    const byUser = await allTraces([id], userFilter)
    await expect(traces.count).toHaveText(`${byUser.length} of ${all} traces match`)
    await expectRowsToBe(traces, byUser)

    // Refused: the server's message, and the mark where it points.
    const bad = "trace.status = 'OK' AND tags.env = "
    const failure = await apiFailure('traces:search', { experiment_ids: [id], filter: bad }, server.url)
    await traces.applyFilter(bad)
    await expect(traces.filterError).toContainText(failure.message)
    const position = failure.details?.position as number
    expect(typeof position).toBe('number')
    await expect(traces.filterErrorMark).toHaveText(bad.slice(position, position + Math.max(1, (failure.details?.length as number) ?? 1)).padEnd(1, ' '))
    await expect(traces.emptyTitle).toHaveText('Fix the filter to see traces')
    await screenshotBothThemes(page, 'traces-filter-error')

    // Nothing matches: said so, with the way back.
    await traces.applyFilter("tags.env = 'nowhere'")
    await expect(traces.emptyTitle).toHaveText('No traces match this filter')
    await screenshotBothThemes(page, 'traces-no-match')
    await page.getByTestId('traces-clear-filter').click()
    await traces.waitLoaded()
    await expect(traces.count).toHaveText(`${all} traces`)
  })

  test('scrolling loads the next page well before the end; an experiment without traces says so', async ({ page }) => {
    const both = [ids['support-assistant'], ids['sql-agent']]
    const expected = await allTraces(both)
    expect(expected.length).toBeGreaterThan(TRACES_PAGE_SIZE)
    const traces = await openTraces(page, both)
    await expect(traces.count).toHaveText(`${TRACES_PAGE_SIZE} of ${expected.length} traces loaded`)
    await traces.scrollToEnd()
    await expect(traces.allLoaded).toHaveText(`All ${expected.length} traces loaded`)
    await expect(traces.count).toHaveText(`${expected.length} traces`)
    await traces.scrollToEnd()
    const last = expected[expected.length - 1]
    await expect(traces.row(last.trace_id)).toBeVisible()
    // Across experiments, each row names its experiment and links to its traces alone.
    const lastExperiment = Object.entries(ids).find(([, id]) => id === last.experiment_id)![0]
    await expect(traces.row(last.trace_id).getByTestId('trace-experiment')).toHaveText(lastExperiment)

    const empty = Object.values(ids).find((e) => !both.includes(e))!
    expect((await allTraces([empty])).length).toBe(0)
    await openTraces(page, [empty])
    await expect(traces.emptyTitle).toHaveText('This experiment has no traces')
    await screenshotBothThemes(page, 'traces-empty')
  })
})
