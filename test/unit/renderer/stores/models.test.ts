import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { AppError } from '@shared/api/errors'
import type { RegisteredModel } from '@shared/domain/mlflow'
import { useTransport } from '@/api'
import { useModelsStore } from '@/stores/models'
import { fakeTransport } from '../fakeTransport'

const model = (name: string): RegisteredModel => ({
  name,
  creation_timestamp: 1,
  last_updated_timestamp: 2,
  description: null,
  latest_versions: [],
  tags: [],
  aliases: [],
})

beforeEach(() => setActivePinia(createPinia()))

describe('models store', () => {
  it('searches by name on the server and leaves the filter out when blank', async () => {
    const fake = fakeTransport({
      'models:list': ({ filter }) => ({ registered_models: filter ? [model('churn')] : [model('churn'), model('resnet')], next_page_token: null }),
    })
    useTransport(fake.transport)
    const store = useModelsStore()
    await store.search('  ')
    expect(store.items.map((m) => m.name)).toEqual(['churn', 'resnet'])
    expect(fake.calls[0].request).not.toHaveProperty('filter')
    await store.search(' chu ')
    expect(fake.calls[1].request).toMatchObject({ filter: 'chu' })
    expect(store.items.map((m) => m.name)).toEqual(['churn'])
  })

  it('keeps only the latest search when answers cross', async () => {
    const answers: Record<string, (v: unknown) => void> = {}
    useTransport(fakeTransport({ 'models:list': ({ filter }) => new Promise((r) => (answers[filter ?? ''] = r)) }).transport)
    const store = useModelsStore()
    const slow = store.search('a')
    const fast = store.search('ab')
    await new Promise((r) => setTimeout(r, 0))
    answers.ab({ registered_models: [model('ab-model')], next_page_token: null })
    await fast
    answers.a({ registered_models: [model('a-model'), model('ab-model')], next_page_token: null })
    await slow
    expect(store.items.map((m) => m.name)).toEqual(['ab-model'])
    expect(store.loading).toBe(false)
    expect(store.error).toBeNull()
  })

  it('a new search aborts the one before on the server (its signal), and leaving the page aborts the latest', async () => {
    const fake = fakeTransport({ 'models:list': () => new Promise(() => undefined) })
    useTransport(fake.transport)
    const store = useModelsStore()
    void store.search('a')
    void store.search('ab')
    await new Promise((r) => setTimeout(r, 0))
    expect(fake.calls.map((c) => [c.request.filter, c.signal?.aborted])).toEqual([
      ['a', true],
      ['ab', false],
    ])
    store.abortList()
    expect(fake.aborted()).toEqual(['models:list', 'models:list'])
    expect(store.loading).toBe(false)
  })

  it('appends the next page with the same filter', async () => {
    const fake = fakeTransport({
      'models:list': ({ page_token }) =>
        page_token ? { registered_models: [model('b')], next_page_token: null } : { registered_models: [model('a')], next_page_token: 't1' },
    })
    useTransport(fake.transport)
    const store = useModelsStore()
    await store.search('x')
    await store.loadMore()
    expect(store.items.map((m) => m.name)).toEqual(['a', 'b'])
    expect(fake.calls[1].request).toMatchObject({ filter: 'x', page_token: 't1' })
    expect(store.nextToken).toBeNull()
  })

  it('loads one model with its versions, and keeps NOT_FOUND for the page', async () => {
    useTransport(
      fakeTransport({
        'models:get': ({ name }) => {
          if (name !== 'churn') throw new AppError('NOT_FOUND', `Registered model '${name}' not found`)
          return { registered_model: model('churn'), model_versions: [] }
        },
      }).transport,
    )
    const store = useModelsStore()
    await store.loadModel('churn')
    expect(store.model?.name).toBe('churn')
    await store.loadModel('nope')
    expect(store.model).toBeNull()
    expect((store.modelError as AppError).code).toBe('NOT_FOUND')
  })
})
