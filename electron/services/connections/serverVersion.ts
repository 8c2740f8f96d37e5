import { AppError } from '@shared/api/errors'

/** What a connection learns about the server before anything else. */
export interface ServerInfo {
  /** server_version, e.g. "15.18 (Debian 15.18-0+deb12u1)". */
  version: string
  /** server_version_num, e.g. 150018. */
  versionNum: number
  /** pg_is_in_recovery(): a hot standby (read replica). */
  standby: boolean
}

/** The oldest PostgreSQL we read and test: 12 (11 left community support in November 2023). */
export const MIN_SERVER_VERSION_NUM = 120000

export const SERVER_SQL = `SELECT current_setting('server_version') AS version, current_setting('server_version_num')::int AS version_num, pg_is_in_recovery() AS standby`

type Queryable = { query<R extends object>(sql: string): Promise<{ rows: R[] }> }

export async function readServer(client: Queryable): Promise<ServerInfo> {
  const { rows } = await client.query<{ version: string; version_num: number; standby: boolean }>(SERVER_SQL)
  return { version: rows[0].version, versionNum: rows[0].version_num, standby: rows[0].standby }
}

/** "15.18 (Debian 15.18-0+deb12u1)" -> "15.18". */
export function shortVersion(version: string): string {
  return version.split(' ')[0]
}

/** PostgreSQL 11 and older are refused, naming the version found and the minimum. */
export function checkServerVersion(info: ServerInfo, where: string): void {
  if (info.versionNum >= MIN_SERVER_VERSION_NUM) return
  throw new AppError(
    'UNSUPPORTED_SERVER',
    `${where} runs PostgreSQL ${shortVersion(info.version)}; MLflow Desk needs PostgreSQL 12 or newer. ` +
      'Upgrade the server, or connect to a replica of it that runs a newer PostgreSQL.',
  )
}

/** A write the user asked for by name (`migrate`, `indexes create`), refused up front on a standby. */
export function checkWritable(info: ServerInfo, where: string, what: string): void {
  if (!info.standby) return
  throw new AppError(
    'SERVER_IS_STANDBY',
    `${where} is a hot standby (a read replica): it accepts reads only, so ${what} cannot run there. ` +
      'Run it against the primary server; the standby receives the change through replication.',
  )
}
