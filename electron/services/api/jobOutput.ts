import { join } from 'node:path'
import type { ExportProgress } from '@shared/domain/exports'
import { exportsDir } from '../config/appPaths'
import { uniquePath } from '../export/destination'
import type { AppContext, CallContext } from './handlerTypes'

/** Where a download or export goes: the user's choice in the desktop app, else <app data>/exports (never over anything). */
export async function destination(ctx: AppContext, call: CallContext, name: string, kind: 'file' | 'folder', resume = false): Promise<string | null> {
  if (call.chooseDestination) return call.chooseDestination(name, kind)
  const dir = exportsDir(ctx.home)
  return resume ? join(dir, name) : uniquePath(dir, name)
}

/** A job's progress, as the export:progress event the jobs panel follows. */
export function jobProgress(ctx: AppContext, jobId: string): (p: ExportProgress) => void {
  return (p) => ctx.events.emit('export:progress', { job_id: jobId, progress: p })
}
