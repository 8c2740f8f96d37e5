import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createWorkspace } from '../../../electron/services/appContext'
import { parseArtifactMaps, resolveCliSource } from '../../../electron/services/builtInSources'
import { ProfileService } from '../../../electron/services/profiles/profileService'
import { aesGcmCipher } from '../../../electron/services/profiles/secretCipher'

async function profileService() {
  const home = await mkdtemp(join(tmpdir(), 'desk-src-'))
  return { home, profiles: new ProfileService(home, aesGcmCipher(Buffer.alloc(32, 7), 'a test key')) }
}

describe('which store a CLI command uses', () => {
  it('takes --url first, then --profile, then MLFLOW_TRACKING_URI', async () => {
    const { home, profiles } = await profileService()
    await profiles.save({ settings: { name: 'staging', host: 'stghost', database: 'mlflow', user: 'ro' } })
    const ctx = (env: NodeJS.ProcessEnv) => ({ env, home, profiles: async () => profiles })
    const env = { MLFLOW_TRACKING_URI: 'postgresql://env@envhost/db' }
    expect((await resolveCliSource({ url: 'postgresql://u@urlhost/db', profile: 'demo' }, ctx(env))).origin).toBe('--url')
    expect((await resolveCliSource({ profile: 'demo' }, ctx(env))).origin).toBe('--profile demo')
    const saved = await resolveCliSource({ profile: 'STAGING' }, ctx(env))
    expect(saved.origin).toBe('--profile staging')
    expect((await saved.source.resolve()).host).toBe('stghost')
    const fromEnv = await resolveCliSource({}, ctx(env))
    expect(fromEnv.origin).toBe('MLFLOW_TRACKING_URI')
    expect((await fromEnv.source.resolve()).host).toBe('envhost')
  })

  it('names unknown profiles and a missing store clearly', async () => {
    const { home, profiles } = await profileService()
    const ctx = { env: {}, home, profiles: async () => profiles }
    await expect(resolveCliSource({ profile: 'prod' }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('"prod"') })
    await expect(resolveCliSource({}, ctx)).rejects.toMatchObject({ code: 'NO_STORE' })
  })

  it('passes the statement timeout and ad hoc artifact maps on', async () => {
    const { home, profiles } = await profileService()
    const r = await resolveCliSource(
      { url: 'postgresql://u@h/db', statementTimeoutSeconds: 5, artifactMaps: ['file:///srv/mlflow=/data/mlflow'] },
      { env: {}, home, profiles: async () => profiles },
    )
    expect(r.source.options).toEqual({ statementTimeoutMs: 5000 })
    expect(r.source.artifactMappings).toEqual([{ prefix: 'file:///srv/mlflow', path: '/data/mlflow' }])
  })

  it('refuses a malformed --artifact-map', () => {
    expect(() => parseArtifactMaps(['no-equals-sign'])).toThrowError(
      expect.objectContaining({ code: 'BAD_REQUEST', message: expect.stringContaining('PREFIX=PATH') }),
    )
    expect(parseArtifactMaps(['s3://bucket/a=b=/mnt/x'])).toEqual([{ prefix: 's3://bucket/a=b', path: '/mnt/x' }])
  })
})

describe('which profile a new app window opens on', () => {
  it('--url, --profile, MLFLOW_TRACKING_URI, the last used profile, else the demo', async () => {
    const { home, profiles } = await profileService()
    const saved = await profiles.save({ settings: { name: 'dev', host: 'devhost', database: 'mlflow', user: 'u' } })
    const ctx = (env: NodeJS.ProcessEnv) => ({ env, home, profiles })
    const first = async (ws: Awaited<ReturnType<typeof createWorkspace>>) => (await ws.window('w')).profileId
    expect(await first(await createWorkspace({}, ctx({})))).toBe('demo')
    await profiles.setLastUsed(saved.id)
    expect(await first(await createWorkspace({}, ctx({})))).toBe(saved.id)
    expect(await first(await createWorkspace({}, ctx({ MLFLOW_TRACKING_URI: 'postgresql://e@h/db' })))).toBe('env')
    expect(await first(await createWorkspace({}, ctx({ MLFLOW_TRACKING_URI: 'http://tracking:5000' })))).toBe(saved.id)
    expect(await first(await createWorkspace({ profile: 'demo' }, ctx({ MLFLOW_TRACKING_URI: 'postgresql://e@h/db' })))).toBe('demo')
    expect(await first(await createWorkspace({ url: 'postgresql://x@y/z', profile: 'demo' }, ctx({})))).toBe('url')
  })
})
