import type { ConnectionTestResult } from '@shared/domain/profiles'
import type { CliIO } from '../io'

/** A connection test for people: what worked, what did not, and what to do about write access. */
export function printTestResult(io: CliIO, name: string, r: ConnectionTestResult): void {
  io.out(`Profile ${name}`)
  if (r.error) {
    io.out(`  ✗ ${r.error.message}`)
    if (r.ssh_host_fingerprint && r.error.code === 'SSH_HOST_KEY_UNKNOWN')
      io.out(`    Check the fingerprint with the server's admin, then rerun with --trust-host-key.`)
    return
  }
  io.out(
    `  ✓ connected: PostgreSQL ${r.server_version}, ${r.latency_ms} ms round trip${r.tls ? ', TLS' : ', no TLS'}${r.via_ssh ? `, via SSH (host key ${r.ssh_host_fingerprint})` : ''}`,
  )
  if (r.mlflow?.is_store) {
    const runs = `${r.mlflow.runs_estimated ? '~' : ''}${r.mlflow.runs?.toLocaleString('en-US')}`
    io.out(`  ✓ MLflow store: schema revision ${r.mlflow.revision ?? 'none'} (${r.mlflow.mlflow_versions}); ${r.mlflow.experiments} experiments, ${runs} runs`)
  }
  const a = r.write_access
  if (!a) return
  if (a.level === 'read-only') {
    io.out(
      `  ✓ read-only role: ${a.role} can read the store and change nothing${a.default_read_only ? '' : ' (sessions not read-only by default; MLflow Desk makes its own read-only)'}`,
    )
    return
  }
  if (a.level === 'superuser') io.out(`  !! superuser: ${a.role} can do anything on the server, bypassing every permission`)
  else io.out(`  ! can write: ${a.role} has ${a.reasons.join('; ')}`)
  io.out('    MLflow Desk never writes (every transaction is READ ONLY), but a read-only role makes sure. A DBA can create one with')
  const arg = /^[\w.@-]+$/.test(name) ? name : JSON.stringify(name)
  io.out(`    (also: mlflow-desk profiles grant-sql ${name === 'demo' ? 'NAME' : arg}):`)
  for (const line of a.read_only_role_sql.split('\n')) io.out(`      ${line}`)
}
