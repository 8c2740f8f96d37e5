import { dirname, resolve } from 'node:path'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createFixtureStore } from './fixtureStore'
import { makeHome, startServe } from './serve'

export const STATE_FILE = resolve(__dirname, '../../../test-results/e2e-server.json')

/**
 * Start `mlflow-desk serve` from the build on a fresh MLFLOW_DESK_HOME: the
 * first start migrates and seeds the demo store, exactly as a newcomer's
 * `npm start` does. Tests read the URL (with its token) from E2E_URL.
 */
export default async function globalSetup(): Promise<void> {
  const home = await makeHome('mlflow-desk-e2e-')
  const { url, child } = await startServe({ MLFLOW_DESK_HOME: home, MLFLOW_TRACKING_URI: '' })
  process.env.E2E_URL = url
  // Teardown (in this same runner process) stops this server by these, not by the shared state
  // file: another Playwright run on the machine rewrites that file with its own server.
  process.env.E2E_SERVE_PID = String(child.pid)
  process.env.E2E_HOME = home
  mkdirSync(dirname(STATE_FILE), { recursive: true })
  writeFileSync(STATE_FILE, JSON.stringify({ pid: child.pid, home, url }))
  child.unref()
  process.env.E2E_SECOND_URL = await createSecondStore(url, home)
}

/**
 * A second MLflow store for the profile tests: the real MLflow-written fixture
 * (experiment names unlike the demo's), in a database beside the demo's in the
 * same embedded cluster. Returns its URI, password included, as a user would paste it.
 */
function createSecondStore(url: string, home: string): Promise<string> {
  return createFixtureStore('e2e_second', url, home)
}
