import type { AppInfo, Channel, ChannelResponse, ParsedRequest } from '@shared/api/contract'
import type { Session } from '../session'
import { listExperimentsWithStats } from '../tracking/experiments'
import { getRun, searchRuns } from '../tracking/runs'

/** One async function per channel, typed from the contract. */
export type Handlers = { [C in Channel]: (req: ParsedRequest<C>) => Promise<ChannelResponse<C>> }

export interface HandlerContext {
  session: Session
  app: Omit<AppInfo, 'transport'>
  transport: AppInfo['transport']
}

/** Plain functions over Electron-free services; every transport serves these. */
export function createHandlers(ctx: HandlerContext): Handlers {
  const { session } = ctx
  return {
    'app:info': async () => ({ ...ctx.app, transport: ctx.transport }),
    'session:describe': () => session.describe(),
    'experiments:list': async (req) => ({ experiments: await listExperimentsWithStats(await session.store(), req.view) }),
    'runs:search': async (req) => searchRuns(await session.store(), req),
    'runs:get': async (req) => ({ run: await getRun(await session.store(), req.run_id) }),
  }
}
