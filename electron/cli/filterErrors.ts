import { isAppError } from '@shared/api/errors'
import type { CliIO } from './io'

/** A filter or order_by error also shows the text with a caret under the fault, before the one-line error. */
export async function showWhereFilterFails<T>(io: CliIO, opts: { filter?: string; orderBy: string[] }, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (e) {
    const d = isAppError(e) && e.code === 'INVALID_FILTER' ? e.details : undefined
    const text = d?.field === 'filter' ? opts.filter : d?.field?.startsWith('order_by.') ? opts.orderBy[Number(d.field.slice(9))] : undefined
    if (text !== undefined && d?.position !== undefined) {
      io.err(`  ${text}`)
      io.err(`  ${' '.repeat(d.position)}${'^'.repeat(Math.max(1, d.length ?? 1))}`)
    }
    throw e
  }
}
