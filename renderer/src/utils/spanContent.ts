import type { MlflowSpan, MlflowSpanEvent } from '@shared/domain/traces'

/**
 * What a span's detail shows, read out of MLflow's span JSON: its inputs and outputs
 * (mlflow.spanInputs / mlflow.spanOutputs), recognised as a chat conversation (OpenAI-style
 * `messages`, `choices[].message`, tool calls), retrieved documents (LangChain's Document:
 * page_content + metadata.doc_uri / score) or left as JSON; its other attributes; its exceptions.
 */

/** Attribute values are JSON-encoded (`"\"CHAT_MODEL\""`); one that is not JSON is its text. */
export function decodeAttr(v: unknown): unknown {
  if (typeof v !== 'string') return v
  try {
    return JSON.parse(v)
  } catch {
    return v
  }
}

export const INPUTS_KEY = 'mlflow.spanInputs'
export const OUTPUTS_KEY = 'mlflow.spanOutputs'
/** Attributes every MLflow span carries that the detail shows elsewhere (or that say nothing). */
const SHOWN_ELSEWHERE = new Set([INPUTS_KEY, OUTPUTS_KEY, 'mlflow.traceRequestId', 'mlflow.spanType'])

export function spanInputs(span: MlflowSpan): unknown {
  return decodeAttr(span.attributes[INPUTS_KEY])
}
export function spanOutputs(span: MlflowSpan): unknown {
  return decodeAttr(span.attributes[OUTPUTS_KEY])
}

/** The span's other attributes, decoded, by key. */
export function otherAttributes(span: MlflowSpan): Array<[string, unknown]> {
  return Object.entries(span.attributes)
    .filter(([k]) => !SHOWN_ELSEWHERE.has(k))
    .map(([k, v]): [string, unknown] => [k, decodeAttr(v)])
    .sort(([a], [b]) => a.localeCompare(b))
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

export interface ToolCall {
  id: string | null
  name: string
  /** The arguments, parsed when they are JSON (OpenAI sends them as a JSON string). */
  arguments: unknown
}

export interface ChatMessage {
  role: string
  /** The text (parts of a multi-part content joined); null when the message has none (only tool calls). */
  content: string | null
  name: string | null
  tool_calls: ToolCall[]
  /** On a role "tool" message: the call it answers. */
  tool_call_id: string | null
}

function text(content: unknown): string | null {
  if (content === null || content === undefined) return null
  if (typeof content === 'string') return content
  if (Array.isArray(content)) {
    const parts = content.map((p) => (typeof p === 'string' ? p : isObject(p) && typeof p.text === 'string' ? p.text : JSON.stringify(p)))
    return parts.join('\n')
  }
  return JSON.stringify(content, null, 2)
}

function toolCall(v: unknown): ToolCall | null {
  if (!isObject(v)) return null
  const fn = isObject(v.function) ? v.function : v
  if (typeof fn.name !== 'string') return null
  const args = fn.arguments ?? fn.input ?? fn.args
  return { id: typeof v.id === 'string' ? v.id : null, name: fn.name, arguments: typeof args === 'string' ? decodeAttr(args) : (args ?? null) }
}

function message(v: unknown): ChatMessage | null {
  if (!isObject(v) || typeof v.role !== 'string') return null
  if (!('content' in v) && !Array.isArray(v.tool_calls)) return null
  return {
    role: v.role,
    content: text(v.content),
    name: typeof v.name === 'string' ? v.name : null,
    tool_calls: Array.isArray(v.tool_calls) ? v.tool_calls.map(toolCall).filter((c): c is ToolCall => c !== null) : [],
    tool_call_id: typeof v.tool_call_id === 'string' ? v.tool_call_id : null,
  }
}

function messageList(v: unknown): ChatMessage[] | null {
  if (!Array.isArray(v) || !v.length) return null
  const list = v.map(message)
  return list.every((m): m is ChatMessage => m !== null) ? list : null
}

/**
 * The chat messages a value holds, or null when it is no conversation: a list of messages,
 * `{messages: [...]}` (a chat request, or an agent's history), `{choices: [{message}]}` (a chat
 * completion), or one message.
 */
export function chatMessages(value: unknown): ChatMessage[] | null {
  const list = messageList(value)
  if (list) return list
  if (!isObject(value)) return null
  const inner = messageList(value.messages)
  if (inner) return inner
  if (Array.isArray(value.choices) && value.choices.length) {
    const choices = value.choices.map((c) => (isObject(c) ? message(c.message ?? c.delta) : null))
    if (choices.every((m): m is ChatMessage => m !== null)) return choices
  }
  const one = message(value)
  return one ? [one] : null
}

export interface RetrievedDocument {
  content: string
  uri: string | null
  score: number | null
  id: string | null
  metadata: Record<string, unknown>
}

function document(v: unknown): RetrievedDocument | null {
  if (!isObject(v)) return null
  const content = v.page_content ?? v.content
  if (typeof content !== 'string') return null
  const metadata = isObject(v.metadata) ? v.metadata : {}
  const uri = metadata.doc_uri ?? metadata.source ?? v.doc_uri
  const score = metadata.score ?? v.score
  const id = v.id ?? metadata.chunk_id
  return {
    content,
    uri: typeof uri === 'string' ? uri : null,
    score: typeof score === 'number' ? score : null,
    id: typeof id === 'string' ? id : null,
    metadata,
  }
}

/** Retrieved documents (a RETRIEVER's output: a list of {page_content, metadata}), or null when the value is not that. */
export function retrievedDocuments(value: unknown): RetrievedDocument[] | null {
  const list = Array.isArray(value) ? value : isObject(value) && Array.isArray(value.documents) ? value.documents : null
  if (!list?.length) return null
  const docs = list.map(document)
  return docs.every((d): d is RetrievedDocument => d !== null) ? docs : null
}

/** How the detail shows a value: as a conversation, as document cards, or as JSON. */
export type ValueView =
  { kind: 'chat'; messages: ChatMessage[] } | { kind: 'documents'; documents: RetrievedDocument[] } | { kind: 'json'; value: unknown } | { kind: 'none' }

export function valueView(value: unknown): ValueView {
  if (value === undefined || value === null) return { kind: 'none' }
  const messages = chatMessages(value)
  if (messages) return { kind: 'chat', messages }
  const documents = retrievedDocuments(value)
  if (documents) return { kind: 'documents', documents }
  return { kind: 'json', value }
}

export interface SpanException {
  type: string
  message: string
  stacktrace: string | null
  time_unix_nano: string
}

/** The span's exception events (OpenTelemetry's `exception` event: exception.type, .message, .stacktrace). */
export function spanExceptions(events: readonly MlflowSpanEvent[]): SpanException[] {
  return events
    .filter((e) => e.name === 'exception')
    .map((e) => {
      const a = e.attributes
      const str = (k: string) => (typeof a[k] === 'string' ? (a[k] as string) : a[k] === undefined ? null : JSON.stringify(a[k]))
      return {
        type: str('exception.type') ?? 'Exception',
        message: str('exception.message') ?? '',
        stacktrace: str('exception.stacktrace'),
        time_unix_nano: e.time_unix_nano,
      }
    })
}

/** The span's other events (not exceptions). */
export function otherEvents(events: readonly MlflowSpanEvent[]): MlflowSpanEvent[] {
  return events.filter((e) => e.name !== 'exception')
}
