import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AppError } from '@shared/api/errors'
import { modelFolder } from '../../../electron/services/demo/generator/modelFiles'
import { parseLogModelHistory } from '../../../electron/services/models/logModelHistory'
import { parseMLmodel, typeText, utcTimeMs } from '../../../electron/services/models/mlmodel'
import { FIXTURES } from '../../helpers/fixtures'

/** Every MLmodel file real MLflow (3.5 and 1.30) wrote into the fixtures' artifacts. */
function fixtureMLmodels(): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (name === 'MLmodel') out.push(p)
    }
  }
  walk(FIXTURES.small.artifacts)
  walk(FIXTURES.old.artifacts)
  return out
}

const failure = (f: () => unknown): AppError => {
  try {
    f()
  } catch (e) {
    return e as AppError
  }
  throw new Error('did not throw')
}

describe('parseMLmodel', () => {
  it('reads every MLmodel real MLflow wrote into the fixtures: run id and artifact path as written, flavors, the signature when there is one', () => {
    const files = fixtureMLmodels()
    expect(files.length).toBeGreaterThanOrEqual(10)
    for (const file of files) {
      const source = readFileSync(file, 'utf8')
      const got = parseMLmodel(source, relative(FIXTURES.small.artifacts, file))
      // The facts the file states, read back line by line (no YAML parser): what the parser must agree with.
      const line = (key: string) => new RegExp(`^${key}: (.*)$`, 'm').exec(source)?.[1] ?? null
      expect(got.artifact_path, file).toBe(line('artifact_path'))
      expect(got.run_id, file).toBe(line('run_id'))
      expect(got.model_id, file).toBe(line('model_id'))
      expect(got.flavors, file).toEqual([]) // these files say `flavors: {}`
      const inputs = /^ {2}inputs: '(.*)'$/m.exec(source)?.[1]
      if (inputs) {
        const specs = JSON.parse(inputs) as Array<{ type: string; name?: string }>
        expect(
          got.signature?.inputs?.map((f) => f.type),
          file,
        ).toEqual(specs.map((s) => s.type))
        expect(got.signature?.params, file).toBeNull()
        expect(got.created_ms, file).toBe(Date.parse(line('utc_time_created')!.replace(/'/g, '').replace(' ', 'T').slice(0, 23) + 'Z'))
      } else expect(got.signature, file).toBeNull()
    }
  })

  it('reads the sklearn model MLflow 2.x lays out: both flavors with their settings in order, the column signature, the input example, sizes and times', () => {
    const [, mlmodel] = modelFolder(
      { seed: 3 } as never,
      { index: 1, id: 'a'.repeat(32), start: Date.UTC(2025, 0, 2), end: Date.UTC(2025, 0, 2, 1) } as never,
    ).find(([p]) => p === 'model/MLmodel')!
    const got = parseMLmodel(String(mlmodel), 'model')
    expect(got.flavors.map((f) => f.name)).toEqual(['python_function', 'sklearn'])
    expect(got.flavors[0].settings).toContainEqual({ key: 'loader_module', value: 'mlflow.sklearn' })
    expect(got.flavors[0].settings).toContainEqual({ key: 'env', value: '{"conda":"conda.yaml","virtualenv":"python_env.yaml"}' })
    expect(got.flavors[1].settings).toContainEqual({ key: 'code', value: 'null' })
    expect(got.signature?.inputs).toEqual([
      { name: 'x1', type: 'double', required: true },
      { name: 'x2', type: 'double', required: true },
      { name: 'x3', type: 'long', required: true },
    ])
    expect(got.signature?.outputs).toEqual([{ name: null, type: 'long', required: true }])
    expect(got.mlflow_version).toBe('2.16.2')
    expect(got.model_size_bytes).toBeGreaterThan(600)
    expect(got.created_ms).toBe(Date.UTC(2025, 0, 2, 0, 59, 55))
    expect(got.input_example).toEqual({
      artifact_path: 'input_example.json',
      type: 'dataframe',
      details: [
        { key: 'pandas_orient', value: 'split' },
        { key: 'serving_input_path', value: 'serving_input_example.json' },
      ],
    })
  })

  it('reads tensor, array, object and map types, optional columns, params and the input example reference', () => {
    const got = parseMLmodel(
      [
        'flavors:',
        '  pytorch: {pytorch_version: 2.1.0}',
        'saved_input_example_info: {artifact_path: input_example.json, type: dataframe, pandas_orient: split}',
        'signature:',
        `  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 28, 28]}}]'`,
        `  outputs: '[{"type": "array", "items": {"type": "string"}, "name": "tokens", "required": false},` +
          ` {"type": "object", "properties": {"role": {"type": "string", "required": true}, "n": {"type": "long", "required": false}}, "name": "msg"},` +
          ` {"type": "map", "values": {"type": "double"}, "name": "scores"}]'`,
        `  params: '[{"name": "temperature", "type": "float", "default": 0.5, "shape": null}, {"name": "stop", "type": "string", "default": ["a"], "shape": [-1]}]'`,
        'metadata: {source: unit}',
      ].join('\n'),
      'x',
    )
    expect(got.signature?.inputs).toEqual([{ name: null, type: 'tensor<float32> [-1, 28, 28]', required: true }])
    expect(got.signature?.outputs).toEqual([
      { name: 'tokens', type: 'array<string>', required: false },
      { name: 'msg', type: 'object{role: string, n?: long}', required: true },
      { name: 'scores', type: 'map<string, double>', required: true },
    ])
    expect(got.signature?.params).toEqual([
      { name: 'temperature', type: 'float', default: '0.5', shape: null },
      { name: 'stop', type: 'string', default: '["a"]', shape: '[-1]' },
    ])
    expect(got.input_example).toEqual({ artifact_path: 'input_example.json', type: 'dataframe', details: [{ key: 'pandas_orient', value: 'split' }] })
    expect(got.metadata).toEqual([{ key: 'source', value: 'unit' }])
    expect(got.flavors).toEqual([{ name: 'pytorch', settings: [{ key: 'pytorch_version', value: '2.1.0' }] }])
  })

  it('refuses what is not an MLmodel with INVALID_ARTIFACT naming the file, the line and the part', () => {
    const yamlError = failure(() => parseMLmodel('flavors:\n  a: [1, 2\nrun_id: x', 's3://b/m'))
    expect(yamlError).toMatchObject({ code: 'INVALID_ARTIFACT' })
    expect(yamlError.message).toMatch(/MLmodel file in s3:\/\/b\/m is not valid YAML \(line \d+, column \d+\)/)
    expect(failure(() => parseMLmodel('- just\n- a list', 'here')).message).toMatch(/in here is not a YAML mapping/)
    const badSig = failure(() => parseMLmodel(`signature:\n  inputs: '[{"type": '`, 'there'))
    expect(badSig).toMatchObject({ code: 'INVALID_ARTIFACT' })
    expect(badSig.message).toMatch(/signature\.inputs is not valid JSON.*\(in there\)/)
    expect(failure(() => parseMLmodel(`signature:\n  outputs: '{"type": "long"}'`, 'y')).message).toMatch(/signature\.outputs is not a list/)
  })

  it('reads YAML as JSON types only: dates stay text, an empty file is refused', () => {
    expect(parseMLmodel('utc_time_created: 2024-05-01 10:00:00\nrun_id: 123', 'f')).toMatchObject({ created_ms: Date.UTC(2024, 4, 1, 10), run_id: '123' })
    expect(failure(() => parseMLmodel('', 'f')).code).toBe('INVALID_ARTIFACT')
  })
})

describe('typeText and utcTimeMs', () => {
  it('say unknown shapes as JSON and unreadable times as null', () => {
    expect(typeText({ type: 'binary' })).toBe('binary')
    expect(typeText({ nothing: 1 })).toBe('{"nothing":1}')
    expect(utcTimeMs('2026-11-26 17:28:33.303084')).toBe(Date.UTC(2026, 10, 26, 17, 28, 33, 303))
    expect(utcTimeMs('yesterday')).toBeNull()
    expect(utcTimeMs(12)).toBeNull()
  })
})

describe('parseLogModelHistory', () => {
  it('lists each log_model call MLflow 2.x recorded, in order, with flavors, time, uuid and size', () => {
    const tag = JSON.stringify([
      {
        run_id: 'r1',
        artifact_path: 'model',
        utc_time_created: '2024-01-02 03:04:05.600000',
        flavors: { python_function: {}, sklearn: {} },
        model_uuid: 'u1',
        mlflow_version: '2.9.2',
        model_size_bytes: 1234,
      },
      { run_id: 'r1', artifact_path: 'nested/model2/', utc_time_created: '2024-01-02 03:05:00.000000', flavors: { pytorch: {} }, model_uuid: 'u2' },
    ])
    expect(parseLogModelHistory(tag)).toEqual({
      problem: null,
      models: [
        {
          artifact_path: 'model',
          flavors: ['python_function', 'sklearn'],
          created_ms: Date.UTC(2024, 0, 2, 3, 4, 5, 600),
          model_uuid: 'u1',
          mlflow_version: '2.9.2',
          model_size_bytes: 1234,
          run_id: 'r1',
        },
        {
          artifact_path: 'nested/model2',
          flavors: ['pytorch'],
          created_ms: Date.UTC(2024, 0, 2, 3, 5),
          model_uuid: 'u2',
          mlflow_version: null,
          model_size_bytes: null,
          run_id: 'r1',
        },
      ],
    })
  })

  it('never fails the run page: no tag is no models, a cut or odd tag says why', () => {
    expect(parseLogModelHistory(null)).toEqual({ models: [], problem: null })
    expect(parseLogModelHistory('[{"artifact_path": "model", "flav')).toMatchObject({
      models: [],
      problem: expect.stringMatching(/not valid JSON \(33 characters\)/),
    })
    expect(parseLogModelHistory('{"artifact_path": "model"}')).toMatchObject({ models: [], problem: expect.stringMatching(/not a JSON list/) })
    const partial = parseLogModelHistory('[{"artifact_path": "m"}, {"flavors": {}}, 3]')
    expect(partial.models.map((m) => m.artifact_path)).toEqual(['m'])
    expect(partial.problem).toMatch(/2 of 3 entries .* name no artifact path/)
  })
})
