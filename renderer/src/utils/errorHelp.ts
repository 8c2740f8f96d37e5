import { AppError, type AppErrorCode } from '@shared/api/errors'

/** Titles and next steps per error code: the one place the UI explains failures. */
const HELP: Partial<Record<AppErrorCode, { title: string; hint: string }>> = {
  CONNECTION_REFUSED: { title: 'The store refused the connection', hint: 'Check that PostgreSQL is running and reachable on that host and port.' },
  HOST_NOT_FOUND: { title: 'Unknown host', hint: 'Check the host name of the connection.' },
  AUTH_FAILED: { title: 'Authentication failed', hint: 'Check the user and password of the connection.' },
  DATABASE_NOT_FOUND: { title: 'Database not found', hint: 'Check the database name of the connection.' },
  TLS_FAILED: { title: 'TLS failed', hint: 'Check sslmode and the certificates of the connection.' },
  TIMEOUT: { title: 'Timed out', hint: 'The store took too long. Try again, or raise the statement timeout.' },
  NOT_MLFLOW_STORE: { title: 'Not an MLflow store', hint: 'This database has no MLflow tables. Point the connection at MLflow’s backend store.' },
  DEMO_UNAVAILABLE: { title: 'The demo store could not start', hint: 'See the terminal or log for the embedded PostgreSQL’s message.' },
  NOT_FOUND: { title: 'Not found', hint: 'It may have been removed, or the link is from another store.' },
  BAD_REQUEST: { title: 'Invalid request', hint: 'Something in the request is not valid.' },
  INVALID_PAGE_TOKEN: { title: 'The page no longer fits', hint: 'Reload the list from the first page.' },
  NO_STORE: { title: 'No store connected', hint: 'Choose a connection first.' },
}

export function errorHelp(e: unknown): { title: string; message: string; hint: string; code: string } {
  const err = e instanceof AppError ? e : new AppError('INTERNAL', e instanceof Error ? e.message : String(e))
  const h = HELP[err.code] ?? { title: 'Something went wrong', hint: 'Try again. If it keeps happening, the message below says why.' }
  return { title: h.title, hint: h.hint, message: err.message, code: err.code }
}
