/**
 * The JSON envelope every API answer comes in, as a test reads it off the wire (HTTP body or
 * a handler's result): `data` is whatever the test goes on to check.
 */
export type Envelope = { ok: boolean; data: any; error?: { code: string; message: string; details?: Record<string, unknown> } }
