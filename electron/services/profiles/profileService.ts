import { randomUUID } from 'node:crypto'
import { AppError } from '@shared/api/errors'
import { SECRET_NAMES, profileSecretsSchema, profileSettingsSchema, type ProfileSecretsInput, type ProfileSettingsInput } from '@shared/api/profileSchemas'
import { noSuchProfile, type ProfileSettings, type ProfileView, type SecretStatus } from '@shared/domain/profiles'
import { SECRET_LABELS, secretInUse } from '@shared/domain/secretTargets'
import { describeTarget, parseConnectionUrl, type ConnectionTarget } from '../connections/connectionUrl'
import { profilesFilePath, readProfilesFile, writeProfilesFile, type ProfilesFileData, type SecretName, type StoredProfile } from './profileFile'
import { readPgServices } from './pgServiceFile'
import type { SecretCipher } from './secretCipher'
import { bindingFor, describeMismatches, openBound, sealBound, type Binding, type Mismatch } from './secretBinding'
import type { StoreSource } from '../workspace'

/** The export format: settings only. Secrets never leave the machine that sealed them. */
const EXPORT_FORMAT = 'mlflow-desk-profiles'

function viewOf(p: StoredProfile): ProfileView {
  const { secrets, id, created_at, updated_at, ...rest } = p
  const settings = profileSettingsSchema.parse(rest)
  const status = Object.fromEntries(SECRET_NAMES.map((n) => [n, !!secrets[n]])) as SecretStatus
  return { ...settings, id, kind: 'saved', secrets: status, created_at, updated_at }
}

/** Profile settings from a libpq or SQLAlchemy URI; the URI's password (and the parsed target) returned apart. */
export function settingsFromUrl(url: string, name: string, source = 'URI'): { settings: ProfileSettingsInput; password?: string; target: ConnectionTarget } {
  const t = parseConnectionUrl(url, source)
  return {
    target: t,
    password: t.password,
    settings: {
      name,
      host: t.host,
      port: t.port,
      database: t.database,
      user: t.user,
      password_source: t.password ? 'stored' : 'pgpass',
      schema: t.schema ?? null,
      ssl: t.ssl,
    },
  }
}

/**
 * Saved connection profiles. Secrets are sealed by `cipher` the moment they
 * arrive and opened only to connect; views carry "set / not set" only.
 */
export class ProfileService {
  readonly file: string

  constructor(
    home: string,
    readonly cipher: SecretCipher,
  ) {
    this.file = profilesFilePath(home)
  }

  async list(): Promise<ProfileView[]> {
    return (await readProfilesFile(this.file)).profiles.map(viewOf)
  }

  async lastUsed(): Promise<string | null> {
    return (await readProfilesFile(this.file)).last_used
  }

  /** By id, or by name (case-insensitive) — what `--profile NAME` gives. */
  async find(idOrName: string): Promise<StoredProfile | null> {
    const { profiles } = await readProfilesFile(this.file)
    return profiles.find((p) => p.id === idOrName) ?? profiles.find((p) => p.name.toLowerCase() === idOrName.toLowerCase()) ?? null
  }

  async get(idOrName: string): Promise<StoredProfile> {
    const p = await this.find(idOrName)
    if (!p)
      throw noSuchProfile(
        idOrName,
        (await this.list()).map((x) => x.name),
      )
    return p
  }

  /** Read, change, write back — the file is re-read right before every write. */
  private async update<T>(fn: (data: ProfilesFileData) => T): Promise<T> {
    const data = await readProfilesFile(this.file)
    const result = fn(data)
    await writeProfilesFile(this.file, data)
    return result
  }

