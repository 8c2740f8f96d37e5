import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { parse as parseIni } from 'ini'
import type { ProfileSettingsInput } from '@shared/api/profileSchemas'
import { SSL_MODES } from '@shared/api/profileSchemas'

/** One [service] of a pg_service.conf, as profile settings (+ its password, which stays in main). */
export interface PgService {
  name: string
  settings: ProfileSettingsInput
  password?: string
}

/** libpq's lookup order: PGSERVICEFILE, ~/.pg_service.conf, then PGSYSCONFDIR/pg_service.conf. */
export function pgServiceFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const files = [
    env.PGSERVICEFILE,
    join(homedir(), '.pg_service.conf'),
    env.PGSYSCONFDIR && join(env.PGSYSCONFDIR, 'pg_service.conf'),
    '/etc/postgresql-common/pg_service.conf',
  ]
  return files.filter((f): f is string => !!f && existsSync(f))
}

/** Every service in the files libpq would read (the first file that defines a name wins, as in libpq). */
export function readPgServices(env: NodeJS.ProcessEnv = process.env): { services: PgService[]; files: string[] } {
  const files = pgServiceFiles(env)
  const byName = new Map<string, PgService>()
  for (const file of files) {
    const ini = parseIni(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>
    for (const [name, kv] of Object.entries(ini)) {
      if (byName.has(name) || typeof kv !== 'object') continue
      const sslmode = (SSL_MODES as readonly string[]).includes(kv.sslmode) ? (kv.sslmode as (typeof SSL_MODES)[number]) : 'prefer'
      byName.set(name, {
        name,
        password: kv.password || undefined,
        settings: {
          name,
          host: kv.host || kv.hostaddr || 'localhost',
          port: kv.port ? Number(kv.port) : 5432,
          database: kv.dbname || kv.user || name,
          user: kv.user || env.PGUSER || 'postgres',
          password_source: kv.password ? 'stored' : 'pgpass',
          ssl: { mode: sslmode, root_cert: kv.sslrootcert || null, cert: kv.sslcert || null, key: kv.sslkey || null },
        },
      })
    }
  }
  return { services: [...byName.values()], files }
}
