import type { ZodError } from 'zod'

/**
 * Errors as data. Every failure that crosses a transport (IPC, HTTP, CLI) is an
 * AppError with a stable code and a human message that names what and where.
 * Raw driver errors never cross: services translate them first.
 */
export const APP_ERROR_CODES = [
  /** The request does not match the channel's schema (field named in `details.field`). */
  'BAD_REQUEST',
  /** No such channel in the contract. */
  'UNKNOWN_CHANNEL',
  /** HTTP transport: missing or wrong token. */
  'UNAUTHORIZED',
  /** HTTP transport: foreign Origin or Host. */
  'FORBIDDEN',
  /** The thing asked for (run, experiment, profile) does not exist. */
  'NOT_FOUND',
  /** A connection URL or option cannot be understood. */
  'INVALID_CONNECTION',
  /** No store was given (no --url, --profile or MLFLOW_TRACKING_URI). */
  'NO_STORE',
  'CONNECTION_REFUSED',
  'HOST_NOT_FOUND',
  'AUTH_FAILED',
  'DATABASE_NOT_FOUND',
  'TLS_FAILED',
  /** Statement timeout or connect timeout. */
  'TIMEOUT',
  /** The server closed the connection mid-work (shut down, restarted, or the session was terminated); the next call reconnects. */
  'CONNECTION_LOST',
  /** The database is reachable but does not hold an MLflow tracking store. */
  'NOT_MLFLOW_STORE',
  /** Migration refused: the database already holds another schema revision, or other tables. */
  'SCHEMA_MISMATCH',
  /** A write was attempted through a read-only session. */
  'READ_ONLY',
  /** The server runs a PostgreSQL older than we support (12); the message names both versions. */
  'UNSUPPORTED_SERVER',
  /** A write the user asked for (migrate, indexes create) on a hot standby. */
  'SERVER_IS_STANDBY',
  /** A standby cancelled a read for a conflict with recovery, and the retries did too. */
  'RECOVERY_CONFLICT',
  'INVALID_PAGE_TOKEN',
  /** A search filter or order_by that cannot be parsed or is not allowed (details.position points at it). */
  'INVALID_FILTER',
  'CANCELLED',
  /** Raw SQL refused before it was sent: not one read statement, or a forbidden function (details.position points at it). */
  'QUERY_REFUSED',
  /** The server refused or failed a raw SQL statement (unknown column, type error, ...); details.position when PostgreSQL gives one. */
  'QUERY_FAILED',
  /** A file could not be written (disk full, no permission, no such folder): the message names the path. */
  'WRITE_FAILED',
  /** An artifact store refused the credentials (or has none to use): the message names the store and which setting to check. */
  'ARTIFACT_AUTH_FAILED',
  /** An artifact store could not be reached or failed (network, TLS, server error): the message names the store, never a secret. */
  'ARTIFACT_UNAVAILABLE',
  /** An artifact location whose scheme no repository reads (the message names the URI). */
  'ARTIFACT_UNSUPPORTED',
  /** An artifact is there but is not what it must be (an MLmodel that is not YAML): the message names the file and why. */
  'INVALID_ARTIFACT',
  /** The embedded demo store could not start. */
  'DEMO_UNAVAILABLE',
  /** The profiles file cannot be read (the message names the file, line and column). */
  'PROFILES_FILE_INVALID',
  /** A stored secret cannot be decrypted here (other machine, other key, or saved by the desktop app). */
  'SECRET_UNAVAILABLE',
  /** A profile with that name exists already. */
  'CONFLICT',
  'SSH_AUTH_FAILED',
  /** First contact with an SSH host: its key fingerprint (details.fingerprint) must be confirmed. */
  'SSH_HOST_KEY_UNKNOWN',
  /** The SSH host presented a different key than the pinned one: possible interception. */
  'SSH_HOST_KEY_CHANGED',
  'SSH_FAILED',
  /** Anything else; the message is still safe to show (no secrets, no stack). */
  'INTERNAL',
] as const

export type AppErrorCode = (typeof APP_ERROR_CODES)[number]

/** Where a bad input was found, for the UI to point at it. */
export interface AppErrorDetails {
  /** Dotted path of the offending request field, e.g. `experiment_ids.0`. */
  field?: string
  /** 0-based character position in a text input (a filter, a SQL statement). */
  position?: number
  /** How many characters from `position` are at fault (for underlining). */
  length?: number
  /** 1-based line in a file (the profiles file). */
  line?: number
  /** An SSH host key fingerprint (SHA256:...), for the user to confirm. */
  fingerprint?: string
  /** An artifact path (relative to the run's artifact root) the error is about. */
  path?: string
  /** export:run: the folder the interrupted export was writing (its name is what a resume passes). */
  out?: string
}

/** The serialisable form of an error, as it travels over every transport. */
export interface AppErrorPayload {
  code: AppErrorCode
  message: string
  details?: AppErrorDetails
}

export class AppError extends Error {
  readonly code: AppErrorCode
  readonly details?: AppErrorDetails

  constructor(code: AppErrorCode, message: string, details?: AppErrorDetails) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.details = details
  }

  toPayload(): AppErrorPayload {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message }
  }

  static fromPayload(p: AppErrorPayload): AppError {
    return new AppError(p.code, p.message, p.details)
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError
}

export function isAppErrorPayload(v: unknown): v is AppErrorPayload {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as AppErrorPayload).message === 'string' &&
    (APP_ERROR_CODES as readonly string[]).includes((v as AppErrorPayload).code)
  )
}

/** The envelope every handler result travels in (IPC keeps only `message` of thrown errors). */
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: AppErrorPayload }

/** "experiment_ids.0: must be a numeric experiment id" — the first problem of a request, named by its field. */
export function describeZodError(channel: string, err: ZodError): AppError {
  const issue = err.issues[0]
  const field = issue?.path.join('.') || undefined
  const what = issue?.code === 'unrecognized_keys' ? `unknown field ${(issue as { keys?: string[] }).keys?.map((k) => `"${k}"`).join(', ')}` : issue?.message
  return new AppError('BAD_REQUEST', `${channel}: ${field ? `${field}: ` : ''}${what ?? 'invalid request'}`, field ? { field } : undefined)
}

/**
 * Any thrown value as a payload that is safe to show: typed errors pass, others become INTERNAL.
 * `clean` takes secrets out of the text (the main process passes its redaction).
 */
export function toErrorEnvelope(e: unknown, clean: (text: string) => string = (t) => t): Envelope<never> {
  if (isAppError(e)) return { ok: false, error: { ...e.toPayload(), message: clean(e.message) } }
  const message = e instanceof Error ? e.message : String(e)
  return { ok: false, error: { code: 'INTERNAL', message: clean(`Unexpected error: ${message}`) } }
}
