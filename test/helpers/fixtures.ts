import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

/**
 * The MLflow-written stores the tests use, kept in the repository (test/fixtures/),
 * copied byte for byte from the team folder's fixtures, fixtures-old and
 * fixtures-genai: a clone passes with nothing beside it.
 */
export const FIXTURES_DIR = resolve(__dirname, '../fixtures')

export const FIXTURES = {
  small: {
    dump: resolve(FIXTURES_DIR, 'small/mlflow-small-seed1.sql'),
    manifest: resolve(FIXTURES_DIR, 'small/mlflow-small-seed1.manifest.json'),
    artifacts: resolve(FIXTURES_DIR, 'small/mlflow-small-seed1-artifacts'),
    template: 'fixture_small',
  },
  old: {
    dump: resolve(FIXTURES_DIR, 'old/mlflow-1_30-seed4.sql'),
    manifest: resolve(FIXTURES_DIR, 'old/mlflow-1_30-seed4.manifest.json'),
    artifacts: resolve(FIXTURES_DIR, 'old/mlflow-1_30-seed4-artifacts'),
    template: 'fixture_old',
  },
  genai: {
    dump: resolve(FIXTURES_DIR, 'genai/mlflow-genai-seed21.sql'),
    manifest: resolve(FIXTURES_DIR, 'genai/mlflow-genai-seed21.manifest.json'),
    artifacts: resolve(FIXTURES_DIR, 'genai/mlflow-genai-seed21-artifacts'),
    template: 'fixture_genai',
  },
} as const

export type FixtureName = keyof typeof FIXTURES

export function readManifest(name: FixtureName): Record<string, unknown> {
  return JSON.parse(readFileSync(FIXTURES[name].manifest, 'utf8'))
}

/** The artifact location the fixture's rows record (its manifest's artifact_root_uri; the GenAI manifest does not say, its README does). */
export function artifactRootUri(name: FixtureName): string {
  const manifest = readManifest(name) as { artifact_root_uri?: string }
  return manifest.artifact_root_uri ?? 'file:///srv/mlflow/artifacts/small-seed21'
}