  /**
   * Create (no id) or update a profile. Secrets: a string sets, null clears,
   * undefined keeps — but a kept secret goes only to the target it was saved for:
   * when the new settings send it elsewhere (another host, port, database, user,
   * SSH hop, artifact endpoint...), the save is refused, naming the secret to type
   * again. `carried` are secrets that came from elsewhere (a pasted URI, another
   * profile) with the target they were given for: the same rule holds for them.
   */
  async save(input: { id?: string; settings: ProfileSettingsInput; secrets?: ProfileSecretsInput; carried?: CarriedSecrets }): Promise<ProfileView> {
    const parsed = profileSettingsSchema.safeParse(input.settings)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      const path = issue.path.join('.')
      throw new AppError('BAD_REQUEST', `${path ? `${path}: ` : ''}${issue.message}`, path ? { field: `settings.${path}` } : undefined)
    }
    const settings = parsed.data
    const secrets = profileSecretsSchema.parse(input.secrets ?? {})
    return this.update((data) => {
      const clash = data.profiles.find((p) => p.name.toLowerCase() === settings.name.toLowerCase() && p.id !== input.id)
      if (clash) throw new AppError('CONFLICT', `A profile named "${clash.name}" exists already; choose another name.`, { field: 'name' })
      const now = Date.now()
      let profile = input.id ? data.profiles.find((p) => p.id === input.id) : undefined
      if (input.id && !profile) throw new AppError('NOT_FOUND', `No profile with id "${input.id}".`)
      const mismatches: Mismatch[] = []
      // Secrets carried from a URI or another profile: only to the target they were given for.
      const carried: Partial<Record<SecretName, string>> = {}
      for (const [name, c] of Object.entries(input.carried ?? {}) as Array<[SecretName, CarriedSecret]>) {
        if (secrets[name] !== undefined) continue
        const want = bindingFor(name, settings)
        if (c.binding.hash === want.hash) carried[name] = c.value
        else if (secretInUse(name, settings)) mismatches.push({ name, savedFor: c.binding.description, now: want.description })
      }
      // Kept secrets: compared with what they were sealed for (or, sealed before binding, the settings they were stored with).
      if (profile) {
        for (const name of SECRET_NAMES) {
          const sealed = profile.secrets[name]
          if (!sealed || secrets[name] !== undefined || carried[name] !== undefined || !secretInUse(name, settings)) continue
          const want = bindingFor(name, settings)
          const have = this.storedBinding(profile, name)
          if (have.hash !== want.hash) mismatches.push({ name, savedFor: have.description, now: want.description })
        }
      }
      if (mismatches.length) throw reenterError(mismatches)
      if (!profile) {
        profile = { ...settings, id: randomUUID(), created_at: now, updated_at: now, secrets: {} }
        data.profiles.push(profile)
      } else {
        // Unknown fields a newer version wrote are kept: only our settings are replaced.
        Object.assign(profile, settings, { updated_at: now })
      }
      for (const name of SECRET_NAMES) {
        const value = secrets[name] !== undefined ? secrets[name] : carried[name]
        if (value === null || value === '') delete profile.secrets[name]
        else if (value !== undefined) profile.secrets[name] = sealBound(this.cipher, value, bindingFor(name, settings))
      }
      if (settings.password_source !== 'stored') delete profile.secrets.password
      return viewOf(profile)
    })
  }

  /** What a stored secret is bound to: its sealed binding; one sealed before binding (or not openable here) is taken as bound to the settings stored with it. */
  private storedBinding(p: StoredProfile, name: SecretName): Binding {
    try {
      const opened = openBound(this.cipher, p.secrets[name]!)
      if (opened.binding) return opened.binding
    } catch {
      // Sealed elsewhere (the desktop app, another key): its binding cannot be read here.
    }
    return bindingFor(name, p)
  }

  async remove(idOrName: string): Promise<void> {
    const p = await this.get(idOrName)
    await this.update((data) => {
      data.profiles = data.profiles.filter((x) => x.id !== p.id)
      if (data.last_used === p.id) data.last_used = null
    })
  }

  async setLastUsed(id: string): Promise<void> {
    const data = await readProfilesFile(this.file)
    if (data.last_used === id) return
    data.last_used = id
    await writeProfilesFile(this.file, data)
  }

  async pinHostKey(idOrName: string, fingerprint: string): Promise<ProfileView> {
    const p = await this.get(idOrName)
    return this.save({ id: p.id, settings: { ...p, ssh: { ...p.ssh, host_fingerprint: fingerprint } } })
  }

  /** Profiles as JSON another machine can import: settings only, never a secret. */
  async exportJson(idsOrNames?: string[]): Promise<string> {
    const all = (await readProfilesFile(this.file)).profiles
    const chosen = idsOrNames?.length ? await Promise.all(idsOrNames.map((x) => this.get(x))) : all
    const profiles = chosen.map((p) => profileSettingsSchema.parse(viewOf(p)))
    return JSON.stringify({ format: EXPORT_FORMAT, version: 1, exported_at: new Date().toISOString(), profiles }, null, 2) + '\n'
  }

  /** Import exported profiles. A name that exists already is reported, never overwritten. */
  async importJson(text: string): Promise<{ added: ProfileView[]; skipped: Array<{ name: string; reason: string }> }> {
    let doc: { format?: string; profiles?: unknown[] }
    try {
      doc = JSON.parse(text)
    } catch {
      throw new AppError('BAD_REQUEST', 'The import is not JSON exported by MLflow Desk (profiles export).')
    }
    if (doc.format !== EXPORT_FORMAT || !Array.isArray(doc.profiles))
      throw new AppError('BAD_REQUEST', `The import is not an MLflow Desk profiles export (format "${EXPORT_FORMAT}").`)
    const added: ProfileView[] = []
    const skipped: Array<{ name: string; reason: string }> = []
    for (const [i, raw] of doc.profiles.entries()) {
      const parsed = profileSettingsSchema.safeParse(raw)
      const name = (raw as { name?: string })?.name ?? `#${i + 1}`
      if (!parsed.success) {
        skipped.push({ name, reason: `${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}` })
        continue
      }
      try {
        added.push(await this.save({ settings: { ...parsed.data, ssh: { ...parsed.data.ssh } } }))
      } catch (e) {
        skipped.push({ name, reason: e instanceof AppError ? e.message : String(e) })
      }
    }
    return { added, skipped }
  }

  /** Save a pg_service.conf service as a profile (its password sealed here). */
  async importService(name: string, env: NodeJS.ProcessEnv = process.env): Promise<ProfileView> {
    const { services, files } = readPgServices(env)
    const svc = services.find((s) => s.name === name)
    if (!svc)
      throw new AppError('NOT_FOUND', `No service [${name}] in ${files.length ? files.join(', ') : 'any pg_service.conf (PGSERVICEFILE, ~/.pg_service.conf)'}.`)
    return this.save({ settings: svc.settings, secrets: svc.password ? { password: svc.password } : undefined })
  }

  /** How the workspace opens a saved profile; secrets are opened only when it connects. */
  async source(idOrName: string): Promise<StoreSource> {
    const p = await this.get(idOrName)
    return {
      id: p.id,
      summary: { id: p.id, name: p.name, environment: p.environment, display: describeTarget({ ...p, ssh: p.ssh.enabled ? p.ssh : null }) },
      resolve: async () => (await this.target(p.id)).target,
      options: {
        statementTimeoutMs: p.statement_timeout_s * 1000,
        consoleAllowedFunctions: p.sql_console.allowed_functions,
        consoleWorkMem: p.sql_console.work_mem ?? undefined,
        consoleMaxValueBytes: p.sql_console.max_value_bytes ?? undefined,
      },
      artifactMappings: p.artifact_mappings,
      artifactSettings: p.artifact_store,
      artifactSecrets: async () => this.openSecrets(p, ARTIFACT_SECRETS),
    }
  }

  /** Where to connect for a saved profile, its secrets opened (each only for the target it was saved for). */
  async target(idOrName: string, opts: { trustUnknownHostKey?: boolean } = {}): Promise<{ profile: StoredProfile; target: ConnectionTarget }> {
    const p = await this.get(idOrName)
    const secrets = await this.openSecrets(p, CONNECTION_SECRETS)
    return { profile: p, target: targetFromSettings(p, (n) => secrets[n], opts) }
  }

  /**
   * A saved profile's secrets, opened — for connecting, or copying into another
   * profile. Main process only. A secret whose sealed target is not where the
   * profile's settings now send it (the file was edited by hand) is refused, not
   * sent. Secrets sealed before binding, or by the key file now that the keychain
   * is used, are sealed again (bound, with today's cipher) on the way.
   */
  async openSecrets(p: StoredProfile, names: readonly SecretName[] = SECRET_NAMES): Promise<Partial<Record<SecretName, string>>> {
    const { values, mismatches, reseal } = this.openChecked(p, names, p)
    if (mismatches.length) {
      throw new AppError(
        'SECRET_UNAVAILABLE',
        `Profile "${p.name}", ${mismatches.map((m) => SECRET_LABELS[m.name]).join(' and ')}: ${describeMismatches(mismatches)}. The profile's target changed without the secret being entered again (was the profiles file edited?), so it is not sent there: edit the profile and enter the ${mismatches.map((m) => SECRET_LABELS[m.name]).join(' and ')} again.`,
        { field: `secrets.${mismatches[0]!.name}` },
      )
    }
    if (reseal.length) await this.reseal(p, reseal).catch(() => undefined)
    return values
  }

  /**
   * A saved profile's secrets opened for other settings (a draft being tested):
   * those bound to the target the draft sends them to, and the names of those that
   * are not (a secret the draft does not use is left out either way).
   */
  async openSecretsFor(
    p: StoredProfile,
    settings: ProfileSettings,
    names: readonly SecretName[] = SECRET_NAMES,
  ): Promise<{ values: Partial<Record<SecretName, string>>; mismatches: Mismatch[] }> {
    const { values, mismatches } = this.openChecked(p, names, settings)
    return { values, mismatches }
  }

  /** Opened secrets (with the binding each was sealed for) — to carry them into another profile. */
  async carrySecrets(p: StoredProfile): Promise<CarriedSecrets> {
    // The source's own check first: a hand-edited source cannot launder a secret.
    const values = await this.openSecrets(p)
    const out: CarriedSecrets = {}
    for (const [name, value] of Object.entries(values) as Array<[SecretName, string]>) out[name] = { value, binding: bindingFor(name, p) }
    return out
  }

  private openChecked(p: StoredProfile, names: readonly SecretName[], against: ProfileSettings) {
    const values: Partial<Record<SecretName, string>> = {}
    const mismatches: Mismatch[] = []
    const reseal: SecretName[] = []
    for (const name of names) {
      const sealed = p.secrets[name]
      if (!sealed || !secretInUse(name, against)) continue
      const opened = openBound(this.cipher, sealed)
      const have = opened.binding ?? bindingFor(name, p)
      const want = bindingFor(name, against)
      if (have.hash !== want.hash) {
        mismatches.push({ name, savedFor: have.description, now: want.description })
        continue
      }
      values[name] = opened.value
      if (!opened.binding || opened.foreign) reseal.push(name)
    }
    return { values, mismatches, reseal }
  }

  /** Seal these secrets again, bound to the profile's target and with today's cipher — if the profile did not change meanwhile. */
  private async reseal(p: StoredProfile, names: SecretName[]): Promise<void> {
    await this.update((data) => {
      const current = data.profiles.find((x) => x.id === p.id)
      if (!current) return
      for (const name of names) {
        const sealed = current.secrets[name]
        const before = p.secrets[name]
        if (!sealed || !before || sealed.data !== before.data || bindingFor(name, current).hash !== bindingFor(name, p).hash) continue
        const opened = openBound(this.cipher, sealed)
        current.secrets[name] = sealBound(this.cipher, opened.value, opened.binding ?? bindingFor(name, current))
      }
    })
  }
}

