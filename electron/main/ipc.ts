import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { CHANNELS, eventChannel, type EventName } from '../../shared/api/channelNames'
import type { EventPayload } from '../../shared/api/contract'
import { dispatch } from '../services/api/dispatch'
import type { CallContext, Handlers } from '../services/api/handlers'

/**
 * Every IPC handler is registered here and only here. A call is answered only
 * from the main frame of our own page (file:// build or the dev server), so an
 * iframe or a navigated-away page cannot reach the API.
 */
export function registerIpc(handlers: Handlers, isTrustedUrl: (url: string) => boolean, callContext: (sender: WebContents) => Promise<Omit<CallContext, 'signal'>>): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, request: unknown) => {
      const frame = event.senderFrame
      if (!frame || frame !== event.sender.mainFrame || !isTrustedUrl(frame.url)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'This frame may not call the API.' } }
      }
      // renderer abort: see ipc cancel (a never-aborted signal until the renderer's cancel is wired)
      return dispatch(handlers, channel, request, { ...(await callContext(event.sender)), signal: new AbortController().signal })
    })
  }
  return () => CHANNELS.forEach((c) => ipcMain.removeHandler(c))
}

export function sendEvent<E extends EventName>(target: WebContents, event: E, payload: EventPayload<E>): void {
  if (!target.isDestroyed()) target.send(eventChannel(event), payload)
}
