import { z } from 'zod'
import { AppError } from './errors'
import { MAX_VALUE_BYTES, MIN_VALUE_BYTES, workMemProblem } from './queryLimits'
import { ARTIFACT_SECRET_NAMES, artifactStoreSchema } from './artifactSchemas'
import { ENVIRONMENTS, SSL_MODES } from './profileChoices'

export { ENVIRONMENTS, SSL_MODES }

/**
 * A connection profile's settings: everything but its secrets. One schema for
 * the API contract, the profiles file and the renderer's form.
 */

const text = (max: number) => z.string().trim().max(max)
const path = z.string().trim().min(1).max(4096).nullable().default(null)

export const sslSettingsSchema = z.object({
  /** libpq's sslmode values, with libpq's meaning. */
  mode: z.enum(SSL_MODES).default('prefer'),
  root_cert: path,
  cert: path,
  key: path,
})

export const sshSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  host: text(255).default(''),
  port: z.number().int().min(1).max(65535).default(22),
  user: text(255).default(''),
  auth: z.enum(['password', 'key']).default('key'),
  key_path: path,
  /** OpenSSH-style SHA256 fingerprint pinned on first connect; a different key is refused. */
  host_fingerprint: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must look like SHA256:… (43 base64 characters)')
    .nullable()
    .default(null),
})

export const artifactMappingSchema = z.object({
  /** An artifact location prefix as recorded on the tracking server, e.g. file:///mnt/mlflow. */
  prefix: text(2000).min(1, 'the server-side prefix is empty'),
  /** Where this machine sees it, e.g. /Volumes/mlflow. */
  path: text(4096).min(1, 'the local path is empty'),
})

/**
 * One entry of the SQL console's function allow-list: `schema.name` or `schema.*`, each part
 * an identifier as PostgreSQL writes it: unquoted (letters, digits, _ and $, not starting
 * with a digit or $; folded to lower case) or double-quoted ("My Schema", "" for a quote).
 */
const IDENT = String.raw`(?:[A-Za-z_\u0080-\uFFFF][A-Za-z0-9_$\u0080-\uFFFF]*|"(?:[^"\u0000]|"")+")`
const ALLOWED_FUNCTION_RE = new RegExp(`^(${IDENT})\\.(${IDENT}|\\*)$`)
/** PostgreSQL's NAMEDATALEN - 1: longer identifiers are truncated by the server, so refused here. */
const MAX_IDENT_BYTES = 63

/** What the server makes of one part: quoted kept as written, unquoted folded to lower case (ASCII only, as PostgreSQL does in UTF-8). */
function identValue(part: string): string {
  return part.startsWith('"') ? part.slice(1, -1).replace(/""/g, '"') : part.replace(/[A-Z]+/g, (c) => c.toLowerCase())
}

/**
 * An allow-list entry as the server names things: `{ schema, name }`, name null for `schema.*`
 * (every function of the schema). Unquoted parts are folded to lower case, quoted ones kept.
 * For the console's guard to compare with pg_proc / pg_namespace names.
 * Null when the entry is not `schema.name` / `schema.*`.
 */
export function parseAllowedFunction(entry: string): { schema: string; name: string | null } | null {
  const m = ALLOWED_FUNCTION_RE.exec(entry.trim())
  if (!m) return null
  const schema = identValue(m[1]!)
  const name = m[2] === '*' ? null : identValue(m[2]!)
  const tooLong = (v: string) => new TextEncoder().encode(v).length > MAX_IDENT_BYTES
  if (tooLong(schema) || (name !== null && tooLong(name))) return null
  return { schema, name }
}

export const allowedFunctionSchema = z
  .string()
  .trim()
  .max(300)
  .refine((v) => parseAllowedFunction(v) !== null, {
    message: 'must be a schema-qualified function name: schema.function or schema.* (identifiers of at most 63 bytes, "quoted" when they need it)',
  })

