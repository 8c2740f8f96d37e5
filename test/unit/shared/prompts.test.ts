import { describe, expect, it } from 'vitest'
import { parsePromptTemplate, templateAsText, templateParts, templateVariables, isInternalPromptTag } from '@shared/domain/prompts'
import { linkedVersions } from '../../../electron/services/prompts/promptLinks'

describe('prompt templates as MLflow reads them', () => {
  it('finds {{ variables }} as MLflow’s pattern does: spaces inside the braces, dotted names, each once in order of appearance', () => {
    const t = { type: 'text' as const, text: 'Hi {{ name }}, {{user.city}} and {{name}} again; not {{ 1x }}, {single}, {{a-b}} or {{ }}' }
    expect(templateVariables(t)).toEqual(['name', 'user.city'])
  })

  it('splits text into plain runs and variables that join back into the text', () => {
    const text = '{{greeting}}, dear {{ name }}!'
    const parts = templateParts(text)
    expect(parts).toEqual([
      { text: '{{greeting}}', variable: 'greeting' },
      { text: ', dear ', variable: null },
      { text: '{{ name }}', variable: 'name' },
      { text: '!', variable: null },
    ])
    expect(parts.map((p) => p.text).join('')).toBe(text)
    expect(templateParts('no variables')).toEqual([{ text: 'no variables', variable: null }])
    expect(templateParts('')).toEqual([])
  })

  it('reads a chat template as messages by role, variables over every message', () => {
    const text = JSON.stringify([
      { role: 'system', content: 'You write SQL for {{dialect}}.' },
      { role: 'user', content: '{{task}}' },
      { role: 'user', content: [{ type: 'text', text: 'part' }] },
    ])
    const { template, problem } = parsePromptTemplate(text, 'chat')
    expect(problem).toBeNull()
    expect(template).toEqual({
      type: 'chat',
      messages: [
        { role: 'system', content: 'You write SQL for {{dialect}}.' },
        { role: 'user', content: '{{task}}' },
        { role: 'user', content: JSON.stringify([{ type: 'text', text: 'part' }], null, 2) },
      ],
    })
    expect(templateVariables(template)).toEqual(['dialect', 'task'])
    expect(templateAsText(template)).toBe(
      '[system]\nYou write SQL for {{dialect}}.\n\n[user]\n{{task}}\n\n[user]\n' + JSON.stringify([{ type: 'text', text: 'part' }], null, 2),
    )
  })

  it('reads text as text, even JSON-looking text not marked chat; a chat template that is no list of messages is shown as text, saying why', () => {
    expect(parsePromptTemplate('[{"role": "user", "content": "x"}]', 'text')).toEqual({
      template: { type: 'text', text: '[{"role": "user", "content": "x"}]' },
      problem: null,
    })
    expect(parsePromptTemplate('plain', null).template).toEqual({ type: 'text', text: 'plain' })
    expect(parsePromptTemplate('{not json', 'chat')).toEqual({
      template: { type: 'text', text: '{not json' },
      problem: 'marked as a chat template, but its text is not JSON',
    })
    expect(parsePromptTemplate('{"role": "user"}', 'chat').problem).toBe('marked as a chat template, but its JSON is not a list of messages')
    expect(parsePromptTemplate('[{"role": "user", "content": "a"}, {"content": "b"}]', 'chat').problem).toBe(
      'marked as a chat template, but message 2 has no role',
    )
  })

  it('hides MLflow’s own prompt tags, not the user’s', () => {
    expect(
      ['mlflow.prompt.is_prompt', 'mlflow.prompt.text', '_mlflow_prompt_type', '_mlflow_prompt_response_format', 'author', 'mlflow.user'].filter(
        (k) => !isInternalPromptTag(k),
      ),
    ).toEqual(['author', 'mlflow.user'])
  })

  it('reads the versions of one prompt from a mlflow.linkedPrompts value, and nothing from one that is not a list', () => {
    const value = JSON.stringify([{ name: 'a', version: '2' }, { name: 'ab', version: '3' }, { name: 'a', version: 4 }, { name: 'a' }])
    expect(linkedVersions(value, 'a')).toEqual(['2', '4'])
    expect(linkedVersions('not json', 'a')).toEqual([])
    expect(linkedVersions('{"name": "a", "version": "1"}', 'a')).toEqual([])
    expect(linkedVersions('[null, 1]', 'a')).toEqual([])
  })
})
