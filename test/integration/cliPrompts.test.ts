import { beforeAll, describe, expect, it } from 'vitest'
import { cli } from '../helpers/cliRunner'
import { createDatabase, urlFor } from '../helpers/databases'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES } from '../helpers/fixtures'

const dump = FIXTURES.genai.dump
type Row = Record<string, string | null>
const versionsOf = (name: string) =>
  dumpRows(dump, 'model_versions')
    .filter((v: Row) => v.name === name)
    .sort((a: Row, b: Row) => Number(b.version) - Number(a.version))
const textOf = (name: string, version: string) =>
  dumpRows(dump, 'model_version_tags').find((t: Row) => t.name === name && t.version === version && t.key === 'mlflow.prompt.text')!.value!

describe('mlflow-desk prompts on the MLflow 3.5 GenAI fixture', () => {
  let url: string
  beforeAll(async () => {
    url = urlFor(await createDatabase('cli_prompts', FIXTURES.genai.template))
  })

  it('prompts list --json prints every prompt by name; the models command lists none of them', async () => {
    const r = await cli(['prompts', 'list', '--json', '--url', url])
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout) as { prompts: Array<{ name: string; version_count: number }>; next_page_token: string | null }
    expect(json.prompts.map((p) => [p.name, p.version_count])).toEqual([
      ['sql-generator', versionsOf('sql-generator').length],
      ['support-system-prompt', versionsOf('support-system-prompt').length],
    ])
    expect(json.next_page_token).toBeNull()
    const models = await cli(['models', 'list', '--json', '--url', url])
    expect(models.code).toBe(0)
    expect(JSON.parse(models.stdout)).toEqual({})
  })

  it('prompts list prints a table for people, and pages', async () => {
    const r = await cli(['prompts', 'list', '--url', url])
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+LATEST\s+VERSIONS\s+ALIASES/)
    expect(r.stdout).toMatch(/support-system-prompt\s+v3\s+3\s+@production=v2/)
    expect(r.stderr).toBe('2 prompt(s)')
    const first = await cli(['prompts', 'list', '--max-results', '1', '--json', '--url', url])
    const token = JSON.parse(first.stdout).next_page_token as string
    const second = JSON.parse((await cli(['prompts', 'list', '--max-results', '1', '--page-token', token, '--json', '--url', url])).stdout)
    expect(second.prompts.map((p: { name: string }) => p.name)).toEqual(['support-system-prompt'])
  })

  it('prompts get prints the versions, newest first, and the latest template', async () => {
    const r = await cli(['prompts', 'get', 'support-system-prompt', '--url', url])
    expect(r.code).toBe(0)
    const versions = versionsOf('support-system-prompt')
    const lines = r.stdout.split('\n')
    const head = lines.findIndex((l) => l.startsWith('VERSION'))
    expect(lines.slice(head + 1, head + 1 + versions.length).map((l) => l.split(/\s+/)[0])).toEqual(versions.map((v: Row) => v.version))
    expect(r.stdout).toMatch(/\n2\s+@production\s+question\s/)
    expect(r.stdout.trimEnd().endsWith(textOf('support-system-prompt', '3'))).toBe(true)
  })

  it('prompts get NAME VERSION --json prints that version: chat messages, variables, commit message', async () => {
    const r = await cli(['prompts', 'get', 'sql-generator', '1', '--json', '--url', url])
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.prompt.name).toBe('sql-generator')
    expect(json.version).toMatchObject({
      version: '1',
      commit_message: versionsOf('sql-generator').find((v: Row) => v.version === '1')!.description,
      template: { type: 'chat', messages: JSON.parse(textOf('sql-generator', '1')) },
      variables: ['dialect', 'task'],
    })
    const text = await cli(['prompts', 'get', 'sql-generator', '1', '--url', url])
    expect(text.stdout).toContain('[system]\nYou translate questions into SQL for {{dialect}}.\n\n[user]\n{{task}}')
  })

  it('refuses what is not there, naming it: a missing version, a prompt that does not exist, a version that is no number', async () => {
    const missing = await cli(['prompts', 'get', 'support-system-prompt', '9', '--url', url])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe("mlflow-desk: error: Prompt 'support-system-prompt' has no version 9 (it has 3, 2, 1).")
    const none = await cli(['prompts', 'get', 'nope', '--url', url])
    expect(none.code).toBe(1)
    expect(none.stderr).toMatch(/^mlflow-desk: error: Prompt 'nope' not found in /)
    const bad = await cli(['prompts', 'get', 'nope', 'two', '--url', url])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toBe('mlflow-desk: error: VERSION: "two" is not a whole number.')
  })
})
