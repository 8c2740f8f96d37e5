import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { CANCEL_CHANNEL, CHANNELS, eventChannel, type EventName } from '@shared/api/channelNames'
import type { EventPayload } from '@shared/api/contract'
import { dispatch } from '../services/api/dispatch'
import type { CallContext, Handlers } from '../services/api/handlers'
import { IpcCalls } from '../services/api/ipcCalls'

/**
 * Every IPC handler is registered here and only here. A call is answered only
 * from the main frame of our own page (file:// build or the dev server), so an
 * iframe or a navigated-away page cannot reach the API. Each call's CallContext
 * carries a signal that the renderer aborts by CANCEL_CHANNEL with the id it sent
 * along (its own calls only), and that a page reload or close aborts.
 */
export function registerIpc(
  handlers: Handlers,
  isTrustedUrl: (url: string) => boolean,
  callContext: (sender: WebContents) => Promise<Omit<CallContext, 'signal'>>,
): () => void {
  const calls = new IpcCalls()
  const watched = new WeakSet<WebContents>()
  /** A page that goes away (closed, reloaded, navigated) takes its calls with it. */
  const watch = (sender: WebContents): void => {
    if (watched.has(sender)) return
    watched.add(sender)
    const id = sender.id
    sender.once('destroyed', () => calls.cancelAll(id))
    sender.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) calls.cancelAll(id)
    })
  }
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame
    return !!frame && frame === event.sender.mainFrame && isTrustedUrl(frame.url)
  }
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, request: unknown, callId?: unknown) => {
      if (!trusted(event)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'This frame may not call the API.' } }
      }
      // Registered before any await: a cancel sent right after the call finds it.
      watch(event.sender)
      const call = calls.start(event.sender.id, callId)
      try {
        return await dispatch(handlers, channel, request, { ...(await callContext(event.sender)), signal: call.signal })
      } finally {
        call.done()
      }
    })
  }
  ipcMain.handle(CANCEL_CHANNEL, (event: IpcMainInvokeEvent, callId: unknown) => {
    if (trusted(event)) calls.cancel(event.sender.id, callId)
  })
  return () => [...CHANNELS, CANCEL_CHANNEL].forEach((c) => ipcMain.removeHandler(c))
}

export function sendEvent<E extends EventName>(target: WebContents, event: E, payload: EventPayload<E>): void {
  if (!target.isDestroyed()) target.send(eventChannel(event), payload)
}
