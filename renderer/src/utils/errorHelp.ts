import { AppError, isAppErrorPayload, type AppErrorCode } from '@shared/api/errors'

/** Titles and next steps per error code: the one place the UI explains failures. */
const HELP: Partial<Record<AppErrorCode, { title: string; hint: string }>> = {
  CONNECTION_REFUSED: { title: 'The store refused the connection', hint: 'Check that PostgreSQL is running and reachable on that host and port.' },
  HOST_NOT_FOUND: { title: 'Unknown host', hint: 'Check the host name of the connection.' },
  AUTH_FAILED: { title: 'Authentication failed', hint: 'Check the user and password of the connection (or its ~/.pgpass line).' },
  DATABASE_NOT_FOUND: { title: 'Database not found', hint: 'Check the database name of the connection.' },
  TLS_FAILED: {
    title: 'TLS failed',
    hint: 'Check the SSL mode and the certificate files of the connection. “require” encrypts without checking the server’s certificate.',
  },
  CONNECTION_LOST: {
    title: 'The server closed the connection',
    hint: 'It was shut down or restarted, or an administrator ended the session. Run it again: a fresh connection is opened.',
  },
  TIMEOUT: { title: 'Timed out', hint: 'The store took too long. Try again, or raise the statement timeout under Advanced.' },
  NOT_MLFLOW_STORE: {
    title: 'Not an MLflow store',
    hint: 'This database has no MLflow tables. Point the connection at MLflow’s backend store (and its schema, if not public).',
  },
  DEMO_UNAVAILABLE: { title: 'The demo store could not start', hint: 'See the terminal or log for the embedded PostgreSQL’s message.' },
  NOT_FOUND: { title: 'Not found', hint: 'It may have been removed, or the link is from another store.' },
  BAD_REQUEST: { title: 'Invalid request', hint: 'Something in the request is not valid.' },
  INVALID_PAGE_TOKEN: { title: 'The page no longer fits', hint: 'Reload the list from the first page.' },
  NO_STORE: { title: 'No store connected', hint: 'Choose a connection first.' },
  INVALID_CONNECTION: { title: 'The connection settings are not valid', hint: 'A URI looks like postgresql://user@host:5432/database?sslmode=require.' },
  PROFILES_FILE_INVALID: {
    title: 'The profiles file cannot be read',
    hint: 'Fix the file at the line named below, or move it away to start with no saved profiles.',
  },
  SECRET_UNAVAILABLE: {
    title: 'A saved secret cannot be opened here',
    hint: 'It was sealed on another machine or with another key. Edit the profile and type the secret again.',
  },
  CONFLICT: { title: 'That name is taken', hint: 'Profile names are unique; choose another name.' },
  SSH_AUTH_FAILED: { title: 'SSH authentication failed', hint: 'Check the SSH user, and the password or the key file and its passphrase.' },
  SSH_HOST_KEY_UNKNOWN: { title: 'Unknown SSH host key', hint: 'First contact with this SSH host: compare the fingerprint with the server’s, then trust it.' },
  SSH_HOST_KEY_CHANGED: {
    title: 'The SSH host key changed',
    hint: 'The SSH host presented a different key than the one pinned for this profile. This can mean someone is intercepting the connection; ask the server’s admin before forgetting the pinned key.',
  },
  SSH_FAILED: { title: 'The SSH tunnel failed', hint: 'Check the SSH host and port, and that the database host is reachable from the SSH host.' },
  READ_ONLY: { title: 'Refused: read-only', hint: 'MLflow Desk opens every store read-only; PostgreSQL refused a write.' },
  UNSUPPORTED_SERVER: { title: 'PostgreSQL too old', hint: 'MLflow Desk reads PostgreSQL 12 and newer. Connect to a newer server or replica.' },
  SERVER_IS_STANDBY: { title: 'The server is a read replica', hint: 'A standby accepts reads only; run writes (migrate, indexes create) against the primary.' },
  RECOVERY_CONFLICT: {
    title: 'The replica cancelled the read',
    hint: 'It was replaying the primary’s changes that the read was in the way of. Try again, or read from the primary.',
  },
  SCHEMA_MISMATCH: { title: 'Unexpected schema', hint: 'The database holds another MLflow revision or other tables.' },
  ARTIFACT_AUTH_FAILED: {
    title: 'The artifact store refused access',
    hint: 'Check the artifact store credentials in the connection profile (or the environment variables the message names).',
  },
  ARTIFACT_UNAVAILABLE: {
    title: 'The artifact store cannot be reached',
    hint: 'Check the endpoint or server named in the message, the network, and TLS settings.',
  },
  ARTIFACT_UNSUPPORTED: { title: 'Artifact location not readable', hint: 'Add a prefix mapping in the connection profile to read it from a local folder.' },
  INVALID_ARTIFACT: {
    title: 'The file cannot be read',
    hint: 'It is there but not in the form MLflow writes. Open it in the run’s artifacts to see what it holds.',
  },
  WRITE_FAILED: {
    title: 'Could not write the file',
    hint: 'Free disk space or fix the folder permissions named in the message, then try again (an export resumes).',
  },
  CANCELLED: { title: 'Cancelled', hint: 'The work was stopped before it finished.' },
  UNAUTHORIZED: { title: 'Not authorised', hint: 'Open the app with the URL `mlflow-desk serve` printed (it carries this start’s token).' },
  FORBIDDEN: { title: 'Refused', hint: 'The local server only answers its own pages.' },
}

/** A thrown AppError, or a `{code, message}` payload (as in a connection test result), explained. */
export function errorHelp(e: unknown): { title: string; message: string; hint: string; code: string } {
  const err = e instanceof AppError ? e : isAppErrorPayload(e) ? AppError.fromPayload(e) : new AppError('INTERNAL', e instanceof Error ? e.message : String(e))
  const h = HELP[err.code] ?? { title: 'Something went wrong', hint: 'Try again. If it keeps happening, the message below says why.' }
  return { title: h.title, hint: h.hint, message: err.message, code: err.code }
}

/** The request field an error points at (`settings.host` -> `host`), for a form to show it under that field. */
export function errorField(e: unknown): string | null {
  const field = e instanceof AppError ? e.details?.field : undefined
  return field ? field.replace(/^settings\./, '') : null
}
