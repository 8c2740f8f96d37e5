import type { Component } from 'vue'
import { AlertCircle, ShieldCheckmark, Warning } from '@vicons/ionicons5'
import type { RoleAccessLevel } from '@shared/domain/profiles'

/** How each level of a role's access is shown: read-only role is good, can write a warning, superuser a strong one. */
export const ROLE_LEVELS: Record<RoleAccessLevel, { label: string; title: string; alert: 'success' | 'warning' | 'error'; color: string; icon: Component }> = {
  'read-only': { label: 'Read-only role', title: 'Read-only role', alert: 'success', color: '#18a058', icon: ShieldCheckmark },
  'can-write': { label: 'Can write', title: 'Can write', alert: 'warning', color: '#f0a020', icon: Warning },
  superuser: { label: 'Superuser', title: 'Superuser', alert: 'error', color: '#d03050', icon: AlertCircle },
}
