import type { ConnectionSummary } from '@shared/api/contract'
import type { ProfileView } from '@shared/domain/profiles'

/** What a profile is, for colour: its environment, or the built-in demo. */
export type EnvKey = ConnectionSummary['environment']

export interface EnvStyle {
  label: string
  /** naive-ui tag type. */
  type: 'success' | 'warning' | 'error' | 'info' | 'default'
  /** The accent for dots, bars and borders. */
  color: string
}

/** Prod must be unmistakable; the demo is clearly a sandbox. */
export const ENV_STYLES: Record<EnvKey, EnvStyle> = {
  demo: { label: 'DEMO', type: 'info', color: '#2080f0' },
  dev: { label: 'DEV', type: 'success', color: '#18a058' },
  staging: { label: 'STAGING', type: 'warning', color: '#f0a020' },
  prod: { label: 'PROD', type: 'error', color: '#d03050' },
  custom: { label: 'CUSTOM', type: 'default', color: '#8a8f98' },
}

export const ENV_OPTIONS = [
  { value: 'dev', label: 'Development', hint: 'green' },
  { value: 'staging', label: 'Staging', hint: 'amber' },
  { value: 'prod', label: 'Production', hint: 'red, with a banner across the app' },
  { value: 'custom', label: 'Other', hint: 'neutral' },
] as const

export function envOf(p: Pick<ProfileView, 'kind' | 'environment'>): EnvKey {
  return p.kind === 'built-in' ? 'demo' : p.environment
}

export function envStyle(p: Pick<ProfileView, 'kind' | 'environment'>): EnvStyle {
  return ENV_STYLES[envOf(p)]
}

/** user@host:port/db, and the SSH hop when there is one. Never a password. */
export function profileAddress(p: Pick<ProfileView, 'user' | 'host' | 'port' | 'database' | 'ssh'>): string {
  return `${p.user}@${p.host}:${p.port}/${p.database}`
}

/** Where the password comes from, in words. */
export function passwordState(p: ProfileView): { label: string; tone: 'ok' | 'muted' | 'warn' } {
  if (p.password_source === 'pgpass') return { label: '~/.pgpass', tone: 'ok' }
  if (p.password_source === 'none') return { label: 'no password', tone: 'muted' }
  return p.secrets.password ? { label: 'password set', tone: 'ok' } : { label: 'password not set', tone: 'warn' }
}
