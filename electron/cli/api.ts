import type { Command } from 'commander'
import type { Channel, ChannelRequest, ChannelResponse } from '@shared/api/contract'
import { AppError, isAppError, type AppErrorPayload } from '@shared/api/errors'
import { dispatch } from '../services/api/dispatch'
import type { EventHub } from '../services/api/events'
import type { CallContext } from '../services/api/handlerTypes'
import { CLI_SESSION, createAppContext, createCliAppContext, type CliAppSetup } from '../services/appContext'
import type { SecretStorage } from '../services/profiles/secretStorage'
import { CommandExit } from './exitCode'
import type { CliIO } from './io'
import { cliProfiles, cliSecretStorageFor, storeChoice } from './storeOptions'

/** One command's road to the API: the same dispatch as IPC and HTTP, in the command's session. */
export interface CliApi {
  /** Dispatch one request; a failed call throws the error its envelope carries. */
  call<C extends Channel>(channel: C, body: ChannelRequest<C>): Promise<ChannelResponse<C>>
  /** The pushes handlers emit (export progress), as a window would receive them. */
  events: EventHub
}

/** What the desktop app asks with a dialog, the command line says with options (--out). */
export interface CliDestinations {
  chooseDestination?: CallContext['chooseDestination']
  chooseExportPath?: CallContext['chooseExportPath']
}

/** An error envelope as the error the command ends with (the same message and exit code as before the CLI went through dispatch). */
function envelopeError(e: AppErrorPayload): AppError {
  // dispatch says "Unexpected error: ..." for what no service named; a terminal has always shown the cause alone.
  const message = e.code === 'INTERNAL' ? e.message.replace(/^Unexpected error: /, '') : e.message
  return new AppError(e.code, message, e.details)
}

/**
 * Run a command's calls with a CLI CallContext: its session's store is the command's --url,
 * --profile or MLFLOW_TRACKING_URI (opened on the first call that needs it, closed at the end).
 * The first Ctrl-C aborts the call's signal, so the server work stops (PostgreSQL gets a cancel
 * request); the command then exits 130 ("Cancelled."). A second Ctrl-C exits at once (io.ts).
 */
export async function withApi<T>(cmd: Command, io: CliIO, fn: (api: CliApi) => Promise<T>, where: CliDestinations = {}): Promise<T> {
  const setup = await createCliAppContext({
    home: io.home,
    env: io.env,
    choice: storeChoice(cmd),
    savedProfiles: () => cliProfiles(io),
    onProgress: (m) => io.err(m),
  })
  return callThrough(io, setup, fn, where)
}

/**
 * The profiles commands' road: the app's own workspace of profiles (the saved ones, the demo,
 * MLFLOW_TRACKING_URI), sealed and opened with the CLI's secret storage, as the desktop app has
 * it; no store is opened unless a call needs one (profiles test).
 */
export async function withProfilesApi<T>(io: CliIO, fn: (api: CliApi, storage: SecretStorage) => Promise<T>): Promise<T> {
  const storage = await cliSecretStorageFor(io)
  const app = await createAppContext({
    home: io.home,
    env: io.env,
    cipher: storage.cipher,
    secretStorageWarning: storage.warning,
    choice: {},
    transport: 'cli',
    onProgress: (m) => io.err(m),
  })
  const setup: CliAppSetup = { ...app, window: await app.workspace.window(CLI_SESSION), dispose: () => app.workspace.dispose() }
  return callThrough(io, setup, (api) => fn(api, storage))
}

/** Dispatch a command's calls in its session, Ctrl-C aborting them, and close what they opened. */
async function callThrough<T>(io: CliIO, setup: CliAppSetup, fn: (api: CliApi) => Promise<T>, where: CliDestinations = {}): Promise<T> {
  const controller = new AbortController()
  const stopListening = io.onInterrupt?.(() => controller.abort())
  const call: CallContext = {
    window: setup.window,
    signal: controller.signal,
    history: false,
    openWindow: async () => {
      throw new AppError('BAD_REQUEST', 'The command line opens no windows: run mlflow-desk start --profile NAME for the app.')
    },
    ...where,
  }
  const api: CliApi = {
    events: setup.events,
    async call(channel, body) {
      const answer = await dispatch(setup.handlers, channel, body, call)
      if (!answer.ok) throw envelopeError(answer.error)
      return answer.data as ChannelResponse<typeof channel>
    },
  }
  try {
    return await fn(api)
  } catch (e) {
    if (!controller.signal.aborted || (isAppError(e) && e.code === 'CANCELLED')) throw e
    io.err('Cancelled.')
    throw new CommandExit(130)
  } finally {
    stopListening?.()
    await setup.dispose()
  }
}
