/**
 * Every renderer -> main call, namespaced `domain:verb`. contract.ts must define
 * exactly these (the compiler checks it); the preload exposes only these.
 * Kept apart from contract.ts so the sandboxed preload does not bundle zod.
 */
export const CHANNELS = [
  'app:info',
  'session:describe',
  'experiments:list',
  'runs:search',
  'runs:get',
  'runs:count',
  'runs:columns',
  'runs:related',
  'traces:search',
  'traces:columns',
  'traces:get',
  'loggedModels:search',
  'loggedModels:get',
  'loggedModels:forRun',
  'traces:sessions',
  'traces:session',
  'traces:overview',
  'metrics:history',
  'metrics:compare',
  'metrics:summary',
  'artifacts:list',
  'artifacts:preview',
  'artifacts:download',
  'export:run',
  'export:cancel',
  'models:list',
  'models:get',
  'models:version',
  'models:version-files',
  'prompts:search',
  'prompts:get',
  'evaluations:list',
  'evaluations:rows',
  'evaluations:compare',
  'datasets:list',
  'datasets:get',
  'find:search',
  'find:resolve',
  'profiles:list',
  'profiles:save',
  'profiles:remove',
  'profiles:test',
  'profiles:switch',
  'profiles:parse-url',
  'profiles:services',
  'profiles:import-service',
  'profiles:export',
  'profiles:import',
  'profiles:trust-host-key',
  'profiles:grant-sql',
  'windows:open',
  'query:check',
  'query:run',
  'query:cancel',
  'query:explain',
  'query:value',
  'query:export',
  'query:schema',
  'query:history',
  'query:history-clear',
  'query:saved-list',
  'query:saved-save',
  'query:saved-delete',
  'query:library',
  'query:tabs-get',
  'query:tabs-save',
] as const

export type Channel = (typeof CHANNELS)[number]

export function isChannel(name: string): name is Channel {
  return (CHANNELS as readonly string[]).includes(name)
}

/**
 * The IPC transport's one message outside the contract: the renderer gave up on
 * a call (by the id it sent with it); main aborts that call's signal.
 */
export const CANCEL_CHANNEL = 'call:cancel'

/** main -> renderer pushes. */
export const EVENTS = ['profiles:changed', 'query:export-progress', 'export:progress'] as const

export type EventName = (typeof EVENTS)[number]

/** The IPC channel an event travels on (main -> renderer). */
export function eventChannel(event: EventName): string {
  return `event:${event}`
}
