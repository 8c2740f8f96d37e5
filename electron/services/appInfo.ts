import pkg from '../../package.json'

/** Name and version shown in the UI and the CLI; one place. */
export const APP_INFO = { name: 'MLflow Desk', version: (pkg as { version: string }).version } as const
