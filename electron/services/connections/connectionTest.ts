import { isAppError, toErrorEnvelope } from '@shared/api/errors'
import type { ConnectionTestResult } from '@shared/domain/profiles'
import { redact } from '../security/redact'
import type { ConnectionTarget } from './connectionUrl'
import { readGrantFacts, readOnlyRoleSql, readRoleAccess } from './roleAccess'
import { openStore, type StoreHandle } from './storeConnection'

export { readOnlyRoleSql } from './roleAccess'

async function median(times: number, fn: () => Promise<unknown>): Promise<number> {
  const t: number[] = []
  for (let i = 0; i < times; i++) {
    const s = performance.now()
    await fn()
    t.push(performance.now() - s)
  }
  t.sort((a, b) => a - b)
  return Math.round(t[Math.floor(t.length / 2)] * 100) / 100
}

async function describeStore(store: StoreHandle): Promise<NonNullable<ConnectionTestResult['mlflow']>> {
  const d = store.schema.describe()
  const [est] = await store.select<{ n: number }>(`SELECT GREATEST(reltuples, 0)::bigint AS n FROM pg_class WHERE oid = 'runs'::regclass`)
  // An exact count on a store of millions of runs would take seconds; the planner's estimate is enough there.
  const estimated = est.n > 1_000_000
  const [counts] = await store.select<{ experiments: number; runs: number }>(
    `SELECT (SELECT count(*) FROM experiments)::bigint AS experiments, ${estimated ? '$1::bigint' : '(SELECT count(*) FROM runs)::bigint'} AS runs`,
    estimated ? [est.n] : undefined,
  )
  return {
    is_store: true,
    revision: d.revision,
    mlflow_versions: d.mlflow_versions,
    known_revision: d.known_revision,
    experiments: counts.experiments,
    runs: counts.runs,
    runs_estimated: estimated,
  }
}

/** What the role can do (read-only role / can write / superuser), and the SQL for a dedicated read-only role. */
async function writeAccess(store: StoreHandle): Promise<NonNullable<ConnectionTestResult['write_access']>> {
  const [access, facts] = await Promise.all([readRoleAccess(store), readGrantFacts(store)])
  return { ...access, read_only_role_sql: readOnlyRoleSql(facts) }
}

/**
 * "Test connection": reach the server (through TLS and SSH as configured), time a
 * round trip, tell whether this is an MLflow store and which MLflow wrote it,
 * count what is in it, and tell what the role can do (read-only role, can write,
 * superuser). Never throws: a
 * failure is part of the result, with the same message the app would show.
 */
export async function testConnection(target: ConnectionTarget, statementTimeoutMs?: number): Promise<ConnectionTestResult> {
  const result: ConnectionTestResult = {
    ok: false,
    error: null,
    server_version: null,
    latency_ms: null,
    tls: null,
    via_ssh: !!target.ssh,
    mlflow: null,
    write_access: null,
    ssh_host_fingerprint: null,
  }
  let store: StoreHandle | null = null
  try {
    store = await openStore(target, { statementTimeoutMs, poolMax: 1 })
    const s = store
    result.server_version = s.serverVersion
    result.tls = s.tls
    result.ssh_host_fingerprint = s.sshFingerprint
    result.latency_ms = await median(5, () => s.select('SELECT 1'))
    result.mlflow = await describeStore(s)
    // What the role can do is reported, not required: a catalog that will not tell leaves it unknown.
    result.write_access = await writeAccess(s).catch(() => null)
    result.ok = true
  } catch (e) {
    if (isAppError(e) && e.code === 'NOT_MLFLOW_STORE')
      result.mlflow = { is_store: false, revision: null, mlflow_versions: null, known_revision: false, experiments: null, runs: null, runs_estimated: false }
    if (isAppError(e) && e.details?.fingerprint) result.ssh_host_fingerprint = e.details.fingerprint
    const env = toErrorEnvelope(e, redact)
    result.error = env.ok ? null : { code: env.error.code, message: env.error.message }
  } finally {
    await store?.close()
  }
  return result
}
