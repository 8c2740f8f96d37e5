import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

/** The team folder beside the repo: ../shared (read-only, also present in CI). */
export const TEAM_SHARED = resolve(__dirname, '../../../shared')

export const FIXTURES = {
  small: {
    dump: resolve(TEAM_SHARED, 'fixtures/mlflow-small-seed1.sql'),
    manifest: resolve(TEAM_SHARED, 'fixtures/mlflow-small-seed1.manifest.json'),
    artifacts: resolve(TEAM_SHARED, 'fixtures/mlflow-small-seed1-artifacts'),
    template: 'fixture_small',
  },
  old: {
    dump: resolve(TEAM_SHARED, 'fixtures-old/mlflow-1_30-seed4.sql'),
    manifest: resolve(TEAM_SHARED, 'fixtures-old/mlflow-1_30-seed4.manifest.json'),
    artifacts: resolve(TEAM_SHARED, 'fixtures-old/mlflow-1_30-seed4-artifacts'),
    template: 'fixture_old',
  },
} as const

export type FixtureName = keyof typeof FIXTURES

export function readManifest(name: FixtureName): Record<string, unknown> {
  return JSON.parse(readFileSync(FIXTURES[name].manifest, 'utf8'))
}
