import { describe, expect, it } from 'vitest'
import { noSecrets } from '@shared/api/profileSchemas'
import { artifactStoreSchema } from '@shared/api/artifactSchemas'
import type { ProfileView } from '@shared/domain/profiles'
import { configuredKinds, EMPTY_ARTIFACT_STORE, fromArtifactStoreForm, toArtifactStoreForm } from '@/utils/artifactStoreForm'
import { editProfileForm, saveRequest, secretsPayload } from '@/utils/profileForm'

const view = (artifact_store: ProfileView['artifact_store']): ProfileView => ({
  id: 'p1',
  kind: 'saved',
  name: 'Team',
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
  artifact_store,
  sql_console: { allowed_functions: [], work_mem: null, max_value_bytes: null },
  secrets: { ...noSecrets(), s3_secret_access_key: true },
  created_at: 1,
  updated_at: 2,
})

describe('the artifact store settings in the profile form', () => {
  it('nothing set stays null through the form, and every field binds as a string', () => {
    const f = toArtifactStoreForm(null)
    expect(f.s3.endpoint_url).toBe('')
    expect(f.sftp.host_fingerprint).toBe('')
    expect(f.s3.force_path_style).toBeNull()
    expect(fromArtifactStoreForm(f)).toBeNull()
    expect(configuredKinds(f)).toEqual([])
    expect(saveRequest(editProfileForm(view(null))).settings.artifact_store).toBeNull()
  })

  it('round-trips saved settings unchanged, and trims what is typed (empty text is null)', () => {
    const saved = artifactStoreSchema.parse({
      s3: { endpoint_url: 'http://127.0.0.1:9000', access_key_id: 'AKIA1', force_path_style: false },
      http: { tracking_uri: 'https://mlflow', auth: 'bearer' },
    })
    const form = editProfileForm(view(saved))
    expect(form.settings.artifact_store.s3.region).toBe('')
    expect(saveRequest(form).settings.artifact_store).toEqual(saved)
    expect(configuredKinds(form.settings.artifact_store)).toEqual(['s3', 'http'])

    form.settings.artifact_store.s3.region = '  eu-west-1 '
    form.settings.artifact_store.s3.endpoint_url = '   '
    form.settings.artifact_store.sftp.auth = 'agent'
    const out = fromArtifactStoreForm(form.settings.artifact_store)!
    expect(out.s3).toEqual({ ...saved.s3, region: 'eu-west-1', endpoint_url: null })
    expect(out.sftp).toEqual({ ...EMPTY_ARTIFACT_STORE.sftp, auth: 'agent' })
    // What the form sends is what the contract's schema accepts as is.
    expect(artifactStoreSchema.parse(out)).toEqual(out)
  })

  it('clearing every field sends null again', () => {
    const form = editProfileForm(view(artifactStoreSchema.parse({ gcs: { project_id: 'p' } })))
    form.settings.artifact_store.gcs.project_id = ''
    expect(fromArtifactStoreForm(form.settings.artifact_store)).toBeNull()
  })

  it('store secrets go through profiles:save like the database password: typed set, cleared null, untouched left out', () => {
    const form = editProfileForm(view(null))
    expect(form.stored.s3_secret_access_key).toBe(true)
    expect(secretsPayload(form)).toBeUndefined()
    form.secrets.s3_secret_access_key = { value: '', clear: true }
    form.secrets.http_credential = { value: 'tok', clear: false }
    expect(secretsPayload(form)).toEqual({ s3_secret_access_key: null, http_credential: 'tok' })
    expect(JSON.stringify(saveRequest(form).settings)).not.toContain('tok')
  })
})
