import { appHandlers } from './appHandlers'
import type { AppContext, Handlers } from './handlerTypes'
import { artifactsHandlers } from './artifactsHandlers'
import { datasetsHandlers } from './datasetsHandlers'
import { evaluationsHandlers } from './evaluationsHandlers'
import { experimentsHandlers } from './experimentsHandlers'
import { exportHandlers } from './exportHandlers'
import { findHandlers } from './findHandlers'
import { loggedModelsHandlers } from './loggedModelsHandlers'
import { metricsHandlers } from './metricsHandlers'
import { modelsHandlers } from './modelsHandlers'
import { profilesHandlers } from './profilesHandlers'
import { promptsHandlers } from './promptsHandlers'
import { queryHandlers } from './queryHandlers'
import { runsHandlers } from './runsHandlers'
import { sessionHandlers } from './sessionHandlers'
import { tracesHandlers } from './tracesHandlers'
import { windowsHandlers } from './windowsHandlers'

/**
 * Plain functions over Electron-free services; every transport serves these.
 * One file per channel family, named for its prefix: `runs:*` in runsHandlers.ts.
 */
export function createHandlers(ctx: AppContext): Handlers {
  return {
    ...appHandlers(ctx),
    ...sessionHandlers(),
    ...experimentsHandlers(),
    ...runsHandlers(),
    ...tracesHandlers(),
    ...loggedModelsHandlers(),
    ...metricsHandlers(),
    ...modelsHandlers(),
    ...promptsHandlers(),
    ...evaluationsHandlers(),
    ...datasetsHandlers(),
    ...findHandlers(ctx),
    ...artifactsHandlers(ctx),
    ...exportHandlers(ctx),
    ...queryHandlers(ctx),
    ...profilesHandlers(ctx),
    ...windowsHandlers(ctx),
  }
}

export type { AppContext, CallContext, HandlerGroup, Handlers } from './handlerTypes'
