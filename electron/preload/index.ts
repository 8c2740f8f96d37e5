import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { EVENTS, eventChannel, isChannel, type EventName } from '../../shared/api/channelNames'
import type { DeskBridge } from './bridge'

/**
 * The only thing the renderer gets from Electron: invoke a contract channel,
 * listen to a contract event. Sandboxed, context-isolated; unknown names are refused here too.
 */
const bridge: DeskBridge = {
  invoke(channel, request) {
    if (!isChannel(channel)) return Promise.reject(new Error(`Unknown API channel "${String(channel)}"`))
    return ipcRenderer.invoke(channel, request)
  },
  on(event, listener) {
    if (!(EVENTS as readonly string[]).includes(event)) throw new Error(`Unknown event "${String(event)}"`)
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload)
    ipcRenderer.on(eventChannel(event as EventName), wrapped)
    return () => ipcRenderer.removeListener(eventChannel(event as EventName), wrapped)
  },
}

contextBridge.exposeInMainWorld('mlflowDesk', bridge)
