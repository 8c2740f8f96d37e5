import yaml from 'js-yaml'
import { AppError } from '@shared/api/errors'
import type { KeyValue } from '@shared/domain/mlflow'
import type { InputExampleInfo, MLmodelInfo, ModelFlavor, ModelSignature, SignatureField, SignatureParam } from '@shared/domain/models'

/**
 * MLflow's MLmodel file (YAML, written by yaml.safe_dump) read into what a person
 * wants to see: flavors, the signature (whose inputs/outputs/params MLflow stores as
 * JSON text inside the YAML), where the input example is, when and by which MLflow.
 * Every MLflow from 1.x to 3.x writes the same keys; those a version lacks read as null.
 */

export type Dict = Record<string, unknown>

/** A YAML/JSON mapping (not a list, not null). */
export const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v)
const text = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v))
const asText = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'null'))

/** A naive UTC datetime as MLflow writes it ('2025-01-31 12:34:56.789000') as epoch ms; null when it is not one. */
export function utcTimeMs(v: unknown): number | null {
  if (typeof v !== 'string') return null
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(v.trim())
  if (!m) return null
  const ms = Date.parse(`${m[1]}T${m[2]}.${(m[3] ?? '0').padEnd(3, '0').slice(0, 3)}${m[4] ?? 'Z'}`)
  return Number.isFinite(ms) ? ms : null
}

const finiteNumber = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/** One type of MLflow's schema JSON, readable: tensors with dtype and shape, arrays, objects and maps nested. */
export function typeText(spec: unknown): string {
  if (typeof spec === 'string') return spec
  if (!isDict(spec)) return asText(spec)
  const type = spec.type
  if (type === 'tensor') {
    const t = isDict(spec['tensor-spec']) ? spec['tensor-spec'] : {}
    const shape = Array.isArray(t.shape) ? ` [${t.shape.join(', ')}]` : ''
    return `tensor<${typeof t.dtype === 'string' ? t.dtype : '?'}>${shape}`
  }
  if (type === 'array') return `array<${typeText(spec.items)}>`
  if (type === 'map') return `map<string, ${typeText(spec.values)}>`
  if (type === 'object' && isDict(spec.properties)) {
    const fields = Object.entries(spec.properties).map(([k, p]) => `${k}${isDict(p) && p.required === false ? '?' : ''}: ${typeText(p)}`)
    return `object{${fields.join(', ')}}`
  }
  return typeof type === 'string' ? type : asText(spec)
}

/** A signature part: MLflow keeps it as a JSON string in the YAML (a list of column or tensor specs). */
function specList(raw: unknown, where: string): unknown[] | null {
  if (raw === null || raw === undefined) return null
  let parsed: unknown = raw
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw)
    } catch {
      throw new AppError('INVALID_ARTIFACT', `The MLmodel's signature.${where} is not valid JSON: ${raw.slice(0, 80)}${raw.length > 80 ? '…' : ''}`)
    }
  }
  if (!Array.isArray(parsed)) throw new AppError('INVALID_ARTIFACT', `The MLmodel's signature.${where} is not a list of columns or tensors.`)
  return parsed
}

function fields(raw: unknown, where: string): SignatureField[] | null {
  return (
    specList(raw, where)?.map((s) => ({
      name: isDict(s) && typeof s.name === 'string' ? s.name : null,
      type: typeText(s),
      required: !(isDict(s) && s.required === false),
    })) ?? null
  )
}

function params(raw: unknown): SignatureParam[] | null {
  return (
    specList(raw, 'params')?.map((s) => {
      const d = isDict(s) ? s : {}
      return {
        name: typeof d.name === 'string' ? d.name : '?',
        type: typeText(d.type),
        default: d.default === undefined ? null : JSON.stringify(d.default),
        shape: d.shape === null || d.shape === undefined ? null : JSON.stringify(d.shape),
      }
    }) ?? null
  )
}

function signature(raw: unknown): ModelSignature | null {
  if (!isDict(raw)) return null
  const sig = { inputs: fields(raw.inputs, 'inputs'), outputs: fields(raw.outputs, 'outputs'), params: params(raw.params) }
  return sig.inputs || sig.outputs || sig.params ? sig : null
}

const keyValues = (d: unknown): KeyValue[] => (isDict(d) ? Object.entries(d).map(([key, v]) => ({ key, value: asText(v) })) : [])

function flavors(raw: unknown): ModelFlavor[] {
  if (!isDict(raw)) return []
  return Object.entries(raw).map(([name, settings]) => ({ name, settings: keyValues(settings) }))
}

function inputExample(raw: unknown): InputExampleInfo | null {
  if (!isDict(raw) || typeof raw.artifact_path !== 'string' || !raw.artifact_path) return null
  const { artifact_path, type, ...rest } = raw
  return { artifact_path, type: text(type), details: keyValues(rest) }
}

/**
 * Read an MLmodel's text. `where` names the file in errors (its location).
 * Not YAML, or YAML that is not a mapping: INVALID_ARTIFACT naming the file and the line.
 */
export function parseMLmodel(source: string, where: string): MLmodelInfo {
  let doc: unknown
  try {
    // CORE_SCHEMA: no YAML timestamps or other types beyond JSON's, as MLflow's safe_dump writes.
    doc = yaml.load(source, { schema: yaml.CORE_SCHEMA, json: true })
  } catch (e) {
    const mark = e instanceof yaml.YAMLException && e.mark ? ` (line ${e.mark.line + 1}, column ${e.mark.column + 1})` : ''
    const reason = e instanceof yaml.YAMLException ? e.reason : String(e)
    throw new AppError('INVALID_ARTIFACT', `The MLmodel file in ${where} is not valid YAML${mark}: ${reason}.`)
  }
  if (!isDict(doc)) throw new AppError('INVALID_ARTIFACT', `The MLmodel file in ${where} is not a YAML mapping of model fields.`)
  try {
    return {
      artifact_path: text(doc.artifact_path),
      run_id: text(doc.run_id),
      model_uuid: text(doc.model_uuid ?? doc.model_id),
      model_id: text(doc.model_id),
      mlflow_version: text(doc.mlflow_version),
      created_ms: utcTimeMs(doc.utc_time_created),
      model_size_bytes: finiteNumber(doc.model_size_bytes),
      flavors: flavors(doc.flavors),
      signature: signature(doc.signature),
      input_example: inputExample(doc.saved_input_example_info),
      metadata: keyValues(doc.metadata),
    }
  } catch (e) {
    if (e instanceof AppError) throw new AppError(e.code, `${e.message} (in ${where})`)
    throw e
  }
}
