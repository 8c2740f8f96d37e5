import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAppContext } from '../../electron/services/appContext'
import { startHttpTransport, type HttpTransport } from '../../electron/services/http/httpServer'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import type { Workspace } from '../../electron/services/workspace'
import { adminClient, createDatabase, urlFor } from './databases'
import { FIXTURES } from './fixtures'

/** The local HTTP transport serving a copy of the MLflow-written small fixture, as `mlflow-desk serve` would. */
export interface ApiOverStore {
  http: HttpTransport
  workspace: Workspace
  /** The store's URI (no TLS: loopback). */
  url: string
  /** What an authorised request from our own page carries. */
  headers: Record<string, string>
  /** A run and metric key with a history of more than 3 points. */
  history: { run_id: string; key: string }
  close(): Promise<void>
}

export async function startApiOverStore(prefix: string): Promise<ApiOverStore> {
  const home = await mkdtemp(join(tmpdir(), `desk-${prefix}-`))
  await writeFile(join(home, 'index.html'), '<!doctype html><title>MLflow Desk</title>')
  const db = await createDatabase(prefix.replace(/\W/g, '_'), FIXTURES.small.template)
  const url = urlFor(db) + '?sslmode=disable'
  const app = await createAppContext({ home, env: {}, cipher: aesGcmCipher(Buffer.alloc(32, 7), 'a test key'), choice: { url }, transport: 'http' })
  const http = await startHttpTransport({ handlers: app.handlers, workspace: app.workspace, rendererDir: home })
  const c = adminClient(db)
  await c.connect()
  let history: { run_id: string; key: string }
  try {
    history = (
      await c.query<{ run_id: string; key: string }>('SELECT run_uuid AS run_id, key FROM metrics GROUP BY 1, 2 HAVING count(*) > 3 ORDER BY 1, 2 LIMIT 1')
    ).rows[0]
  } finally {
    await c.end()
  }
  return {
    http,
    workspace: app.workspace,
    url,
    headers: { Host: `127.0.0.1:${http.port}`, Authorization: `Bearer ${http.token}`, 'Content-Type': 'application/json' },
    history,
    async close() {
      await http.close()
      await app.workspace.dispose()
    },
  }
}
