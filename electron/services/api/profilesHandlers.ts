import { profileSettingsSchema, type ProfileSecretsInput } from '@shared/api/profileSchemas'
import { AppError } from '@shared/api/errors'
import { describeTarget, type ConnectionTarget } from '../connections/connectionUrl'
import { testConnection } from '../connections/connectionTest'
import { DEFAULT_READER_ROLE, readGrantFacts, readOnlyRoleSql, type GrantFacts } from '../connections/roleAccess'
import { openStore } from '../connections/storeConnection'
import { DEMO_PROFILE } from '../builtInSources'
import { readPgServices } from '../profiles/pgServiceFile'
import { carriedFrom, reenterError, settingsFromUrl, targetFromSettings, type CarriedSecrets } from '../profiles/profileService'
import type { SecretName } from '../profiles/profileFile'
import { bindingFor, type Mismatch } from '../profiles/secretBinding'
import { secretInUse } from '@shared/domain/secretTargets'
import type { AppContext, HandlerGroup } from './handlerTypes'
import { toErrorEnvelope } from '@shared/api/errors'
import { redact } from '../security/redact'

type SecretRequest = { id?: string; secrets?: ProfileSecretsInput; password_from_url?: string; copy_secrets_from?: string }

type ProfileChannels =
  | 'profiles:list'
  | 'profiles:save'
  | 'profiles:remove'
  | 'profiles:test'
  | 'profiles:switch'
  | 'profiles:parse-url'
  | 'profiles:services'
  | 'profiles:import-service'
  | 'profiles:export'
  | 'profiles:import'
  | 'profiles:trust-host-key'
  | 'profiles:grant-sql'

