import { rm } from 'node:fs/promises'
import type { ChildProcess } from 'node:child_process'
import { expect, test } from '@playwright/test'
import type { TraceGetResponse } from '@shared/domain/traces'
import { FindPalette } from '../pages/FindPalette'
import { TracePage } from '../pages/TracePage'
import { api, e2eHome, e2eUrl } from '../support/api'
import { createFixtureStore } from '../support/fixtureStore'
import { makeHome, startServe, stopServe } from '../support/serve'
import { screenshotBothThemes } from '../support/screenshots'

/** A generated trace: a root, 50 chains of 49 spans each (2,501 spans), on the GenAI fixture's first experiment. */
const BIG_TRACE = `tr-e2e${'0'.repeat(25)}2501`
const BIG_SPANS = 1 + 50 + 50 * 49

const BIG_TRACE_SQL = `
WITH t AS (SELECT $1::text AS id, $2::bigint * 1000000 AS t0, encode(decode(md5($1::text), 'hex'), 'base64') AS otel),
spans AS (
  SELECT 'a000000000000000' AS hex, NULL::text AS parent, 'big_agent_run' AS name, 'AGENT' AS type, 0::bigint AS s, 5000000000::bigint AS e
  UNION ALL
  SELECT lpad(to_hex(g), 16, '0'), 'a000000000000000', 'step_' || g, 'CHAIN', (g - 1) * 100000000::bigint, g * 100000000::bigint
    FROM generate_series(1, 50) g
  UNION ALL
  SELECT lpad(to_hex(g * 1000 + k), 16, '0'), lpad(to_hex(g), 16, '0'), 'call_' || g || '_' || k,
         (ARRAY['LLM', 'TOOL', 'RETRIEVER', 'CHAT_MODEL', 'PARSER'])[k % 5 + 1],
         (g - 1) * 100000000::bigint + (k - 1) * 2000000, (g - 1) * 100000000::bigint + k * 2000000
    FROM generate_series(1, 50) g, generate_series(1, 49) k
)
INSERT INTO public.spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, start_time_unix_nano, end_time_unix_nano, content)
SELECT t.id, 1, sp.hex, sp.parent, sp.name, sp.type, 'OK', t.t0 + sp.s, t.t0 + sp.e,
       json_build_object(
         'trace_id', t.otel, 'span_id', encode(decode(sp.hex, 'hex'), 'base64'),
         'parent_span_id', CASE WHEN sp.parent IS NULL THEN NULL ELSE encode(decode(sp.parent, 'hex'), 'base64') END,
         'name', sp.name, 'start_time_unix_nano', t.t0 + sp.s, 'end_time_unix_nano', t.t0 + sp.e, 'events', '[]'::json,
         'status', json_build_object('code', 'STATUS_CODE_OK', 'message', ''),
         'attributes', json_build_object('mlflow.traceRequestId', to_json(t.id)::text, 'mlflow.spanType', to_json(sp.type)::text))::text
  FROM t, spans sp`

/**
 * The trace view on the real MLflow 3.5 GenAI fixture, served by its own `serve`: a trace by URL
 * with its span tree and waterfall, a chat span's conversation, the assessments with the judge's
 * overridden feedback struck through, collapsing, a pasted id in the palette, and a generated
 * trace of 2,501 spans that opens and scrolls.
 */
