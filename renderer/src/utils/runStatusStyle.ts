import type { RunStatus } from '@shared/domain/mlflow'

/** How a run's status is shown: its label and the tone of its tag (naive-ui's tag types). */
export interface RunStatusStyle {
  type: 'success' | 'error' | 'warning' | 'info' | 'default'
  label: string
}

const STYLES: Record<RunStatus, RunStatusStyle> = {
  FINISHED: { type: 'success', label: 'Finished' },
  FAILED: { type: 'error', label: 'Failed' },
  KILLED: { type: 'warning', label: 'Killed' },
  RUNNING: { type: 'info', label: 'Running' },
  SCHEDULED: { type: 'default', label: 'Scheduled' },
}

export function runStatusStyle(status: RunStatus | null | undefined): RunStatusStyle {
  return (status && STYLES[status]) || { type: 'default', label: 'Unknown' }
}
