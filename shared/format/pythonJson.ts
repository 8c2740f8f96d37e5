/**
 * JSON as Python's json module writes and reads it: non-finite floats are the
 * bare literals NaN, Infinity, -Infinity (not null, not strings). MLflow's REST
 * API and mlflow-export-import both produce this, so our CLI output and exports
 * round-trip through MLflow tooling.
 */
const MARK = '\u0000pyfloat:'

export function stringifyPythonJson(value: unknown, indent?: number): string {
  const text = JSON.stringify(
    value,
    (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? `${MARK}${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'}` : v),
    indent,
  )
  // PostgreSQL text cannot contain NUL, so no real value carries the marker.
  return text.replace(/"\\u0000pyfloat:(NaN|Infinity|-Infinity)"/g, '$1')
}
