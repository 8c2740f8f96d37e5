import { describe, expect, it } from 'vitest'
import { resolveStoreSource } from '../../../electron/services/connections/storeSource'

const ctx = (env: NodeJS.ProcessEnv, demoByDefault = false) => ({ env, home: '/tmp/none', demoByDefault })

describe('which store a command uses', () => {
  it('takes --url first, then --profile, then MLFLOW_TRACKING_URI', async () => {
    const env = { MLFLOW_TRACKING_URI: 'postgresql://env@envhost/db' }
    expect(resolveStoreSource({ url: 'postgresql://u@urlhost/db', profile: 'demo' }, ctx(env)).origin).toBe('--url')
    expect(resolveStoreSource({ profile: 'demo' }, ctx(env)).origin).toBe('--profile demo')
    const fromEnv = resolveStoreSource({}, ctx(env))
    expect(fromEnv.origin).toBe('MLFLOW_TRACKING_URI')
    expect((await fromEnv.source.resolve()).host).toBe('envhost')
  })

  it('names unknown profiles and a missing store clearly', () => {
    expect(() => resolveStoreSource({ profile: 'prod' }, ctx({}))).toThrowError(expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringContaining('"prod"') }))
    expect(() => resolveStoreSource({}, ctx({}))).toThrowError(expect.objectContaining({ code: 'NO_STORE' }))
  })

  it('the app falls back to the demo store, ignoring a non-PostgreSQL MLFLOW_TRACKING_URI', () => {
    expect(resolveStoreSource({}, ctx({ MLFLOW_TRACKING_URI: 'http://mlflow:5000' }, true)).origin).toBe('--profile demo')
    expect(resolveStoreSource({}, ctx({}, true)).source.summary.environment).toBe('demo')
  })

  it('passes the statement timeout on', () => {
    expect(resolveStoreSource({ url: 'postgresql://u@h/db', statementTimeoutSeconds: 5 }, ctx({})).source.options).toEqual({ statementTimeoutMs: 5000 })
  })
})
