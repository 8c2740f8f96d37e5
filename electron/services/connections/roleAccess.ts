import pg from 'pg'
import type { RoleAccess } from '@shared/domain/profiles'
import type { StoreHandle } from './storeConnection'

/**
 * What the role a store is opened as can do, from the server's catalog: least
 * privilege, made visible. One read statement, run on connect (Test connection,
 * `profiles test`, the session the sidebar's card shows).
 */

/** Predefined roles that reach past the store into the server: files, programs, other sessions. */
export const SERVER_ROLES = ['pg_execute_server_program', 'pg_read_server_files', 'pg_signal_backend', 'pg_write_server_files'] as const

const WHAT_SERVER_ROLES_DO: Record<string, string> = {
  pg_execute_server_program: 'run programs on the server',
  pg_read_server_files: "read the server's files",
  pg_signal_backend: 'end other sessions',
  pg_write_server_files: "write the server's files",
}

interface Row {
  role: string
  superuser: boolean
  createrole: boolean
  server_roles: string[]
  writable: Array<{ table: string; privileges: string[] }>
  create_in_schema: boolean | null
  default_read_only: string
}

const ACCESS_SQL = `
  WITH tabs AS (
    SELECT c.relname::text AS t,
           array_remove(ARRAY[
             CASE WHEN has_table_privilege(c.oid, 'INSERT') THEN 'INSERT' END,
             CASE WHEN has_table_privilege(c.oid, 'UPDATE') THEN 'UPDATE' END,
             CASE WHEN has_table_privilege(c.oid, 'DELETE') THEN 'DELETE' END,
             CASE WHEN has_table_privilege(c.oid, 'TRUNCATE') THEN 'TRUNCATE' END], NULL) AS privs
      FROM pg_class c
     WHERE c.relnamespace = to_regnamespace($1) AND c.relkind IN ('r', 'p'))
  SELECT r.rolname::text AS role, r.rolsuper AS superuser, r.rolcreaterole AS createrole,
         ARRAY(SELECT g.rolname::text FROM pg_roles g
                WHERE g.rolname = ANY($2::text[]) AND pg_has_role(r.oid, g.oid, 'MEMBER') ORDER BY 1) AS server_roles,
         COALESCE((SELECT json_agg(json_build_object('table', t, 'privileges', privs) ORDER BY t) FROM tabs WHERE cardinality(privs) > 0), '[]'::json) AS writable,
         has_schema_privilege(to_regnamespace($1)::oid, 'CREATE') AS create_in_schema,
         current_setting('default_transaction_read_only') AS default_read_only
    FROM pg_roles r
   WHERE r.rolname = current_user`

/** The role's access to this store, as the app shows it. */
export async function readRoleAccess(store: Pick<StoreHandle, 'select' | 'schema'>): Promise<RoleAccess> {
  const schema = store.schema.name
  const [row] = await store.select<Row>(ACCESS_SQL, [pg.escapeIdentifier(schema), [...SERVER_ROLES]])
  return roleAccessOf(row!, schema)
}

