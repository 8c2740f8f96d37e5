/**
 * protobuf's JSON forms of Timestamp and Duration, as MLflow's `MessageToDict` writes them:
 * fractions of 0, 3, 6 or 9 digits.
 */

/** Unix milliseconds as RFC 3339 UTC: "2026-12-07T02:21:23.748Z" ("...:23Z" on a whole second). */
export function timestampJson(ms: number): string {
  const iso = new Date(ms).toISOString()
  return ms % 1000 === 0 ? iso.replace(/\.000Z$/, 'Z') : iso
}

/** Milliseconds as protobuf's Duration: "0.636s", "12s". */
export function durationJson(ms: number): string {
  const whole = Math.trunc(ms / 1000)
  const frac = Math.abs(ms % 1000)
  const sign = ms < 0 && whole === 0 ? '-' : ''
  return frac === 0 ? `${whole}s` : `${sign}${whole}.${String(frac).padStart(3, '0')}s`
}
