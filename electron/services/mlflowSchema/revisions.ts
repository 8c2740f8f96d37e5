/**
 * MLflow's alembic chain, oldest first, with the first MLflow release that
 * shipped each revision (../shared/mlflow-schema.md; "~" = inferred from the
 * master version string). The one place this fact lives: migrations stamp
 * MLFLOW_HEAD_REVISION, the reader maps a store's revision to versions, and
 * each capability (./capabilities.ts) names the revision that brought it.
 */
export const ALEMBIC_CHAIN: ReadonlyArray<{ revision: string; since: string; change: string }> = [
  { revision: '451aebb31d03', since: '1.1', change: 'metrics.step' },
  { revision: '90e64c465722', since: '1.1', change: 'copy runs.user_id to mlflow.user' },
  { revision: '181f10493468', since: '1.2', change: 'metrics.is_nan' },
  { revision: 'df50e92ffc5e', since: '1.2', change: 'experiment_tags' },
  { revision: '7ac759974ad8', since: '1.2', change: 'tags.value 5000' },
  { revision: '89d4b8295536', since: '1.3', change: 'latest_metrics' },
  { revision: '2b4d017a5e9b', since: '1.4', change: 'model registry' },
  { revision: 'cfd24bdc0731', since: '1.5', change: 'KILLED status' },
  { revision: '0a8213491aaa', since: '1.7', change: 'drop duplicate status check' },
  { revision: '728d730b5ebd', since: '1.10', change: 'registered_model_tags' },
  { revision: '27a6a02d2cf1', since: '1.10', change: 'model_version_tags' },
  { revision: '84291f40a231', since: '1.11', change: 'model_versions.run_link' },
  { revision: 'a8c4a736bde6', since: '1.13', change: 'model_versions.run_id nullable' },
  { revision: '39d1c3be5f05', since: '1.15', change: 'is_nan boolean constraint' },
  { revision: 'c48cb773bb87', since: '1.16', change: 'MySQL is_nan default' },
  { revision: 'bd07f7e963c5', since: '1.25', change: 'run_uuid indexes' },
  { revision: '0c779009ac13', since: '1.28', change: 'runs.deleted_time' },
  { revision: 'cc1f77228345', since: '1.28', change: 'params.value 500' },
  { revision: '97727af70f4d', since: '1.29', change: 'experiment creation/update times' },
  { revision: '3500859a5d39', since: '2.3', change: 'registered_model_aliases' },
  { revision: '7f2a7d5fae7d', since: '2.4', change: 'datasets, inputs, input_tags' },
  { revision: '2d6e25af4d3e', since: '2.8', change: 'params.value 8000' },
  { revision: 'acf3f17fdcc7', since: '2.8', change: 'model_versions.storage_location' },
  { revision: '867495a8f9d4', since: '2.13', change: 'trace tables' },
  { revision: '5b0e9adcef9c', since: '2.14', change: 'trace FKs cascade' },
  { revision: '4465047574b1', since: '2.15', change: 'MySQL dataset_schema' },
  { revision: 'f5a4f2784254', since: '2.17', change: 'tags.value 8000' },
  { revision: '0584bdc529eb', since: '2.18', change: 'datasets FK cascade' },
  { revision: '400f98739977', since: '3.0', change: 'logged models' },
  { revision: '6953534de441', since: '3.0', change: 'inputs.step' },
  { revision: 'bda7b8c39065', since: '3.2', change: 'model_version_tags.value text' },
  { revision: 'cbc13b556ace', since: '3.2', change: 'trace previews' },
  { revision: '770bee3ae1dd', since: '3.2', change: 'assessments' },
  { revision: 'a1b2c3d4e5f6', since: '3.3', change: 'spans' },
  { revision: 'de4033877273', since: '3.3', change: 'entity_associations' },
  { revision: '1a0cddfcaa16', since: '3.3', change: 'webhooks' },
  { revision: '534353b11cbc', since: '3.4', change: 'scorers' },
  { revision: '71994744cf8e', since: '3.4', change: 'evaluation datasets' },
  { revision: '3da73c924c2f', since: '3.5', change: 'evaluation_dataset_records.outputs' },
  { revision: 'bf29a5ff90ea', since: '3.5', change: 'jobs' },
]

/** Position of a revision in the chain (0 = the base), or -1 for one we do not know. */
export function revisionIndex(revision: string): number {
  return ALEMBIC_CHAIN.findIndex((r) => r.revision === revision)
}

/** The revision our migrations produce: MLflow 3.5's head. */
export const MLFLOW_HEAD_REVISION = 'bf29a5ff90ea'

/**
 * Which MLflow versions leave a store at this revision: from the release that
 * introduced it up to the release before the next revision's, e.g. "1.29 – 2.2".
 */
export function mlflowVersionsFor(revision: string | null): { range: string; known: boolean } {
  if (revision === null) return { range: 'MLflow ≤ 1.0 (no alembic_version)', known: true }
  const i = ALEMBIC_CHAIN.findIndex((r) => r.revision === revision)
  if (i < 0) return { range: `unknown revision ${revision} (newer than MLflow 3.5, or a fork)`, known: false }
  const since = ALEMBIC_CHAIN[i].since
  const next = ALEMBIC_CHAIN.slice(i + 1).find((r) => r.since !== since)
  if (!next) return { range: `MLflow ${since} or later`, known: true }
  return { range: `MLflow ${since} – ${previousMinor(next.since)}`, known: true }
}

function previousMinor(v: string): string {
  const [maj, min] = v.split('.').map(Number)
  if (min > 0) return `${maj}.${min - 1}.x`
  return `${maj - 1}.x`
}
