import { describe, expect, it } from 'vitest'
import type { DedicatedConnection } from '../../../electron/services/connections/storeConnection'
import { toStoreError } from '../../../electron/services/connections/pgErrors'
import { connectionLoss, toQueryError } from '../../../electron/services/query/queryErrors'

/** Only toError is used: the store's translation of driver errors. */
const conn = { toError: (e: unknown) => toStoreError(e, 'u@h:5432/db') } as unknown as DedicatedConnection
const pgError = (fields: Record<string, string>) => Object.assign(new Error(fields.message), fields)

describe('console failures: a closed connection is said as such, not as the statement refused', () => {
  it.each([
    [
      'pg_terminate_backend / shutdown (57P01, FATAL)',
      { code: '57P01', severity: 'FATAL', message: 'terminating connection due to administrator command' },
      /administrator command: the server is shutting down, or an administrator ended this session/,
    ],
    [
      'another backend crashed (57P02)',
      { code: '57P02', severity: 'FATAL', message: 'terminating connection because of crash of another server process' },
      /recovering from a crash/,
    ],
    [
      'starting up or shutting down (57P03)',
      { code: '57P03', severity: 'FATAL', message: 'the database system is shutting down' },
      /starting up or shutting down/,
    ],
    ['connection exception (08006)', { code: '08006', severity: 'ERROR', message: 'connection failure' }, /connection failure/],
    [
      'any FATAL (idle session timeout, 57P05)',
      { code: '57P05', severity: 'FATAL', message: 'terminating connection due to idle-session timeout' },
      /idle-session timeout/,
    ],
  ])('%s', (_what, fields, reason) => {
    const err = toQueryError(pgError(fields), conn)
    expect(err.code).toBe('CONNECTION_LOST')
    expect(err.message).toMatch(/^The server closed the connection \(/)
    expect(err.message).toMatch(reason)
    expect(err.message).toMatch(/reconnecting/)
    expect(err.message).not.toMatch(/refused the statement/)
  })

  it("node-postgres's own words for a socket that closed under a query", () => {
    for (const e of [
      new Error('Connection terminated unexpectedly'),
      new Error('Connection terminated'),
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      new Error('Client has encountered a connection error and is not queryable'),
    ]) {
      expect(toQueryError(e, conn).code, e.message).toBe('CONNECTION_LOST')
    }
  })

  it('a statement the server refuses is still QUERY_FAILED with its position; timeouts and cancels keep their codes', () => {
    const sent = { text: 'SELECT nope FROM runs', toOriginal: (i: number) => i }
    expect(toQueryError(pgError({ code: '42703', severity: 'ERROR', message: 'column "nope" does not exist', position: '8' }), conn, sent)).toMatchObject({
      code: 'QUERY_FAILED',
      details: { position: 7 },
    })
    expect(toQueryError(pgError({ code: '57014', severity: 'ERROR', message: 'canceling statement due to statement timeout' }), conn).code).toBe('TIMEOUT')
    expect(toQueryError(pgError({ code: '57014', severity: 'ERROR', message: 'canceling statement due to user request' }), conn).code).toBe('CANCELLED')
    expect(connectionLoss(pgError({ code: '22012', severity: 'ERROR', message: 'division by zero' }))).toBeNull()
  })
})
