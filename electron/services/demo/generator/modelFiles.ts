import { rngFor } from './random'
import type { RunSkel, World } from './types'

/** Python's json.dumps defaults (', ' and ': ' separators, ASCII only): MLflow's JSON columns and tags look like that. */
export function pyJson(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'string') {
    return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (Array.isArray(v)) return '[' + v.map(pyJson).join(', ') + ']'
  return (
    '{' +
    Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pyJson(k)}: ${pyJson(x)}`)
      .join(', ') +
    '}'
  )
}

/** str(datetime.utcnow()) as MLflow records utc_time_created: '2025-01-31 12:34:56.789000'. */
export function pyUtc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '000')
}

const MLFLOW_VERSION = '2.16.2'
const PYTHON_VERSION = '3.11.9'
const REQUIREMENTS = [`mlflow==${MLFLOW_VERSION}`, 'cloudpickle==3.0.0', 'numpy==1.26.4', 'scikit-learn==1.5.1']

const FLAVORS = {
  python_function: {
    model_path: 'model.pkl',
    predict_fn: 'predict',
    loader_module: 'mlflow.sklearn',
    python_version: PYTHON_VERSION,
    env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' },
  },
  sklearn: { pickled_model: 'model.pkl', sklearn_version: '1.5.1', serialization_format: 'cloudpickle', code: null },
}

const SIGNATURE_INPUTS = pyJson([
  { type: 'double', name: 'x1', required: true },
  { type: 'double', name: 'x2', required: true },
  { type: 'long', name: 'x3', required: true },
])

export interface ModelInfo {
  uuid: string
  created: number
  pickle: Buffer
}

/** What log_model() produced for a run: fixed per (seed, run), so the tag and the files agree. */
export function modelInfo(world: World, run: RunSkel): ModelInfo {
  const r = rngFor(world.seed, 'model', run.index)
  const body = Buffer.alloc(r.int(600, 4_000))
  for (let i = 0; i < body.length; i++) body[i] = r.u32() & 0xff
  // Pickle protocol 5 framing around opaque bytes: enough for tools that sniff the header.
  const pickle = Buffer.concat([Buffer.from([0x80, 0x05, 0x95]), body, Buffer.from('.')])
  return { uuid: r.hex(32), created: (run.end ?? run.start + 60_000) - 5_000, pickle }
}

/** The mlflow.log-model.history tag MLflow 2.x writes: a JSON list, one entry per log_model call. */
export function logModelHistory(world: World, run: RunSkel): string {
  const m = modelInfo(world, run)
  return pyJson([
    {
      run_id: run.id,
      artifact_path: 'model',
      utc_time_created: pyUtc(m.created),
      flavors: FLAVORS,
      model_uuid: m.uuid,
      mlflow_version: MLFLOW_VERSION,
      model_size_bytes: m.pickle.length,
    },
  ])
}

/** The input_example= rows log_model saved (a pandas split frame of the signature's columns) and its serving form. */
function inputExample(world: World, run: RunSkel): { example: string; serving: string } {
  const r = rngFor(world.seed, 'input-example', run.index)
  const columns = ['x1', 'x2', 'x3']
  const data = Array.from({ length: 5 }, () => [Number(r.float(-3, 3).toFixed(4)), Number(r.float(0, 1).toFixed(4)), r.int(0, 20)])
  return { example: pyJson({ columns, data }), serving: pyJson({ dataframe_split: { columns, data } }) }
}

/** The files of the run's `model/` folder, as mlflow.sklearn.log_model(..., input_example=...) lays them out. */
export function modelFolder(world: World, run: RunSkel): Array<[string, string | Buffer]> {
  const m = modelInfo(world, run)
  const example = inputExample(world, run)
  const mlmodel = [
    'artifact_path: model',
    'flavors:',
    '  python_function:',
    '    env:',
    '      conda: conda.yaml',
    '      virtualenv: python_env.yaml',
    '    loader_module: mlflow.sklearn',
    '    model_path: model.pkl',
    '    predict_fn: predict',
    `    python_version: ${PYTHON_VERSION}`,
    '  sklearn:',
    '    code: null',
    '    pickled_model: model.pkl',
    '    serialization_format: cloudpickle',
    '    sklearn_version: 1.5.1',
    `mlflow_version: ${MLFLOW_VERSION}`,
    `model_size_bytes: ${m.pickle.length}`,
    `model_uuid: ${m.uuid}`,
    `run_id: ${run.id}`,
    'saved_input_example_info:',
    '  artifact_path: input_example.json',
    '  pandas_orient: split',
    '  serving_input_path: serving_input_example.json',
    '  type: dataframe',
    'signature:',
    `  inputs: '${SIGNATURE_INPUTS}'`,
    `  outputs: '[{"type": "long", "required": true}]'`,
    '  params: null',
    `utc_time_created: '${pyUtc(m.created)}'`,
    '',
  ].join('\n')
  const conda = [
    'channels:',
    '- conda-forge',
    'dependencies:',
    `- python=${PYTHON_VERSION}`,
    '- pip<=24.0',
    '- pip:',
    ...REQUIREMENTS.map((x) => `  - ${x}`),
    'name: mlflow-env',
    '',
  ].join('\n')
  const pythonEnv = [
    `python: ${PYTHON_VERSION}`,
    'build_dependencies:',
    '- pip==24.0',
    '- setuptools==70.0.0',
    '- wheel==0.43.0',
    'dependencies:',
    '- -r requirements.txt',
    '',
  ].join('\n')
  return [
    ['model/MLmodel', mlmodel],
    ['model/conda.yaml', conda],
    ['model/python_env.yaml', pythonEnv],
    ['model/requirements.txt', REQUIREMENTS.join('\n') + '\n'],
    ['model/input_example.json', example.example],
    ['model/serving_input_example.json', example.serving],
    ['model/model.pkl', m.pickle],
  ]
}

/** MLmodel of an MLflow 3 logged model (models/<model_id>/artifacts/MLmodel). */
export function loggedModelMlmodel(modelId: string, location: string, created: number, runId: string | null): string {
  return [
    `artifact_path: ${location}`,
    'flavors: {}',
    'is_signature_from_type_hint: false',
    'metadata:',
    `  mlflow.model.isExternal: ${runId ? 'false' : 'true'}`,
    'mlflow_version: 3.5.2',
    `model_id: ${modelId}`,
    `model_uuid: ${modelId}`,
    'prompts: null',
    ...(runId ? [`run_id: ${runId}`] : []),
    'signature:',
    `  inputs: '[{"type": "string", "required": true}]'`,
    `  outputs: '[{"type": "string", "required": true}]'`,
    '  params: null',
    'type_hint_from_example: false',
    `utc_time_created: '${pyUtc(created)}'`,
    '',
  ].join('\n')
}