test.describe('trace view', () => {
  let server: { url: string; child: ChildProcess }
  let home = ''
  /** The trace whose LLM-judge feedback a human overrode. */
  let overridden = ''

  test.beforeAll(async () => {
    test.setTimeout(180_000)
    const storeUrl = await createFixtureStore(
      'e2e_genai_trace_view',
      e2eUrl(),
      e2eHome(),
      async (client) => {
        const { rows } = await client.query<{ id: string }>('SELECT trace_id AS id FROM public.assessments WHERE overrides IS NOT NULL LIMIT 1')
        overridden = rows[0].id
        const first = await client.query<{ ms: string }>('SELECT max(timestamp_ms)::text AS ms FROM public.trace_info')
        const ms = Number(first.rows[0].ms) + 60_000
        await client.query(
          `INSERT INTO public.trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status) VALUES ($1, 1, $2, 5000, 'OK')`,
          [BIG_TRACE, ms],
        )
        await client.query(`INSERT INTO public.trace_tags (key, value, request_id) VALUES ('mlflow.traceName', 'big_agent_run', $1)`, [BIG_TRACE])
        await client.query(BIG_TRACE_SQL, [BIG_TRACE, ms])
      },
      'genai',
    )
    home = await makeHome('mlflow-desk-e2e-trace-view-')
    server = await startServe({ MLFLOW_DESK_HOME: home, MLFLOW_TRACKING_URI: storeUrl })
  })

  test.afterAll(async () => {
    if (server?.child.pid) await stopServe(server.child.pid)
    if (home) await rm(home, { recursive: true, force: true })
  })

  test('a trace by URL: every span in the tree, a chat span’s conversation, assessments with the override struck through, collapse', async ({ page }) => {
    const got: TraceGetResponse = await api('traces:get', { trace_id: overridden }, server.url)
    const trace = new TracePage(page)
    await trace.goto(server.url, overridden)
    await trace.waitLoaded(overridden)
    expect(await trace.rowCount()).toBe(got.view.spans.length)
    await expect(trace.rows).toHaveCount(got.view.spans.length)
    await expect(trace.title).toHaveText(got.trace.info.tags['mlflow.traceName'])
    await expect(page.getByTestId('trace-state')).toHaveText(got.trace.info.state)
    // The first span (the root) is selected by default.
    await expect(trace.detail).toHaveAttribute('data-span-id', got.view.spans[0].span_id)
    // Rows in the order traces:get gives them, critical-path spans marked.
    const ids = await trace.rows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-span-id')))
    expect(ids).toEqual(got.view.spans.map((s) => s.span_id))
    await expect(page.locator('[data-testid="span-row"].critical')).toHaveCount(got.view.critical_path.length)

    // Assessments: those in force, and the judge's "no" struck through under the human's "yes", saying who it was.
    const inForce = got.trace.info.assessments.filter((a) => !(a.assessment_id in got.view.overridden_by))
    await expect(trace.assessments).toHaveCount(inForce.length)
    const human = got.trace.info.assessments.find((a) => a.overrides)!
    const judge = got.trace.info.assessments.find((a) => a.assessment_id === human.overrides)!
    const card = trace.assessment(human.assessment_name)
    await expect(card.getByTestId('assessment-value')).toHaveText(String(human.feedback!.value))
    await expect(card.getByTestId('assessment-overridden').locator('s')).toHaveText(String(judge.feedback!.value))
    await expect(card.getByTestId('assessment-overridden')).toContainText(judge.source.source_id!)
    await expect(card.getByTestId('assessment-source')).toContainText(human.source.source_id!)
    await expect(card.getByTestId('assessment-rationale')).toHaveText(human.rationale!)
    await screenshotBothThemes(page, 'trace-view')

    // A CHAT_MODEL span: its messages as a conversation, its model and tokens.
    const chat = got.view.spans.find((s) => s.type === 'CHAT_MODEL')!
    const raw = got.trace.data.spans[chat.index]
    const inputs = JSON.parse(String(raw.attributes['mlflow.spanInputs'])) as { messages: Array<{ role: string; content: string }> }
    await trace.select(chat.span_id)
    await expect(page).toHaveURL(new RegExp(`[?&]span=${chat.span_id}`))
    const inputMessages = page.getByTestId('span-inputs').getByTestId('chat-message')
    await expect(inputMessages).toHaveCount(inputs.messages.length)
    expect(await inputMessages.evaluateAll((ms) => ms.map((m) => m.getAttribute('data-role')))).toEqual(inputs.messages.map((m) => m.role))
    await expect(inputMessages.first().getByTestId('chat-content')).toHaveText(inputs.messages[0].content)
    await expect(page.getByTestId('span-outputs').getByTestId('chat-message')).toHaveAttribute('data-role', 'assistant')
    await expect(page.getByTestId('span-model')).toContainText(chat.model!)
    await expect(page.getByTestId('span-tokens')).toContainText(String(chat.tokens!.total_tokens))
    await screenshotBothThemes(page, 'trace-view-chat')

    // A retriever's documents as cards with their URI.
    const retriever = got.view.spans.find((s) => s.type === 'RETRIEVER')
    if (retriever) {
      await trace.select(retriever.span_id)
      await expect(page.getByTestId('document-card').first().getByTestId('document-uri')).toHaveText(/^kb\//)
    }

    // Collapse the root with its chevron: only it is left; the arrow keys expand and collapse it again.
    const root = got.view.spans[0]
    await trace.toggle(root.span_id)
    await expect(trace.rows).toHaveCount(1)
    await trace.select(root.span_id)
    await page.keyboard.press('ArrowRight')
    await expect(trace.rows).toHaveCount(got.view.spans.length)
    await page.keyboard.press('ArrowDown')
    await expect(trace.detail).toHaveAttribute('data-span-id', got.view.spans[1].span_id)
    await page.keyboard.press('ArrowLeft')
    await expect(trace.detail).toHaveAttribute('data-span-id', root.span_id)
    await page.keyboard.press('ArrowLeft')
    await expect(trace.rows).toHaveCount(1)
  })

  test('an error span shows its exception with the stack text', async ({ page }) => {
    const { traces } = await api('traces:search', { experiment_ids: ['1', '2'], filter: "trace.status = 'ERROR'", max_results: 1 }, server.url)
    expect(traces.length).toBe(1)
    const got: TraceGetResponse = await api('traces:get', { trace_id: traces[0].trace_id }, server.url)
    const failed = got.view.spans.find((s) => s.error && got.trace.data.spans[s.index].events.some((e) => e.name === 'exception'))!
    const trace = new TracePage(page)
    await trace.goto(server.url, got.trace.info.trace_id, failed.span_id)
    await expect(trace.detail).toHaveAttribute('data-span-id', failed.span_id)
    await expect(trace.row(failed.span_id).getByTestId('span-error')).toBeVisible()
    await expect(page.getByTestId('span-status')).toContainText(failed.status_message.split(':')[0])
    await trace.detailTab('events').click()
    await expect(page.getByTestId('span-stacktrace')).toContainText('Traceback (most recent call last)')
    await screenshotBothThemes(page, 'trace-view-error')
  })

  test('a trace id pasted in the palette, or on the page, opens the trace; an unknown id says it is not found', async ({ page }) => {
    await page.goto(server.url)
    const palette = new FindPalette(page)
    await palette.open()
    await palette.search(overridden)
    await palette.hit('trace', overridden).click()
    await expect(page).toHaveURL(new RegExp(`#/traces/${overridden}$`))
    const trace = new TracePage(page)
    await trace.waitLoaded(overridden)

    await page.goto(`${server.url}#/experiments`)
    await palette.paste(BIG_TRACE)
    await expect(page).toHaveURL(new RegExp(`#/traces/${BIG_TRACE}$`))
    await expect(trace.title).toHaveText('big_agent_run')

    await trace.goto(server.url, 'tr-00000000000000000000000000000000')
    await expect(trace.notFound).toContainText("Trace 'tr-00000000000000000000000000000000' not found")
    await screenshotBothThemes(page, 'trace-view-not-found')
  })

  test(`a trace of ${BIG_SPANS.toLocaleString('en')} spans opens, draws only the rows on screen, and scrolls to its last span`, async ({ page }) => {
    const got: TraceGetResponse = await api('traces:get', { trace_id: BIG_TRACE }, server.url)
    expect(got.view.spans.length).toBe(BIG_SPANS)
    const trace = new TracePage(page)
    await trace.goto(server.url, BIG_TRACE)
    await trace.waitLoaded(BIG_TRACE)
    expect(await trace.rowCount()).toBe(BIG_SPANS)
    // Virtual rows: a screenful in the page, not thousands.
    expect(await trace.rows.count()).toBeLessThan(100)
    const last = got.view.spans[got.view.spans.length - 1]
    await expect(trace.row(last.span_id)).toHaveCount(0)
    await trace.tree.hover()
    for (let i = 0; i < 40; i++) await page.mouse.wheel(0, 4000)
    await expect(trace.row(last.span_id)).toBeVisible()
    await expect(trace.row(got.view.spans[0].span_id)).toHaveCount(0)
    await screenshotBothThemes(page, 'trace-view-large')

    // Collapse a chain by keys from its row: its 49 calls leave the tree.
    await trace.select(last.span_id)
    await page.keyboard.press('ArrowLeft')
    await expect(trace.detail).toHaveAttribute('data-span-id', last.parent_span_id!)
    await page.keyboard.press('ArrowLeft')
    await expect.poll(() => trace.rowCount()).toBe(BIG_SPANS - 49)
    // A span named in the URL deep in the list is scrolled to and selected.
    const middle = got.view.spans[1200]
    await trace.goto(server.url, BIG_TRACE, middle.span_id)
    await expect(trace.detail).toHaveAttribute('data-span-id', middle.span_id)
    await expect(trace.row(middle.span_id)).toBeVisible()
  })
})
