import type { ConnectionTestResult } from '@shared/domain/profiles'
import type { CliIO } from '../io'

/** A connection test for people: what worked, what did not, and what to do about write access. */
export function printTestResult(io: CliIO, name: string, r: ConnectionTestResult): void {
  io.out(`Profile ${name}`)
  if (r.error) {
    io.out(`  ✗ ${r.error.message}`)
    if (r.ssh_host_fingerprint && r.error.code === 'SSH_HOST_KEY_UNKNOWN') io.out(`    Check the fingerprint with the server's admin, then rerun with --trust-host-key.`)
    return
  }
  io.out(`  ✓ connected: PostgreSQL ${r.server_version}, ${r.latency_ms} ms round trip${r.tls ? ', TLS' : ', no TLS'}${r.via_ssh ? `, via SSH (host key ${r.ssh_host_fingerprint})` : ''}`)
  if (r.mlflow?.is_store) {
    const runs = `${r.mlflow.runs_estimated ? '~' : ''}${r.mlflow.runs?.toLocaleString('en-US')}`
    io.out(`  ✓ MLflow store: schema revision ${r.mlflow.revision ?? 'none'} (${r.mlflow.mlflow_versions}); ${r.mlflow.experiments} experiments, ${runs} runs`)
  }
  if (r.write_access?.can_write) {
    const what = r.write_access.superuser ? 'is a superuser' : `can write to ${r.write_access.tables.join(', ')}`
    io.out(`  ! this role ${what}. MLflow Desk never writes, but consider a read-only role:`)
    for (const line of r.write_access.read_only_role_sql.split('\n')) io.out(`      ${line}`)
  } else if (r.write_access) {
    io.out('  ✓ read-only role')
  }
}
