import pgPass from 'pgpass'
import { AppError } from '@shared/api/errors'
import { describeTarget, type ConnectionTarget } from './connectionUrl'

/**
 * The password to log in with: the one given, else libpq's password file
 * (PGPASSFILE, or ~/.pgpass when its mode is 0600), looked up only when the
 * server asks for a password. node-postgres did this lookup itself until pg 8.21,
 * which deprecates it in favour of a password function like this one.
 */
export function passwordFor(target: ConnectionTarget): string | (() => Promise<string>) {
  if (target.password !== undefined) return target.password
  return () =>
    new Promise((resolve, reject) =>
      pgPass({ host: target.host, port: target.port, database: target.database, user: target.user }, (password?: string) =>
        password !== undefined
          ? resolve(password)
          : reject(
              new AppError(
                'AUTH_FAILED',
                `${describeTarget(target)} asks for a password, and none was given: no password in the connection, and no matching line in ${process.env.PGPASSFILE ? `PGPASSFILE (${process.env.PGPASSFILE})` : '~/.pgpass'}.`,
              ),
            ),
      ),
    )
}
