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
    expect(() => decodePageToken(other, f)).toThrowError(expect.objectContaining({ code: 'INVALID_PAGE_TOKEN', message: expect.stringContaining('different search') }))
    expect(() => decodePageToken('%%%not-base64', f)).toThrowError(expect.objectContaining({ code: 'INVALID_PAGE_TOKEN' }))
    expect(decodePageToken(null, f)).toBeNull()
  })
})
