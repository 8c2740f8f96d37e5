import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'
import type { ConnectionTarget } from '../../electron/services/connections/connectionUrl'

export function pgInfo() {
  return inject('pg')
}

export function adminClient(database = 'postgres'): pg.Client {
  const p = pgInfo()
  return new pg.Client({ host: p.host, port: p.port, user: p.user, password: p.password, database })
}

export function targetFor(database: string): ConnectionTarget {
  const p = pgInfo()
  // The test server has no TLS: say so, rather than pay sslmode=prefer's refused TLS attempt per connection.
  return { host: p.host, port: p.port, user: p.user, password: p.password, database, ssl: { mode: 'disable', root_cert: null, cert: null, key: null } }
}

export function urlFor(database: string): string {
  const p = pgInfo()
  return `postgresql://${p.user}:${p.password}@${p.host}:${p.port}/${database}`
}

/** A fresh database for one test: empty, or a copy of a template (a restored fixture). */
export async function createDatabase(prefix: string, template?: string): Promise<string> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`
  const c = adminClient()
  await c.connect()
  try {
    await c.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`)
  } finally {
    await c.end()
  }
  return name
}
