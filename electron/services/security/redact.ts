/**
 * The last line of defence for "secrets never reach a log or an error message":
 * every secret the process handles is registered here, and every message that
 * leaves the services (errors, logs) goes through redact().
 */
const secrets = new Set<string>()

/** Register a secret value (a password, a key). Short values are ignored: they would mangle text. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 4) secrets.add(value)
}

export function redact(text: string): string {
  let out = text
  for (const s of secrets) {
    if (out.includes(s)) out = out.split(s).join('***')
  }
  // Passwords inside connection URIs, whether registered or not.
  return out.replace(/(postgres(?:ql)?(?:\+\w+)?:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@')
}
