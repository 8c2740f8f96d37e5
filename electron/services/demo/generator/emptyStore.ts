import type pg from 'pg'
import { AppError } from '@shared/api/errors'

/** The target's tables and their columns (the generators write only what the store has). */
export async function readSchema(client: pg.Client): Promise<Map<string, Set<string>>> {
  const { rows } = await client.query<{ t: string; c: string }>(
    `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = current_schema()`,
  )
  const tables = new Map<string, Set<string>>()
  for (const r of rows) tables.set(r.t, (tables.get(r.t) ?? new Set()).add(r.c))
  return tables
}

/**
 * The generator only seeds an empty store. A freshly created store may hold
 * MLflow's Default experiment (id 0, inserted at store creation); it is
 * replaced by the generated one.
 */
export async function ensureEmpty(client: pg.Client, has: (t: string) => boolean): Promise<void> {
  const counts = await client.query<{ runs: string; experiments: string; models: string }>(
    `SELECT (SELECT count(*) FROM runs) AS runs,
            (SELECT count(*) FROM experiments WHERE experiment_id <> 0) AS experiments,
            ${has('registered_models') ? '(SELECT count(*) FROM registered_models)' : '0'} AS models`,
  )
  const c = counts.rows[0]
  if (Number(c.runs) + Number(c.experiments) + Number(c.models) > 0) {
    throw new AppError(
      'SCHEMA_MISMATCH',
      `The target store is not empty (${c.runs} runs, ${c.experiments} experiments besides Default, ${c.models} registered models): the demo generator only seeds an empty store.`,
    )
  }
  await client.query('DELETE FROM experiment_tags WHERE experiment_id = 0')
  await client.query('DELETE FROM experiments WHERE experiment_id = 0')
}
