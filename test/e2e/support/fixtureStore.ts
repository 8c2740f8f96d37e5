import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { loadPlainDump } from '../../helpers/pgDump'
import { FIXTURES, type FixtureName } from '../../helpers/fixtures'
import { api } from './api'

/**
 * Another MLflow store beside the demo's, in the same embedded cluster: a fresh
 * database holding the real MLflow-written fixture, then whatever `fill` adds.
 * Returns its URI, password included, as a user would paste it. `url` is a
 * running server's (asking it for its session starts the demo cluster and says
 * where it listens); `home` is that server's MLFLOW_DESK_HOME. `fixture`: which one (the small one by default).
 */
export async function createFixtureStore(
  database: string,
  url: string,
  home: string,
  fill?: (client: pg.Client) => Promise<void>,
  fixture: FixtureName = 'small',
): Promise<string> {
  const { connection } = await api('session:describe', {}, url)
  const m = /^([^@]+)@([^:]+):(\d+)\//.exec(connection.display)
  if (!m) throw new Error(`Cannot read the demo's address from "${connection.display}"`)
  const [, user, host, port] = m
  const { password } = JSON.parse(readFileSync(join(home, 'demo', 'credentials.json'), 'utf8')) as { password: string }
  const admin = new pg.Client({ host, port: Number(port), user, password, database: 'postgres' })
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    await admin.query(`CREATE DATABASE ${database}`)
  } finally {
    await admin.end()
  }
  const store = new pg.Client({ host, port: Number(port), user, password, database })
  await store.connect()
  try {
    await loadPlainDump(store, FIXTURES[fixture].dump)
    await fill?.(store)
  } finally {
    await store.end()
  }
  return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${database}?sslmode=disable`
}

/**
 * An experiment of `runs` runs that each logged `keys` metric keys (`train/…`,
 * `val/…`, `sys/…`, `test/…`, and some without a prefix) over `steps` steps,
 * but `test/…` once, at step 0: the shape of a store where a chart grid must
 * not read what it does not show. Returns the experiment's id.
 */
export async function addWideExperiment(client: pg.Client, opts: { name: string; runs: number; keys: number; steps: number }): Promise<string> {
  const now = Date.now()
  // The dump's loading left search_path empty on this connection: every table by its schema.
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO public.experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
     VALUES ($1, 'file:///tmp/e2e-wide', 'active', $2, $2) RETURNING experiment_id AS id`,
    [opts.name, now],
  )
  const id = rows[0].id
  await client.query(
    `INSERT INTO public.runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id)
     SELECT md5('wide-' || $1::text || '-' || r), 'wide-run-' || lpad(r::text, 3, '0'), 'LOCAL', 'train.py', '', 'e2e', 'FINISHED',
            $2::bigint + r * 1000, $2::bigint + r * 1000 + 600000, '', 'active', 'file:///tmp/e2e-wide/' || r, $1::int
     FROM generate_series(1, $3::int) r`,
    [id, now, opts.runs],
  )
  // Key k: a prefix by k mod 5 ('' for none), a zero-padded number; test/ keys are logged once, at step 0.
  const keys = `SELECT k, (ARRAY['train/', 'val/', 'sys/', 'test/', ''])[k % 5 + 1] || 'metric_' || lpad(k::text, 4, '0') AS key,
                       k % 5 = 3 AS once FROM generate_series(0, $2::int - 1) k`
  await client.query(
    `INSERT INTO public.metrics (key, value, timestamp, run_uuid, step, is_nan)
     SELECT key, sin(s / 3.0 + k) + r * 0.1 + 1.5, $3::bigint + r * 1000 + s * 1000, md5('wide-' || $1::text || '-' || r), s, false
     FROM (${keys}) keys, generate_series(1, $4::int) r, generate_series(0, $5::int - 1) s
     WHERE NOT once OR s = 0`,
    [id, opts.keys, now, opts.runs, opts.steps],
  )
  await client.query(
    `INSERT INTO public.latest_metrics (key, value, timestamp, step, is_nan, run_uuid)
     SELECT DISTINCT ON (run_uuid, key) key, value, timestamp, step, is_nan, run_uuid
     FROM public.metrics WHERE run_uuid IN (SELECT run_uuid FROM public.runs WHERE experiment_id = $1)
     ORDER BY run_uuid, key, step DESC, timestamp DESC`,
    [id],
  )
  return String(id)
}
