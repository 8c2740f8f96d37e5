import { hostname, arch, type as osType, userInfo } from 'node:os'
import { APP_INFO } from '../appInfo'
import { stringifyPythonJson } from '@shared/format/pythonJson'

/**
 * The text of one export JSON file as mlflow-export-import writes it: Python's
 * `json.dumps(content, indent=2) + "\n"`. That means non-finite floats as the bare
 * literals NaN / Infinity / -Infinity, and ensure_ascii (every non-ASCII character
 * escaped as \uXXXX, astral ones as surrogate pairs, which JS strings already are).
 */
export function pythonJsonFile(value: unknown): string {
  return stringifyPythonJson(value, 2).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n'
}

/** mlflow-export-import's UTC timestamp strings ("_start_time", "_export_time"): YYYY-MM-DD HH:MM:SS. */
export function utcString(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
}

/** What the `system` block says about this export (never the store's password or any secret). */
export interface ExportSystem {
  exportTimeMs: number
  trackingUri: string
  mlflowVersions: string
}

/**
 * The envelope every file of the export has: `system`, optional `info`, then `mlflow`
 * (io_utils.write_export_file). Extra keys about MLflow Desk sit inside `system`,
 * where the importer never looks.
 */
export function exportEnvelope(system: ExportSystem, mlflow: unknown, info?: Record<string, unknown>): Record<string, unknown> {
  let user = 'unknown'
  try {
    user = userInfo().username
  } catch {
    // No passwd entry (containers): the user is not essential.
  }
  return {
    system: {
      package_version: APP_INFO.version,
      script: 'mlflow-desk export',
      export_file_version: '2',
      export_time: Math.floor(system.exportTimeMs / 1000),
      _export_time: utcString(system.exportTimeMs),
      mlflow_version: system.mlflowVersions,
      mlflow_tracking_uri: system.trackingUri,
      platform: { python_version: null, system: osType(), processor: arch(), node_version: process.versions.node, host: hostname() },
      user,
      tool: { name: APP_INFO.name, version: APP_INFO.version },
    },
    ...(info ? { info } : {}),
    mlflow,
  }
}
