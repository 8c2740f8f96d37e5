import { contract, isChannel } from '@shared/api/contract'
import { describeZodError, isAppError, toErrorEnvelope, type Envelope } from '@shared/api/errors'
import { ZodError } from 'zod'
import { redact } from '../security/redact'
import type { CallContext, Handlers } from './handlerTypes'

/**
 * The one entry point of every transport: check the channel, validate the
 * request against the contract, run the handler, and wrap the outcome.
 * Never throws: a malformed request is a BAD_REQUEST envelope, not a crash.
 */
export async function dispatch(handlers: Handlers, channel: string, body: unknown, call: CallContext): Promise<Envelope<unknown>> {
  if (!isChannel(channel)) {
    return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `No such API call: "${channel.slice(0, 80)}".` } }
  }
  const parsed = contract[channel].request.safeParse(body ?? {})
  if (!parsed.success) return toErrorEnvelope(describeZodError(channel, parsed.error), redact)
  try {
    const handler = handlers[channel] as (req: unknown, call: CallContext) => Promise<unknown>
    return { ok: true, data: await handler(parsed.data, call) }
  } catch (e) {
    // The caller went away and something stopped with a bare error (a stream's AbortError): that is the cancel, not a crash.
    if (call.signal.aborted && !isAppError(e) && !(e instanceof ZodError))
      return { ok: false, error: { code: 'CANCELLED', message: 'The call was cancelled.' } }
    // A service that validates further (a profile's settings) names the field as the contract would: a 400, not a 500.
    return toErrorEnvelope(e instanceof ZodError ? describeZodError(channel, e) : e, redact)
  }
}
