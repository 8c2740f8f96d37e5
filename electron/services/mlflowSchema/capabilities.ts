/**
 * What the app can do on a store, named, and what each needs of MLflow's
 * schema: the tables (and columns) that must exist, and the alembic revision
 * that brought them (../shared/mlflow-schema.md). Stores written by older
 * MLflow lack some; queries ask `store.capabilities.<name>` and never test
 * table or column names themselves.
 */

/** A table, or one column of it, that a capability needs. */
export type SchemaNeed = readonly [table: string, column?: string]

export interface CapabilityFact {
  /** Every one must exist. */
  needs: readonly SchemaNeed[]
  /** The alembic revision whose store has all of `needs` (null: MLflow's initial tables, before alembic). */
  since: string | null
  /** What the app does with it. */
  lets: string
}

export const CAPABILITIES = {
  runNameColumn: {
    needs: [['runs', 'name']],
    since: null,
    lets: 'read a run name from runs.name (else from the mlflow.runName tag)',
  },
  metricSteps: {
    needs: [['metrics', 'step']],
    since: '451aebb31d03',
    lets: 'order and window metric history by step (else every step is 0)',
  },
  metricNaN: {
    needs: [['metrics', 'is_nan']],
    since: '181f10493468',
    lets: 'tell NaN metric values from stored zeros',
  },
  experimentTags: {
    needs: [['experiment_tags']],
    since: 'df50e92ffc5e',
    lets: 'show experiment tags',
  },
  latestMetrics: {
    needs: [['latest_metrics']],
    since: '89d4b8295536',
    lets: "read a run's latest metric values from latest_metrics (else computed from metrics)",
  },
  modelRegistry: {
    needs: [['registered_models'], ['model_versions']],
    since: '2b4d017a5e9b',
    lets: 'list registered models and their versions',
  },
  registeredModelTags: {
    needs: [['registered_model_tags']],
    since: '728d730b5ebd',
    lets: 'show registered model tags',
  },
  modelVersionTags: {
    needs: [['model_version_tags']],
    since: '27a6a02d2cf1',
    lets: 'show model version tags',
  },
  modelVersionRunLink: {
    needs: [['model_versions', 'run_link']],
    since: '84291f40a231',
    lets: "show a model version's run link",
  },
  experimentTimes: {
    needs: [
      ['experiments', 'creation_time'],
      ['experiments', 'last_update_time'],
    ],
    since: '97727af70f4d',
    lets: 'show and order experiments by creation and update time',
  },
  modelAliases: {
    needs: [['registered_model_aliases']],
    since: '3500859a5d39',
    lets: 'show model aliases',
  },
  modelVersionStorage: {
    needs: [['model_versions', 'storage_location']],
    since: 'acf3f17fdcc7',
    lets: "read a model version's files where the registry copied them (storage_location), before its source",
  },
  datasets: {
    needs: [['datasets'], ['inputs'], ['input_tags']],
    since: '7f2a7d5fae7d',
    lets: "show a run's dataset inputs and filter runs by datasets.*",
  },
  traces: {
    needs: [['trace_info'], ['trace_tags'], ['trace_request_metadata']],
    since: '867495a8f9d4',
    lets: 'list traces',
  },
  tracePreviews: {
    needs: [
      ['trace_info', 'client_request_id'],
      ['trace_info', 'request_preview'],
      ['trace_info', 'response_preview'],
    ],
    since: 'cbc13b556ace',
    lets: "show a trace's client request id and its request and response previews",
  },
  loggedModels: {
    needs: [['logged_models'], ['logged_model_tags'], ['logged_model_params'], ['logged_model_metrics']],
    since: '400f98739977',
    lets: 'show the MLflow 3 logged models a run produced',
  },
  runModelIO: {
    needs: [['logged_models'], ['inputs', 'step']],
    since: '6953534de441',
    lets: "show a run's model inputs and outputs (with the step of each output)",
  },
  assessments: {
    needs: [['assessments']],
    since: '770bee3ae1dd',
    lets: 'show and search the feedback and expectations on traces',
  },
  traceSpans: {
    needs: [['spans']],
    since: 'a1b2c3d4e5f6',
    lets: "read a trace's spans from the store",
  },
  evaluationDatasets: {
    needs: [['evaluation_datasets'], ['evaluation_dataset_tags'], ['evaluation_dataset_records'], ['entity_associations']],
    since: '71994744cf8e',
    lets: "list MLflow 3 evaluation datasets (mlflow.genai.datasets) with their records, and export an experiment's",
  },
  evaluationDatasetOutputs: {
    needs: [['evaluation_dataset_records', 'outputs']],
    since: '3da73c924c2f',
    lets: "show an evaluation dataset record's outputs",
  },
} as const satisfies Record<string, CapabilityFact>

export type Capability = keyof typeof CAPABILITIES

/** Each capability, true when the store has everything it needs. */
export type StoreCapabilities = Readonly<Record<Capability, boolean>>

/** The tables every MLflow store has (MLflow's initial ones): without them it is not a tracking store. */
export const REQUIRED_TABLES = ['experiments', 'runs', 'params', 'tags', 'metrics'] as const

/** Does the store have this table (or this column of it)? What a catalog probe answers. */
export type HasInSchema = (table: string, column?: string) => boolean

/** The capabilities of a store whose catalog answers `has`. */
export function capabilitiesOf(has: HasInSchema): StoreCapabilities {
  const entries = (Object.keys(CAPABILITIES) as Capability[]).map((name) => [name, CAPABILITIES[name].needs.every(([t, c]) => has(t, c))] as const)
  return Object.fromEntries(entries) as Record<Capability, boolean>
}

/** Every capability on: what a store at our migrations' head (MLflow 3.5) has. */
export const ALL_CAPABILITIES: StoreCapabilities = capabilitiesOf(() => true)
