import { describe, expect, it } from 'vitest'
import { decodePageToken, encodePageToken, searchFingerprint } from '../../../electron/services/tracking/pageToken'

describe('page tokens', () => {
  const f = searchFingerprint({ e: [1], s: ['active'] })

  it('round-trip the last row’s key values', () => {
    expect(decodePageToken(encodePageToken([123, 'abc'], f), f)).toEqual({ kind: 'keyset', values: [123, 'abc'] })
  })

  it("accept MLflow's own offset tokens", () => {
    const mlflowToken = Buffer.from(JSON.stringify({ offset: 100 })).toString('base64')
    expect(decodePageToken(mlflowToken, f)).toEqual({ kind: 'offset', offset: 100 })
  })

  it('refuse a token from another search, and garbage, with a typed error', () => {
    const other = encodePageToken([1, 'a'], searchFingerprint({ e: [2] }))
    expect(() => decodePageToken(other, f)).toThrowError(
      expect.objectContaining({ code: 'INVALID_PAGE_TOKEN', message: expect.stringContaining('different search') }),
    )
    expect(() => decodePageToken('%%%not-base64', f)).toThrowError(expect.objectContaining({ code: 'INVALID_PAGE_TOKEN' }))
    expect(decodePageToken(null, f)).toBeNull()
  })
})

describe('tampered page tokens', () => {
  const f = searchFingerprint({ e: [1], s: ['active'] })
  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64')
  const refused = (token: string) =>
    expect(() => decodePageToken(token, f)).toThrowError(expect.objectContaining({ code: 'INVALID_PAGE_TOKEN', details: { field: 'page_token' } }))

  it('JSON that is not an object (null, a number, a string, an array) is INVALID_PAGE_TOKEN, not a TypeError', () => {
    for (const v of ['null', '1', '"x"', '[1,2]', 'true']) refused(b64(v))
  })

  it('an offset that is not a whole number PostgreSQL takes is refused', () => {
    for (const offset of [-1, 1.5, 1e300, 2 ** 53, '10', null, true]) refused(b64({ offset }))
    expect(decodePageToken(b64({ offset: 2 ** 53 - 1 }), f)).toEqual({ kind: 'offset', offset: 2 ** 53 - 1 })
  })

  it('an unknown version, or keys that are not a list, is refused', () => {
    refused(b64({ v: 2, f, k: [] }))
    refused(b64({ v: 1, f, k: 'x' }))
    refused(b64({ f, k: [] }))
  })
})
