import { rm } from 'node:fs/promises'
import type { ChildProcess } from 'node:child_process'
import { expect, test } from '@playwright/test'
import { templateAsText } from '@shared/domain/prompts'
import { FindPalette } from '../pages/FindPalette'
import { PromptsPage } from '../pages/PromptsPage'
import { api, e2eHome, e2eUrl } from '../support/api'
import { createFixtureStore } from '../support/fixtureStore'
import { makeHome, startServe, stopServe } from '../support/serve'
import { screenshotBothThemes } from '../support/screenshots'

/**
 * MLflow's prompt registry on the real MLflow 3.5 GenAI fixture, served by its own `serve`
 * (MLFLOW_TRACKING_URI: the fixture's copy): the sidebar's Prompts, a prompt's versions with
 * their aliases and templates, and a diff of two versions.
 */
test.describe('prompts', () => {
  let server: { url: string; child: ChildProcess }
  let home = ''
  let linkedRun = ''
  let linkedTrace = ''

  test.beforeAll(async () => {
    test.setTimeout(180_000)
    // The fixture records no prompt use: tag one run and one trace with version 2 as MLflow 3 does (mlflow.linkedPrompts).
    const storeUrl = await createFixtureStore(
      'e2e_genai_prompts',
      e2eUrl(),
      e2eHome(),
      async (client) => {
        const linked = JSON.stringify([{ name: 'support-system-prompt', version: '2' }])
        const run = await client.query<{ id: string }>('SELECT run_uuid AS id FROM public.runs ORDER BY start_time, run_uuid LIMIT 1')
        const trace = await client.query<{ id: string }>('SELECT request_id AS id FROM public.trace_info ORDER BY timestamp_ms, request_id LIMIT 1')
        linkedRun = run.rows[0].id
        linkedTrace = trace.rows[0].id
        await client.query(`INSERT INTO public.tags (key, value, run_uuid) VALUES ('mlflow.linkedPrompts', $1, $2)`, [linked, linkedRun])
        await client.query(`INSERT INTO public.trace_tags (key, value, request_id) VALUES ('mlflow.linkedPrompts', $1, $2)`, [linked, linkedTrace])
      },
      'genai',
    )
    home = await makeHome('mlflow-desk-e2e-prompts-')
    server = await startServe({ MLFLOW_DESK_HOME: home, MLFLOW_TRACKING_URI: storeUrl })
  })

  test.afterAll(async () => {
    if (server?.child.pid) await stopServe(server.child.pid)
    if (home) await rm(home, { recursive: true, force: true })
  })

  test('open Prompts, open support-system-prompt: version 2 has the alias production; the chat template reads by role', async ({ page }) => {
    const all = (await api('prompts:search', { max_results: 100 }, server.url)).prompts
    await page.goto(server.url)
    const prompts = new PromptsPage(page)
    await prompts.navLink.click()
    await prompts.waitLoaded()
    expect(await prompts.names()).toEqual(all.map((p) => p.name))
    await expect(prompts.count).toHaveText(`${all.length} prompts`)
    // Prompts are no registered models: the Models list does not show them.
    await page.getByTestId('nav-models').click()
    await expect(page.getByTestId('models-empty')).toBeVisible()
    await page.getByTestId('models-prompts-link').click()
    await prompts.waitLoaded()
    await screenshotBothThemes(page, 'prompts-list')

    const { versions } = await api('prompts:get', { name: 'support-system-prompt' }, server.url)
    await prompts.openPrompt('support-system-prompt')
    await expect(prompts.versions).toHaveCount(versions.length)
    expect(await prompts.versions.evaluateAll((vs) => vs.map((v) => v.getAttribute('data-version')))).toEqual(versions.map((v) => v.version))
    await expect(prompts.version('2').getByTestId('version-alias')).toHaveText('@production')
    await expect(prompts.version('3').getByTestId('version-alias')).toHaveCount(0)
    // The newest is shown first, its variables marked in the template.
    const newest = versions[0]
    await expect(prompts.versionPanel).toHaveAttribute('data-version', newest.version)
    await expect(page.getByTestId('prompt-template-text')).toHaveText(templateAsText(newest.template))
    await expect(prompts.versionPanel.getByTestId('template-variable')).toHaveText(newest.variables.map((v) => `{{${v}}}`))
    await expect(page.getByTestId('commit-message')).toHaveText(newest.commit_message!)
    await screenshotBothThemes(page, 'prompt-detail')

    await prompts.selectVersion('2')
    await expect(page).toHaveURL(/#\/prompts\/support-system-prompt\?version=2$/)
    await expect(page.getByTestId('selected-alias')).toHaveText('@production')
    await expect(page.getByTestId('commit-message')).toHaveText(versions.find((v) => v.version === '2')!.commit_message!)
    // Used by: the run and the trace tagged with version 2.
    await expect(page.getByTestId('prompt-linked-run')).toHaveAttribute('data-run-id', linkedRun)
    await expect(page.getByTestId('prompt-linked-trace')).toHaveAttribute('data-trace-id', linkedTrace)
    await screenshotBothThemes(page, 'prompt-version-used-by')
    // J moves to the next older version, which no run used.
    await page.keyboard.press('j')
    await expect(prompts.versionPanel).toHaveAttribute('data-version', '1')
    await expect(page.getByTestId('prompt-linked-run')).toHaveCount(0)

    // A chat template: its messages by role.
    const sql = (await api('prompts:get', { name: 'sql-generator' }, server.url)).versions.find((v) => v.template.type === 'chat')!
    if (sql.template.type !== 'chat') throw new Error('sql-generator has no chat version')
    await page.goto(`${server.url.split('#')[0]}#/prompts/sql-generator?version=${sql.version}`)
    const messages = page.getByTestId('chat-message')
    await expect(messages).toHaveCount(sql.template.messages.length)
    for (const [i, m] of sql.template.messages.entries()) {
      await expect(messages.nth(i)).toHaveAttribute('data-role', m.role)
      await expect(messages.nth(i).locator('pre')).toHaveText(m.content)
    }
    await screenshotBothThemes(page, 'prompt-chat')
  })

  test('diff v1 against v3 side by side, from a shareable URL and from the D key', async ({ page }) => {
    const { versions } = await api('prompts:get', { name: 'support-system-prompt' }, server.url)
    const [v1, v3] = ['1', '3'].map((n) => versions.find((v) => v.version === n)!)
    await page.goto(`${server.url.split('#')[0]}#/prompts/support-system-prompt?version=3&diff=1`)
    const prompts = new PromptsPage(page)
    await expect(prompts.diff).toBeVisible()
    await expect(page.getByTestId('prompt-diff-base')).toHaveAttribute('data-version', '1')
    await expect(page.getByTestId('prompt-diff-other')).toHaveAttribute('data-version', '3')
    // One line each: v1's removed, v3's added.
    await expect(page.getByTestId('diff-stats')).toHaveText('+1 −1')
    const other = page.getByTestId('prompt-diff-other')
    await expect(other.locator('[data-kind="removed"] .text')).toHaveText(templateAsText(v1.template))
    await expect(other.locator('[data-kind="added"] .text')).toHaveText(templateAsText(v3.template))
    await screenshotBothThemes(page, 'prompt-diff')

    // Esc closes the diff; D opens it again against the version before the one shown.
    await page.keyboard.press('Escape')
    await expect(prompts.versionPanel).toHaveAttribute('data-version', '3')
    await expect(page).toHaveURL(/\?version=3$/)
    await page.keyboard.press('d')
    await expect(page).toHaveURL(/\?version=3&diff=2$/)
    await expect(page.getByTestId('prompt-diff-base')).toHaveAttribute('data-version', '2')
  })

  test('find anything opens a prompt by a piece of its name, and a pasted prompts:/ URI opens its version', async ({ page }) => {
    await page.goto(server.url)
    const palette = new FindPalette(page)
    await palette.open()
    await palette.search('system-pro', 'support-system-prompt')
    const hit = palette.hit('prompt', 'support-system-prompt')
    await expect(hit).toContainText('Prompt · 3 versions')
    await hit.click()
    await expect(new PromptsPage(page).promptTitle).toHaveText('support-system-prompt')
    await expect(page).toHaveURL(/#\/prompts\/support-system-prompt$/)

    // MLflow's prompt URI, pasted outside a text field, opens the version its alias points at.
    await palette.paste('prompts:/support-system-prompt@production')
    await expect(page).toHaveURL(/#\/prompts\/support-system-prompt\?version=2$/)
    await expect(new PromptsPage(page).versionPanel).toHaveAttribute('data-version', '2')
  })

  test('a name that is no prompt says so', async ({ page }) => {
    await page.goto(`${server.url.split('#')[0]}#/prompts/no-such-prompt`)
    await expect(page.getByTestId('prompt-not-found')).toContainText('No prompt named “no-such-prompt”')
  })
})