/** profiles:* — connection profiles. Secrets arrive here and go no further back than "set / not set". */
export function profilesHandlers(ctx: AppContext): HandlerGroup<ProfileChannels> {
  const { workspace } = ctx
  const { profiles } = ctx

  /**
   * The secrets another profile holds, opened here in main, each with the target it
   * was saved for (copy_secrets_from): a saved profile's as sealed, MLFLOW_TRACKING_URI's
   * or --url's as given with that URI.
   */
  async function carriedOf(id: string): Promise<CarriedSecrets> {
    const stored = await profiles.find(id)
    if (stored) return profiles.carrySecrets(stored)
    const view = (await workspace.views()).find((v) => v.id === id)
    const target = await (await workspace.source(id)).resolve()
    if (!view) return {}
    return carriedFrom(view, { password: target.password, ssh_password: target.ssh?.password, ssh_passphrase: target.ssh?.passphrase })
  }

  /**
   * Where the secrets of a save or test come from: typed in (for these settings, whatever
   * they are), or carried — a pasted URI's password (bound to that URI's target), another
   * profile's secrets (bound to that profile's). Typed win, then the URI, then the copy.
   */
  async function secretInput(req: SecretRequest): Promise<{ typed: ProfileSecretsInput; carried: CarriedSecrets }> {
    const carried: CarriedSecrets = req.copy_secrets_from ? await carriedOf(req.copy_secrets_from) : {}
    if (req.password_from_url) {
      const { settings, password } = settingsFromUrl(req.password_from_url, 'pasted', 'URI')
      if (password) carried.password = carriedFrom(settings, { password }).password
    }
    const typed: ProfileSecretsInput = {}
    for (const [k, v] of Object.entries(req.secrets ?? {})) if (v !== undefined) typed[k as SecretName] = v
    return { typed, carried }
  }

  return {
    'profiles:list': async (_req, call) => ({
      profiles: await workspace.views(),
      active_id: call.window.profileId,
      secret_storage: ctx.secretStorage.description,
      secret_storage_warning: ctx.secretStorage.warning,
    }),

    'profiles:save': async (req) => {
      const { typed, carried } = await secretInput(req)
      const profile = await profiles.save({ id: req.id, settings: req.settings, secrets: typed, carried })
      await workspace.invalidate(profile.id)
      ctx.events.emit('profiles:changed', { reason: 'saved' })
      return { profile }
    },

    'profiles:remove': async (req, call) => {
      await profiles.remove(req.id)
      await workspace.invalidate(req.id)
      ctx.events.emit('profiles:changed', { reason: 'removed' })
      if (call.window.profileId === req.id) await call.window.switchTo(DEMO_PROFILE)
      return {}
    },

    'profiles:test': async (req) => {
      let target: ConnectionTarget
      let timeoutMs: number | undefined
      if (req.settings) {
        const settings = profileSettingsSchema.parse(req.settings)
        const { typed, carried } = await secretInput(req)
        // A secret not typed in goes only to the target it was saved (or given) for: else the user types it again.
        const usable: Partial<Record<SecretName, string>> = {}
        const mismatches: Mismatch[] = []
        for (const [name, c] of Object.entries(carried) as Array<[SecretName, NonNullable<CarriedSecrets[SecretName]>]>) {
          if (typed[name] !== undefined) continue
          const want = bindingFor(name, settings)
          if (c.binding.hash === want.hash) usable[name] = c.value
          else if (secretInUse(name, settings)) mismatches.push({ name, savedFor: c.binding.description, now: want.description })
        }
        const stored = req.id && !req.copy_secrets_from ? await profiles.find(req.id) : null
        if (stored) {
          const own = await profiles.openSecretsFor(stored, settings).catch(() => ({ values: {}, mismatches: [] as Mismatch[] }))
          for (const [name, value] of Object.entries(own.values) as Array<[SecretName, string]>)
            if (typed[name] === undefined && usable[name] === undefined) usable[name] = value
          for (const m of own.mismatches) if (typed[m.name] === undefined && usable[m.name] === undefined) mismatches.push(m)
        } else if (req.id && !req.copy_secrets_from) {
          // MLFLOW_TRACKING_URI or --url tested with edited settings: its secrets, bound to its own target.
          for (const [name, c] of Object.entries(await carriedOf(req.id).catch(() => ({}) as CarriedSecrets)) as Array<
            [SecretName, NonNullable<CarriedSecrets[SecretName]>]
          >) {
            if (typed[name] !== undefined || usable[name] !== undefined) continue
            const want = bindingFor(name, settings)
            if (c.binding.hash === want.hash) usable[name] = c.value
            else if (secretInUse(name, settings)) mismatches.push({ name, savedFor: c.binding.description, now: want.description })
          }
        }
        if (mismatches.length) throw reenterError(mismatches)
        const secret = (n: SecretName) => (typed[n] === null ? undefined : (typed[n] ?? usable[n] ?? undefined))
        target = targetFromSettings(settings, secret, { trustUnknownHostKey: req.trust_host_key })
        timeoutMs = settings.statement_timeout_s * 1000
      } else {
        const source = await workspace.source(req.id!)
        target = await source.resolve()
        if (target.ssh && req.trust_host_key) target = { ...target, ssh: { ...target.ssh, trustUnknownKey: true } }
        timeoutMs = source.options?.statementTimeoutMs
      }
      return testConnection(target, timeoutMs)
    },

    'profiles:switch': async (req, call) => {
      // The switch happens whether or not the store answers (the user chose it); only a
      // profile that does not exist is an error. Start-up remembers only stores that answered.
      await call.window.switchTo(req.id)
      try {
        const description = await call.window.describe(call.signal)
        if (req.id === DEMO_PROFILE || (await profiles.find(req.id))) await profiles.setLastUsed(req.id)
        return { active_id: req.id, description, error: null }
      } catch (e) {
        const env = toErrorEnvelope(e, redact)
        return { active_id: req.id, description: null, error: env.ok ? null : env.error }
      }
    },

    'profiles:parse-url': async (req) => {
      const { settings, password, target } = settingsFromUrl(req.url, '', req.source ?? 'URI')
      return { settings: { ...settings, name: `${target.database} on ${target.host}` }, has_password: !!password }
    },

    'profiles:services': async () => {
      const { services, files } = readPgServices(ctx.env)
      return { files, services: services.map((s) => ({ name: s.name, settings: s.settings, has_password: !!s.password })) }
    },

    'profiles:import-service': async (req) => {
      const profile = await profiles.importService(req.name, ctx.env)
      ctx.events.emit('profiles:changed', { reason: 'imported' })
      return { profile }
    },

    'profiles:export': async (req) => ({ json: await profiles.exportJson(req.ids) }),

    'profiles:import': async (req) => {
      const result = await profiles.importJson(req.json)
      if (result.added.length) ctx.events.emit('profiles:changed', { reason: 'imported' })
      return result
    },

    'profiles:grant-sql': async (req) => {
      if (req.id === DEMO_PROFILE) throw new AppError('BAD_REQUEST', 'The demo store is local and throwaway: grant-sql is for a saved profile.')
      const profile = await profiles.get(req.id)
      let facts: GrantFacts
      let storeError: string | null = null
      try {
        const { target } = await profiles.target(profile.id)
        const handle = await openStore(target, { statementTimeoutMs: profile.statement_timeout_s * 1000, poolMax: 1 })
        try {
          facts = await readGrantFacts(handle)
        } finally {
          await handle.close()
        }
      } catch (e) {
        // Unreachable (or no password here): the SQL is still given, with the owner as a placeholder.
        storeError = redact(e instanceof Error ? e.message : String(e))
        facts = { database: profile.database, schema: profile.schema ?? 'public', owners: [], public_create: false }
      }
      const role = req.role ?? DEFAULT_READER_ROLE
      return {
        sql: readOnlyRoleSql(facts, role),
        role,
        target: describeTarget({ ...profile, ssh: profile.ssh.enabled ? profile.ssh : null }),
        store_error: storeError,
      }
    },

    'profiles:trust-host-key': async (req) => {
      const profile = await profiles.pinHostKey(req.id, req.fingerprint)
      await workspace.invalidate(profile.id)
      ctx.events.emit('profiles:changed', { reason: 'saved' })
      return { profile }
    },
  }
}
