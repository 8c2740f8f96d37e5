import { describe, expect, it } from 'vitest'
import { stringifyPythonJson } from '@shared/format/pythonJson'
import { toMlflowJson } from '@shared/format/mlflowJson'

describe('Python-style JSON', () => {
  it('writes non-finite numbers as the bare literals Python json reads', () => {
    const text = stringifyPythonJson({ a: NaN, b: [Infinity, -Infinity], c: 'NaN', d: 1.7976931348623157e308 })
    expect(text).toBe('{"a":NaN,"b":[Infinity,-Infinity],"c":"NaN","d":1.7976931348623157e+308}')
  })
})

describe('MLflow REST JSON shape', () => {
  it('drops nulls and empty lists like protobuf JSON, keeps empty strings and zeros', () => {
    expect(
      toMlflowJson({ info: { end_time: null, run_name: '', step: 0 }, data: { params: [], tags: [{ key: 'k', value: '' }] }, inputs: { dataset_inputs: [] } }),
    ).toEqual({
      info: { run_name: '', step: 0 },
      data: { tags: [{ key: 'k', value: '' }] },
    })
  })
})
