import { noSecrets } from '@shared/api/profileSchemas'
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { AppError } from '@shared/api/errors'
import type { SessionDescription } from '@shared/api/contract'
import type { ProfileView } from '@shared/domain/profiles'
import { useTransport } from '@/api'
import { useProfilesStore } from '@/stores/profiles'
import { useSessionStore } from '@/stores/session'
import { useExperimentsStore } from '@/stores/experiments'
import { useRunsStore } from '@/stores/runs'
import { remember } from '@/utils/profileMemory'
import { fakeTransport, memoryStorage } from '../fakeTransport'

function view(id: string, over: Partial<ProfileView> = {}): ProfileView {
  return {
    id,
    kind: 'saved',
    name: id,
    environment: 'dev',
    host: 'db',
    port: 5432,
    database: 'mlflow',
    user: 'reader',
    password_source: 'stored',
    schema: null,
    ssl: { mode: 'prefer', root_cert: null, cert: null, key: null },
    ssh: { enabled: false, host: '', port: 22, user: '', auth: 'key', key_path: null, host_fingerprint: null },
    statement_timeout_s: 30,
    artifact_mappings: [],
    artifact_store: null,
    sql_console: { allowed_functions: [], work_mem: null, max_value_bytes: null },
    secrets: { ...noSecrets(), password: true },
    created_at: 1,
    updated_at: 1,
    ...over,
  }
}

function description(id: string, environment: SessionDescription['connection']['environment'] = 'dev'): SessionDescription {
  return {
    connection: { id, name: id, environment, display: `reader@db:5432/${id}` },
    server_version: '17.1',
    standby: false,
    store: {
      revision: 'bf29a5ff90ea',
      mlflow_versions: 'MLflow 3.5 or later',
      known_revision: true,
      schema: 'public',
      table_count: 30,
    } as unknown as SessionDescription['store'],
    role_access: null,
  }
}

const PROFILES = [view('demo', { kind: 'built-in', name: 'Demo store' }), view('staging', { environment: 'staging' }), view('prod', { environment: 'prod' })]

describe('profiles store', () => {
  let active: string
  let fake: ReturnType<typeof fakeTransport>

  beforeEach(() => {
    globalThis.localStorage = memoryStorage()
    setActivePinia(createPinia())
    active = 'demo'
    fake = fakeTransport({
      'profiles:list': () => ({ profiles: PROFILES, active_id: active, secret_storage: 'a key file', secret_storage_warning: null }),
      'profiles:switch': ({ id }: { id: string }) => {
        if (!PROFILES.some((p) => p.id === id)) throw new AppError('NOT_FOUND', `No profile "${id}".`)
        active = id
        return { active_id: id, description: description(id, PROFILES.find((p) => p.id === id)!.environment), error: null }
      },
      'session:describe': () => description(active),
      'app:info': () => ({ name: 'MLflow Desk', version: '0.1.0', transport: 'http' }),
    })
    useTransport(fake.transport)
  })

  it('loads the profiles, the active one and where secrets are kept', async () => {
    const store = useProfilesStore()
    await store.load()
    expect(store.profiles.map((p) => p.id)).toEqual(['demo', 'staging', 'prod'])
    expect(store.activeId).toBe('demo')
    expect(store.secretStorage).toBe('a key file')
    // The built-in store is the demo, whatever environment its settings carry.
    expect(store.activeEnv).toBe('demo')
    expect(store.nth(2)?.id).toBe('prod')
    expect(store.nth(8)).toBeNull()
  })

  it('switching drops the previous store’s data and brings back the new one’s view', async () => {
    const store = useProfilesStore()
    const experiments = useExperimentsStore()
    const runs = useRunsStore()
    await store.load()
    experiments.items = [{ experiment_id: '1', name: 'demo-exp' } as never]
    experiments.loaded = true
    experiments.filter = 'demo'
    runs.runs = [{ info: { run_id: 'r1' } } as never]
    remember('prod', { experimentsView: 'deleted', route: '/experiments/3/runs' })
    const before = store.generation

    await store.switchTo('prod')

    expect(fake.channels()).toContain('profiles:switch')
    expect(store.activeId).toBe('prod')
    expect(store.activeEnv).toBe('prod')
    expect(store.activeName).toBe('prod')
    expect(useSessionStore().description?.connection.id).toBe('prod')
    expect(experiments.items).toEqual([])
    expect(experiments.loaded).toBe(false)
    expect(experiments.filter).toBe('')
    expect(experiments.view).toBe('deleted')
    expect(runs.runs).toEqual([])
    expect(store.generation).toBe(before + 1)
    expect(store.switching).toBeNull()
  })

  it('a switch to a store that does not answer still switches, and says why', async () => {
    fake = fakeTransport({
      'profiles:list': () => ({ profiles: PROFILES, active_id: 'staging', secret_storage: 'a key file', secret_storage_warning: null }),
      'profiles:switch': ({ id }: { id: string }) => ({
        active_id: id,
        description: null,
        error: { code: 'CONNECTION_REFUSED', message: 'Connection refused at reader@db:5432/mlflow' },
      }),
    })
    useTransport(fake.transport)
    const store = useProfilesStore()
    await store.switchTo('staging')
    expect(store.activeId).toBe('staging')
    const session = useSessionStore()
    expect(session.description).toBeNull()
    expect((session.error as AppError).code).toBe('CONNECTION_REFUSED')
  })

  it('a switch to a profile that is gone throws and stays where it was', async () => {
    const store = useProfilesStore()
    await store.load()
    await expect(store.switchTo('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(store.activeId).toBe('demo')
  })

  it('saving the active profile shows its store afresh; saving another does not touch the session', async () => {
    let saved: unknown = null
    fake = fakeTransport({
      'profiles:list': () => ({ profiles: PROFILES, active_id: 'staging', secret_storage: 'k', secret_storage_warning: null }),
      'profiles:save': (req: { id?: string }) => {
        saved = req
        return { profile: view(req.id ?? 'new') }
      },
      'session:describe': () => description('staging'),
      'app:info': () => ({ name: 'MLflow Desk', version: '0.1.0', transport: 'http' }),
    })
    useTransport(fake.transport)
    const store = useProfilesStore()
    await store.load()
    await store.save({ settings: { name: 'new', host: 'h', database: 'd', user: 'u' } })
    expect(fake.channels()).not.toContain('session:describe')
    await store.save({ id: 'staging', settings: { name: 'staging', host: 'h', database: 'd', user: 'u' }, secrets: { password: 'typed' } })
    expect(saved).toMatchObject({ id: 'staging', secrets: { password: 'typed' } })
    expect(fake.channels()).toContain('session:describe')
    // Secrets go out; nothing of them is kept in state.
    expect(JSON.stringify(store.$state)).not.toContain('typed')
  })
})
