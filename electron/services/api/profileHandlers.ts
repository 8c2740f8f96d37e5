import { AppError } from '@shared/api/errors'
import { profileSettingsSchema, type ProfileSecretsInput } from '@shared/api/profileSchemas'
import type { ConnectionTarget } from '../connections/connectionUrl'
import { testConnection } from '../connections/connectionTest'
import { parseConnectionUrl } from '../connections/connectionUrl'
import { DEMO_PROFILE } from '../connections/storeSource'
import { readPgServices } from '../profiles/pgServiceFile'
import { settingsFromUrl, targetFromSettings } from '../profiles/profileService'
import type { SecretName } from '../profiles/profileFile'
import type { AppContext, HandlerGroup } from './handlers'
import { toErrorEnvelope } from './dispatch'

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
  | 'windows:open'

/** Connection profiles. Secrets arrive here and go no further back than "set / not set". */
export function profileHandlers(ctx: AppContext): HandlerGroup<ProfileChannels> {
  const { workspace } = ctx
  const profiles = workspace.profiles

  /** The secrets another profile holds, opened here in main (for copy_secrets_from). */
  async function secretsOf(id: string): Promise<Partial<Record<SecretName, string>>> {
    const stored = await profiles.find(id)
    if (stored) return profiles.openSecrets(stored)
    const target = await (await workspace.source(id)).resolve()
    return { password: target.password, ssh_password: target.ssh?.password, ssh_passphrase: target.ssh?.passphrase }
  }

  /** Typed-in secrets win; then a pasted URI's password; then a copied profile's; then (for tests) the profile's own. */
  async function secretInput(req: SecretRequest): Promise<ProfileSecretsInput> {
    const out: ProfileSecretsInput = { ...(req.copy_secrets_from ? await secretsOf(req.copy_secrets_from) : {}) }
    if (req.password_from_url) out.password = parseConnectionUrl(req.password_from_url, 'URI').password ?? out.password
    for (const [k, v] of Object.entries(req.secrets ?? {})) if (v !== undefined) out[k as SecretName] = v
    return out
  }

  return {
    'profiles:list': async (_req, call) => ({
      profiles: await workspace.views(),
      active_id: call.window.profileId,
      secret_storage: ctx.secretStorage.description,
      secret_storage_warning: ctx.secretStorage.warning,
    }),

    'profiles:save': async (req) => {
      const profile = await profiles.save({ id: req.id, settings: req.settings, secrets: await secretInput(req) })
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
        const given = await secretInput(req)
        const own = req.id && !req.copy_secrets_from ? await secretsOf(req.id).catch(() => ({})) : {}
        const secret = (n: SecretName) => (given[n] === null ? undefined : (given[n] ?? own[n as keyof typeof own]) ?? undefined)
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
        const description = await call.window.describe()
        if (req.id === DEMO_PROFILE || (await profiles.find(req.id))) await profiles.setLastUsed(req.id)
        return { active_id: req.id, description, error: null }
      } catch (e) {
        const env = toErrorEnvelope(e)
        return { active_id: req.id, description: null, error: env.ok ? null : env.error }
      }
    },

    'profiles:parse-url': async (req) => {
      const { settings, password, target } = settingsFromUrl(req.url, '', 'URI')
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

    'profiles:trust-host-key': async (req) => {
      const profile = await profiles.pinHostKey(req.id, req.fingerprint)
      await workspace.invalidate(profile.id)
      ctx.events.emit('profiles:changed', { reason: 'saved' })
      return { profile }
    },

    'windows:open': async (req, call) => {
      await workspace.source(req.profile_id).catch(() => {
        throw new AppError('NOT_FOUND', `No profile "${req.profile_id}" to open.`)
      })
      return { url: await call.openWindow(req.profile_id) }
    },
  }
}
