import { contract, isChannel } from '@shared/api/contract'
import { AppError, isAppError, type Envelope } from '@shared/api/errors'
import { ZodError } from 'zod'
import { redact } from '../security/redact'
import type { CallContext, Handlers } from './handlers'

/** "experiment_ids.0: must be a numeric experiment id" — the first problem, named by its field. */
function describeZodError(channel: string, err: ZodError): AppError {
  const issue = err.issues[0]
  const field = issue?.path.join('.') || undefined
  const what = issue?.code === 'unrecognized_keys' ? `unknown field ${(issue as { keys?: string[] }).keys?.map((k) => `"${k}"`).join(', ')}` : issue?.message
  return new AppError('BAD_REQUEST', `${channel}: ${field ? `${field}: ` : ''}${what ?? 'invalid request'}`, field ? { field } : undefined)
}

/** Any thrown value as a payload that is safe to show: typed errors pass, others are redacted. */
export function toErrorEnvelope(e: unknown): Envelope<never> {
  if (isAppError(e)) return { ok: false, error: { ...e.toPayload(), message: redact(e.message) } }
  const message = e instanceof Error ? e.message : String(e)
  return { ok: false, error: { code: 'INTERNAL', message: redact(`Unexpected error: ${message}`) } }
}

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
  if (!parsed.success) return toErrorEnvelope(describeZodError(channel, parsed.error))
  try {
    const handler = handlers[channel] as (req: unknown, call: CallContext) => Promise<unknown>
    return { ok: true, data: await handler(parsed.data, call) }
  } catch (e) {
    // A service that validates further (a profile's settings) names the field as the contract would: a 400, not a 500.
    return toErrorEnvelope(e instanceof ZodError ? describeZodError(channel, e) : e)
  }
}