/** A secret that came from elsewhere (another profile, a pasted URI) and the target it was given for. */
export interface CarriedSecret {
  value: string
  binding: Binding
}
export type CarriedSecrets = Partial<Record<SecretName, CarriedSecret>>

/** Secrets given with the settings of a URI or another profile: bound to that target. */
export function carriedFrom(settings: ProfileSettingsInput, values: Partial<Record<SecretName, string | undefined>>): CarriedSecrets {
  const s = profileSettingsSchema.parse(settings)
  const out: CarriedSecrets = {}
  for (const [name, value] of Object.entries(values) as Array<[SecretName, string | undefined]>) if (value) out[name] = { value, binding: bindingFor(name, s) }
  return out
}

/** The save or test is refused: these secrets would go to another target than they were saved for. */
export function reenterError(ms: Mismatch[]): AppError {
  const names = ms.map((m) => SECRET_LABELS[m.name])
  return new AppError(
    'BAD_REQUEST',
    `Enter the ${names.join(' and ')} again: ${describeMismatches(ms)}. A stored secret is only ever sent to the target it was saved for.`,
    { field: `secrets.${ms[0]!.name}` },
  )
}

const CONNECTION_SECRETS: readonly SecretName[] = ['password', 'ssh_password', 'ssh_passphrase']
const ARTIFACT_SECRETS: readonly SecretName[] = SECRET_NAMES.filter((n) => !CONNECTION_SECRETS.includes(n))

/** Settings + a way to get secrets -> a connection target. Also used for unsaved drafts. */
export function targetFromSettings(
  s: ProfileSettings,
  secret: (name: SecretName) => string | undefined,
  opts: { trustUnknownHostKey?: boolean } = {},
): ConnectionTarget {
  return {
    host: s.host,
    port: s.port,
    database: s.database,
    user: s.user,
    // pgpass and none: no password here; node-postgres then consults PGPASSFILE / ~/.pgpass like libpq.
    password: s.password_source === 'stored' ? secret('password') : undefined,
    ssl: s.ssl,
    schema: s.schema ?? undefined,
    ssh: s.ssh.enabled
      ? {
          host: s.ssh.host,
          port: s.ssh.port,
          user: s.ssh.user,
          password: s.ssh.auth === 'password' ? secret('ssh_password') : undefined,
          keyPath: s.ssh.auth === 'key' ? s.ssh.key_path : null,
          passphrase: s.ssh.auth === 'key' ? secret('ssh_passphrase') : undefined,
          fingerprint: s.ssh.host_fingerprint,
          trustUnknownKey: opts.trustUnknownHostKey,
        }
      : undefined,
  }
}
