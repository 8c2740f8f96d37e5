import { contract, isChannel } from '@shared/api/contract'
import { describeZodError, toErrorEnvelope, type Envelope } from '@shared/api/errors'
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
    // A service that validates further (a profile's settings) names the field as the contract would: a 400, not a 500.
    return toErrorEnvelope(e instanceof ZodError ? describeZodError(channel, e) : e, redact)
  }
}

