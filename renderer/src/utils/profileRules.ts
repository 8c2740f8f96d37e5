import type { FormItemRule, FormRules } from 'naive-ui'
import type { FormSettings } from './profileForm'

/**
 * The profile editor's validation, shown under each field as the user types.
 * The same limits as the contract's schema (shared/api/profileSchemas.ts), so
 * what passes here is what main accepts.
 */
const TRIGGER = ['input', 'blur']

type Test = (v: unknown) => string | null

function check(test: Test): FormItemRule {
  return {
    trigger: TRIGGER,
    validator: (_rule: FormItemRule, v: unknown) => {
      const problem = test(v)
      return problem ? new Error(problem) : true
    },
  }
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '')
const requiredText =
  (message: string, max: number): Test =>
  (v) =>
    !text(v) ? message : text(v).length > max ? `at most ${max} characters` : null
const required = (message: string, max: number) => check(requiredText(message, max))
const portTest =
  (what: string): Test =>
  (v) =>
    v === null || v === undefined || (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535) ? null : `${what} is a number from 1 to 65535`
/** Main reads the file as written: a path starting with ~ would not be found. */

export function profileRules(settings: () => FormSettings): FormRules {
  /** SSH fields count only while the tunnel is on. */
  const ssh = (test: Test) => check((v) => (settings().ssh.enabled ? test(v) : null))
  return {
    name: required('a profile needs a name', 120),
    host: required('the host is empty', 255),
    port: check(portTest('the port')),
    database: required('the database is empty', 255),
    user: required('the user is empty', 255),
    schema: check((v) => (text(v).length > 63 ? 'PostgreSQL names have at most 63 characters' : null)),
    ssh: {
      host: ssh(requiredText('the SSH host is empty', 255)),
      port: ssh(portTest('the SSH port')),
      user: ssh(requiredText('the SSH user is empty', 255)),
      key_path: ssh((v) => (settings().ssh.auth !== 'key' ? null : !text(v) ? 'the private key file is needed for key authentication' : null)),
    },
    statement_timeout_s: check((v) =>
      v === null || v === undefined || ((v as number) >= 1 && (v as number) <= 86_400) ? null : 'from 1 second to 86,400 (a day)',
    ),
  }
}

/** One artifact location row's fields (rows come and go, so their rules sit on the rows). */
export const mappingRules = {
  prefix: required('the server-side prefix is empty', 2000),
  path: required('the local path is empty', 4096),
}
