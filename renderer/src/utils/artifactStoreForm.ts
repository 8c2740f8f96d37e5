import { artifactStoreSchema } from '@shared/api/artifactSchemas'
import type { ProfileSettings } from '@shared/domain/profiles'

/** A profile's artifact store settings as the API has them (null: nothing set, MLflow's environment variables apply). */
export type ArtifactStoreSettings = NonNullable<ProfileSettings['artifact_store']>

type Blank<T> = { [K in keyof T]: null extends T[K] ? (Exclude<T[K], null> extends string ? string : T[K]) : T[K] }

/** The artifact store settings as form fields: every text an empty string rather than null, so inputs bind directly. */
export interface ArtifactStoreForm {
  s3: Blank<ArtifactStoreSettings['s3']>
  azure: Blank<ArtifactStoreSettings['azure']>
  gcs: Blank<ArtifactStoreSettings['gcs']>
  http: Blank<ArtifactStoreSettings['http']>
  sftp: Blank<ArtifactStoreSettings['sftp']>
}

export type ArtifactStoreKind = keyof ArtifactStoreForm

/** Nothing set: what the schema fills in for an empty object. */
export const EMPTY_ARTIFACT_STORE: ArtifactStoreSettings = artifactStoreSchema.parse({})

function blank<T extends Record<string, unknown>>(section: T): Blank<T> {
  return Object.fromEntries(Object.entries(section).map(([k, v]) => [k, v === null && k !== 'force_path_style' ? '' : v])) as Blank<T>
}

function nulled<T extends Record<string, unknown>>(section: T): T {
  return Object.fromEntries(Object.entries(section).map(([k, v]) => [k, typeof v === 'string' ? v.trim() || null : v])) as T
}

export function toArtifactStoreForm(s: ProfileSettings['artifact_store']): ArtifactStoreForm {
  const full = s ?? EMPTY_ARTIFACT_STORE
  return { s3: blank(full.s3), azure: blank(full.azure), gcs: blank(full.gcs), http: blank(full.http), sftp: blank(full.sftp) }
}

/** Trimmed, empty fields null; null as a whole when nothing differs from the defaults. */
export function fromArtifactStoreForm(f: ArtifactStoreForm): ProfileSettings['artifact_store'] {
  const out = {
    s3: nulled(f.s3) as ArtifactStoreSettings['s3'],
    azure: nulled(f.azure) as ArtifactStoreSettings['azure'],
    gcs: nulled(f.gcs) as ArtifactStoreSettings['gcs'],
    http: nulled(f.http) as ArtifactStoreSettings['http'],
    sftp: nulled(f.sftp) as ArtifactStoreSettings['sftp'],
  }
  return JSON.stringify(out) === JSON.stringify(EMPTY_ARTIFACT_STORE) ? null : out
}

/** Which store kinds have anything set (for the section's summary and which groups start open). */
export function configuredKinds(f: ArtifactStoreForm): ArtifactStoreKind[] {
  return (Object.keys(f) as ArtifactStoreKind[]).filter((k) => JSON.stringify(nulled(f[k])) !== JSON.stringify(EMPTY_ARTIFACT_STORE[k]))
}
