import { contract, type Channel, type ChannelRequest, type ParsedRequest } from '@shared/api/contract'
import { AppError } from '@shared/api/errors'

/**
 * The CLI validates its input with the same contract schemas as the IPC and
 * HTTP transports, naming the offending option in the message.
 */
export function validateRequest<C extends Channel>(channel: C, req: ChannelRequest<C>, optionNames: Record<string, string>): ParsedRequest<C> {
  const parsed = contract[channel].request.safeParse(req)
  if (parsed.success) return parsed.data as ParsedRequest<C>
  const issue = parsed.error.issues[0]
  const field = String(issue?.path[0] ?? '')
  const option = optionNames[field] ?? field
  const index = issue?.path.length > 1 ? ` (item ${Number(issue.path[1]) + 1})` : ''
  throw new AppError('BAD_REQUEST', `${option}${index}: ${issue?.message ?? 'invalid value'}`, { field: option })
}

export function parseIntOption(name: string, value: string | undefined, opts: { signed?: boolean } = {}): number | undefined {
  if (value === undefined) return undefined
  if (!(opts.signed ? /^-?\d+$/ : /^\d+$/).test(value)) throw new AppError('BAD_REQUEST', `${name}: "${value}" is not a whole number.`, { field: name })
  return Number(value)
}

export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}