export function roleAccessOf(row: Row, schema: string): RoleAccess {
  const createInSchema = !!row.create_in_schema
  const reasons: string[] = []
  if (row.superuser) reasons.push('superuser: can do anything on the server, bypassing every permission')
  if (!row.superuser) {
    if (row.writable.length) {
      const kinds = [...new Set(row.writable.flatMap((w) => w.privileges))]
      const order = ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']
      kinds.sort((a, b) => order.indexOf(a) - order.indexOf(b))
      reasons.push(`${kinds.join(', ')} on ${row.writable.length === 1 ? row.writable[0]!.table : `${row.writable.length} of MLflow's tables`}`)
    }
    if (createInSchema) reasons.push(`CREATE in schema ${schema}`)
    for (const r of row.server_roles) reasons.push(`member of ${r} (can ${WHAT_SERVER_ROLES_DO[r] ?? 'act on the server'})`)
    if (row.createrole) reasons.push('CREATEROLE (can grant roles, itself included)')
  }
  const level = row.superuser ? 'superuser' : reasons.length ? 'can-write' : 'read-only'
  return {
    role: row.role,
    level,
    superuser: row.superuser,
    can_write: level !== 'read-only',
    tables: row.writable.map((w) => w.table),
    writable: row.writable,
    server_roles: row.server_roles,
    create_in_schema: createInSchema,
    createrole: row.createrole,
    schema,
    default_read_only: row.default_read_only === 'on',
    reasons,
  }
}

const cache = new WeakMap<object, Promise<RoleAccess | null>>()

/** The role's access for a session's card: read once per open store (a failure is "unknown", never an error of the session). */
export function sessionRoleAccess(store: StoreHandle): Promise<RoleAccess | null> {
  // Read through the shared handle: one call's abort must not leave "unknown" cached for the others.
  let p = cache.get(store.shared)
  if (!p) {
    p = readRoleAccess(store.shared).catch(() => null)
    cache.set(store.shared, p)
  }
  return p
}

/** What a DBA needs to know to write the grants: the database, the schema, who owns MLflow's tables, whether PUBLIC may create in the schema. */
export interface GrantFacts {
  database: string
  schema: string
  /** Owners of the store's tables: MLflow's role (ALTER DEFAULT PRIVILEGES FOR each). Empty: unknown. */
  owners: string[]
  /** PUBLIC holds CREATE on the schema (PostgreSQL 14 and older, on schema public, by default). */
  public_create: boolean
}

export async function readGrantFacts(store: Pick<StoreHandle, 'select' | 'schema'>): Promise<GrantFacts> {
  const schema = store.schema.name
  const [row] = await store.select<{ database: string; owners: string[]; public_create: boolean }>(
    `SELECT current_database()::text AS database,
            ARRAY(SELECT DISTINCT pg_get_userbyid(c.relowner)::text FROM pg_class c
                   WHERE c.relnamespace = to_regnamespace($1) AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY 1) AS owners,
            EXISTS (SELECT 1 FROM pg_namespace n, aclexplode(COALESCE(n.nspacl, acldefault('n', n.nspowner))) a
                     WHERE n.oid = to_regnamespace($1) AND a.grantee = 0 AND a.privilege_type = 'CREATE') AS public_create`,
    [pg.escapeIdentifier(schema)],
  )
  return { database: row!.database, schema, owners: row!.owners, public_create: row!.public_create }
}

/** A role name as SQL: bare when PostgreSQL would keep it as written, else quoted. */
function roleIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : pg.escapeIdentifier(name)
}

export const DEFAULT_READER_ROLE = 'mlflow_desk_reader'

/**
 * What a DBA runs (as a superuser, or the database and schema owner) to give MLflow
 * Desk — or any reader — exactly what it needs: log in, read MLflow's tables (and
 * those later MLflow upgrades add), sessions read-only by default, nothing else.
 */
export function readOnlyRoleSql(facts: GrantFacts, role: string = DEFAULT_READER_ROLE): string {
  const db = pg.escapeIdentifier(facts.database)
  const sch = pg.escapeIdentifier(facts.schema)
  const r = roleIdent(role)
  const owners = facts.owners.length ? facts.owners : ['mlflow_owner']
  const lines = [
    `CREATE ROLE ${r} LOGIN PASSWORD 'choose-a-password';`,
    `GRANT CONNECT ON DATABASE ${db} TO ${r};`,
    `GRANT USAGE ON SCHEMA ${sch} TO ${r};`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA ${sch} TO ${r};`,
    `-- Tables MLflow adds in later upgrades:`,
    ...(facts.owners.length ? [] : [`-- ("mlflow_owner": the role MLflow's tracking server connects as, which owns its tables)`]),
    ...owners.map((o) => `ALTER DEFAULT PRIVILEGES FOR ROLE ${pg.escapeIdentifier(o)} IN SCHEMA ${sch} GRANT SELECT ON TABLES TO ${r};`),
    `ALTER ROLE ${r} SET default_transaction_read_only = on;`,
  ]
  if (facts.public_create) {
    lines.push(
      `-- Every role may create objects in ${sch} (PostgreSQL 14 and older do that by default): keep that for MLflow's own role only.`,
      ...owners.map((o) => `GRANT CREATE ON SCHEMA ${sch} TO ${pg.escapeIdentifier(o)};`),
      `REVOKE CREATE ON SCHEMA ${sch} FROM PUBLIC;`,
    )
  }
  return lines.join('\n')
}
