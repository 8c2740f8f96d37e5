import type { KeyValue, ModelVersion, RegisteredModelAlias, Run } from './mlflow'

/**
 * What a model's files say about it (its `MLmodel`, MLflow's YAML description of a
 * logged model) and what MLflow 1.x/2.x recorded of each log_model call in the run
 * tag `mlflow.log-model.history`.
 */

/** One input or output of a model signature (a column, a tensor, or a field). */
export interface SignatureField {
  /** Column name; null for an unnamed column or a tensor without a name. */
  name: string | null
  /** Readable type: "double", "tensor<float32> [-1, 28, 28]", "array<string>", "object{a: long, b?: string}". */
  type: string
  /** MLflow's `required` (true when the MLmodel does not say, as MLflow reads it). */
  required: boolean
}

/** An inference parameter of a signature (MLflow 2.6+): its name, type, default and shape. */
export interface SignatureParam {
  name: string
  type: string
  /** The default as JSON text (a value can be a list). */
  default: string | null
  shape: string | null
}

export interface ModelSignature {
  /** null when the signature has no inputs (MLflow writes the key only when given). */
  inputs: SignatureField[] | null
  outputs: SignatureField[] | null
  params: SignatureParam[] | null
}

/** One flavor of a model (python_function, sklearn, pytorch, …) and its settings as text. */
export interface ModelFlavor {
  name: string
  /** Each setting, a nested value as JSON; in the MLmodel's order. */
  settings: KeyValue[]
}

/** Where the MLmodel says the input example is (saved_input_example_info). */
export interface InputExampleInfo {
  /** The file, relative to the model folder (e.g. "input_example.json"). */
  artifact_path: string
  /** "dataframe", "ndarray", "json_object", … as MLflow recorded it. */
  type: string | null
  /** The other keys (pandas_orient, serving_input_path, format), as text. */
  details: KeyValue[]
}

/** An MLmodel file, read. */
export interface MLmodelInfo {
  artifact_path: string | null
  run_id: string | null
  /** model_uuid (every version), or the MLflow 3 model_id when there is no uuid. */
  model_uuid: string | null
  /** MLflow 3's logged model id (m-…), when the model is one. */
  model_id: string | null
  mlflow_version: string | null
  /** utc_time_created as epoch ms (MLflow writes a naive UTC datetime); null when absent or unreadable. */
  created_ms: number | null
  model_size_bytes: number | null
  flavors: ModelFlavor[]
  signature: ModelSignature | null
  input_example: InputExampleInfo | null
  /** The MLmodel's `metadata` mapping, as text. */
  metadata: KeyValue[]
}

/** The input example file, as much of it as is shown. */
export interface InputExampleFile {
  /** Relative to the model folder. */
  path: string
  size: number | null
  /** Its text (UTF-8), cut at max bytes; null when it could not be read (see error). */
  text: string | null
  truncated: boolean
  /** Why it could not be read (missing, binary, the store failed). */
  error: string | null
}

/** models:version-files — a model version's MLmodel (and input example), read where its files are. */
export interface ModelFilesResponse {
  /** The model folder's URI, as resolved from the version's storage_location, source (runs:/, models:/, a URI). */
  location: string
  /** Where it was read (a mapped local folder, a bucket), never with credentials. */
  read_from: string
  /** The run whose artifacts hold the folder and the folder's path in them, when it is a run's: the run page links there. */
  run_artifact: { run_id: string; path: string } | null
  mlmodel: MLmodelInfo
  input_example: InputExampleFile | null
}

/** models:version — one registered model version, its model's aliases and tags, and its source run. */
export interface ModelVersionResponse {
  model_version: ModelVersion
  /** model_versions.storage_location (MLflow 2.8+), where the registry copied the files; null before. */
  storage_location: string | null
  /** The registered model's aliases (every version's) and tags. */
  model_aliases: RegisteredModelAlias[]
  model_tags: KeyValue[]
  model_description: string | null
  /** Live versions of the model, newest first (for the compare picker). */
  sibling_versions: string[]
  /** The source run with its params, metrics and tags; null when the version has no run or the run is gone. */
  run: Run | null
}

/**
 * One `log_model` call of MLflow 1.x/2.x, from the run tag `mlflow.log-model.history`
 * (MLflow 3 records logged models in their own table instead).
 */
export interface HistoryModel {
  /** The model folder under the run's artifacts (e.g. "model"). */
  artifact_path: string
  /** Flavor names (python_function, sklearn, …). */
  flavors: string[]
  /** utc_time_created as epoch ms; null when absent or unreadable. */
  created_ms: number | null
  model_uuid: string | null
  mlflow_version: string | null
  model_size_bytes: number | null
  /** The run that logged it (the tag's entry names it; it is the run itself). */
  run_id: string | null
}