export const sqlConsoleSettingsSchema = z.object({
  /**
   * User-defined and extension functions the SQL console lets through for this profile
   * (built-in functions are decided by the console's own policy). Empty by default: none.
   */
  allowed_functions: z.array(allowedFunctionSchema).max(200, 'at most 200 allowed functions').default([]),
  /** work_mem of the console's transactions (SET LOCAL), e.g. "256MB"; null: the connection's -c work_mem, else 64MB. */
  work_mem: z
    .string()
    .trim()
    .max(32)
    .refine((v) => workMemProblem(v) === null, { message: 'a size PostgreSQL takes for work_mem: a number with kB, MB or GB (case matters), from 64kB' })
    .nullable()
    .default(null),
  /** Values above this many bytes reach the console's grid cut (load the whole value on demand); null: 1 MiB. */
  max_value_bytes: z.number().int().min(MIN_VALUE_BYTES).max(MAX_VALUE_BYTES).nullable().default(null),
})

export const profileSettingsSchema = z.object({
  name: text(120).min(1, 'a profile needs a name'),
  environment: z.enum(ENVIRONMENTS).default('custom'),
  host: text(255).min(1, 'the host is empty'),
  port: z.number().int().min(1).max(65535).default(5432),
  database: text(255).min(1, 'the database is empty'),
  user: text(255).min(1, 'the user is empty'),
  /** none: no password; stored: encrypted in the profiles file; pgpass: looked up in ~/.pgpass or PGPASSFILE. */
  password_source: z.enum(['none', 'stored', 'pgpass']).default('stored'),
  /** The schema MLflow's tables live in, when not the search_path default. */
  schema: text(63).min(1).nullable().default(null),
  ssl: sslSettingsSchema.default({ mode: 'prefer', root_cert: null, cert: null, key: null }),
  ssh: sshSettingsSchema.default({ enabled: false, host: '', port: 22, user: '', auth: 'key', key_path: null, host_fingerprint: null }),
  statement_timeout_s: z.number().min(1).max(86_400).default(30),
  artifact_mappings: z.array(artifactMappingSchema).max(100).default([]),
  /** How to read the artifact stores (S3, Azure, GCS, MLflow's proxy, SFTP); null: MLflow's environment variables only. */
  artifact_store: artifactStoreSchema.nullable().default(null),
  /** The SQL console's per-profile settings. */
  sql_console: sqlConsoleSettingsSchema.default({ allowed_functions: [], work_mem: null, max_value_bytes: null }),
})

/** Every secret a profile can hold: sealed at rest, opened only in main, never sent to the renderer. */
export const SECRET_NAMES = ['password', 'ssh_password', 'ssh_passphrase', ...ARTIFACT_SECRET_NAMES] as const
export type SecretName = (typeof SECRET_NAMES)[number]

const secretValue = z.string().max(100_000).nullable().optional()

/** Secrets travel renderer -> main only. undefined keeps the stored value, null clears it. */
export const profileSecretsSchema = z.object(Object.fromEntries(SECRET_NAMES.map((n) => [n, secretValue])) as Record<SecretName, typeof secretValue>).strict()

/** Which secrets are set: all false. */
export function noSecrets(): Record<SecretName, boolean> {
  return Object.fromEntries(SECRET_NAMES.map((n) => [n, false])) as Record<SecretName, boolean>
}

export type ProfileSettingsInput = z.input<typeof profileSettingsSchema>
export type ProfileSecretsInput = z.infer<typeof profileSecretsSchema>

/** `PREFIX=PATH` (split at the last `=` that is not part of a URI scheme's `//`). */
export function parseArtifactMaps(values: string[] | undefined): z.infer<typeof artifactMappingSchema>[] {
  return (values ?? []).map((v) => {
    const i = v.lastIndexOf('=')
    const parsed = artifactMappingSchema.safeParse({ prefix: i > 0 ? v.slice(0, i) : '', path: i > 0 ? v.slice(i + 1) : '' })
    if (!parsed.success)
      throw new AppError(
        'BAD_REQUEST',
        `--artifact-map "${v}": expected PREFIX=PATH, e.g. file:///mnt/mlflow=/Volumes/mlflow (${parsed.error.issues[0].message}).`,
        { field: 'artifact-map' },
      )
    return parsed.data
  })
}
