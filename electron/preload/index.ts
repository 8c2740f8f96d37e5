import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { CANCEL_CHANNEL, EVENTS, eventChannel, isChannel, type EventName } from '@shared/api/channelNames'
import type { DeskBridge } from './bridge'

/**
 * The only thing the renderer gets from Electron: invoke a contract channel
 * (optionally with a call id), cancel a call by that id, listen to a contract
 * event. Sandboxed, context-isolated; unknown names and malformed ids are refused here too.
 */
const isCallId = (id: unknown): id is number => typeof id === 'number' && Number.isSafeInteger(id) && id > 0

const bridge: DeskBridge = {
  invoke(channel, request, callId) {
    if (!isChannel(channel)) return Promise.reject(new Error(`Unknown API channel "${String(channel)}"`))
    if (callId !== undefined && !isCallId(callId)) return Promise.reject(new Error('A call id is a positive integer.'))
    return callId === undefined ? ipcRenderer.invoke(channel, request) : ipcRenderer.invoke(channel, request, callId)
  },
  cancel(callId) {
    if (isCallId(callId)) void ipcRenderer.invoke(CANCEL_CHANNEL, callId).catch(() => undefined)
  },
  on(event, listener) {
    if (!(EVENTS as readonly string[]).includes(event)) throw new Error(`Unknown event "${String(event)}"`)
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload)
    ipcRenderer.on(eventChannel(event as EventName), wrapped)
    return () => ipcRenderer.removeListener(eventChannel(event as EventName), wrapped)
  },
}

contextBridge.exposeInMainWorld('mlflowDesk', bridge)
