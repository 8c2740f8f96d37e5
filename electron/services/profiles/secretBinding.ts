import { createHash } from 'node:crypto'
import type { SecretName } from '@shared/api/profileSchemas'
import { SECRET_LABELS, secretTarget } from '@shared/domain/secretTargets'
import type { ProfileSettings } from '@shared/domain/profiles'
import { registerSecret } from '../security/redact'
import type { SealedSecret, SecretCipher } from './secretCipher'

/**
 * A sealed secret carries the target it was saved for, inside the sealed bytes:
 *
 *   plaintext = "\0mlflow-desk:bound:1\0" + JSON {t: sha256(target key), d: target in words, v: secret}
 *
 * so that editing the profiles file by hand (another host, another port) cannot send
 * a secret elsewhere: the binding can be neither read nor forged without the key.
 * Secrets sealed before binding existed hold the bare secret; no real secret starts
 * with a NUL (PostgreSQL's protocol cannot even carry one), so the two never mix up.
 */
const MAGIC = '\u0000mlflow-desk:bound:1\u0000'

export interface Binding {
  /** sha256 of the target's canonical key, hex. */
  hash: string
  /** The target in words, for messages. */
  description: string
}

export function bindingFor(
  name: SecretName,
  settings: Pick<ProfileSettings, 'host' | 'port' | 'database' | 'user' | 'ssh' | 'artifact_store' | 'password_source'>,
): Binding {
  const t = secretTarget(name, settings)
  return { hash: createHash('sha256').update(t.key).digest('hex'), description: t.description }
}

export function sealBound(cipher: SecretCipher, value: string, binding: Binding): SealedSecret {
  registerSecret(value)
  return cipher.seal(MAGIC + JSON.stringify({ t: binding.hash, d: binding.description, v: value }))
}

export interface OpenedSecret {
  value: string
  /** Null for a secret sealed before secrets were bound (it is bound on first use). */
  binding: Binding | null
  /** Sealed by another scheme than the cipher seals with now (e.g. the key file, now that the keychain is used). */
  foreign: boolean
}

export function openBound(cipher: SecretCipher, sealed: SealedSecret): OpenedSecret {
  const plain = cipher.open(sealed)
  const foreign = sealed.enc !== cipher.scheme
  if (!plain.startsWith(MAGIC)) {
    registerSecret(plain)
    return { value: plain, binding: null, foreign }
  }
  const doc = JSON.parse(plain.slice(MAGIC.length)) as { t: string; d: string; v: string }
  registerSecret(doc.v)
  return { value: doc.v, binding: { hash: doc.t, description: doc.d }, foreign }
}

export interface Mismatch {
  name: SecretName
  /** What the secret was saved (or given) for. */
  savedFor: string
  /** Where it would go now. */
  now: string
}

export function describeMismatches(ms: Mismatch[]): string {
  if (ms.length === 1) return `it was saved for ${ms[0]!.savedFor}, and this profile would now send it to ${ms[0]!.now}`
  return ms.map((m) => `the ${SECRET_LABELS[m.name]} was saved for ${m.savedFor}, not ${m.now}`).join('; ')
}
