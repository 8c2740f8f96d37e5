import { join } from 'node:path'
import { app, BrowserWindow, dialog, session, type WebContents } from 'electron'
import { createAppContext, type AppSetup } from '../services/appContext'
import { appHome } from '../services/config/appPaths'
import { registerIpc, sendEvent } from './ipc'
import { safeStorageCipher } from './safeStorageCipher'
import { createMainWindow, isTrustedRendererUrl, restrictPermissions } from './window'

/**
 * App lifecycle only: every piece of real work lives in electron/services,
 * which knows nothing of Electron and is tested without it.
 */
let setup: AppSetup | null = null

if (!app.requestSingleInstanceLock()) app.quit()

app.on('second-instance', () => {
  const [win] = BrowserWindow.getAllWindows()
  if (win) {
    if (win.isMinimized()) win.restore()
    win.focus()
  }
})

function windowKey(wc: WebContents): string {
  return `ipc:${wc.id}`
}

function openWindow(profileId?: string): BrowserWindow {
  const win = createMainWindow(profileId)
  const key = windowKey(win.webContents)
  // A closed window releases its connection (closed if no other window uses it).
  win.webContents.once('destroyed', () => void setup?.workspace.closeWindow(key))
  return win
}

app.whenReady().then(async () => {
  // Before any window loads: permissions the app does not use are denied.
  restrictPermissions(session.defaultSession)
  // safeStorage is usable only once the app is ready.
  const { cipher, warning } = safeStorageCipher()
  setup = await createAppContext({ home: appHome(), env: process.env, cipher, secretStorageWarning: warning, choice: {}, transport: 'ipc' })
  const { workspace, handlers, events } = setup
  events.subscribe((event, payload) => BrowserWindow.getAllWindows().forEach((w) => sendEvent(w.webContents, event, payload)))
  registerIpc(handlers, isTrustedRendererUrl, async (sender) => ({
    window: await workspace.window(windowKey(sender)),
    openWindow: async (profileId) => {
      openWindow(profileId)
      return null
    },
    // Only main decides where an export is written: the user picks it in the OS dialog.
    chooseExportPath: async (fileName, format) => {
      const owner = BrowserWindow.fromWebContents(sender)
      const options = {
        title: 'Export the full result',
        defaultPath: join(app.getPath('downloads'), fileName),
        filters: [format === 'csv' ? { name: 'CSV', extensions: ['csv'] } : { name: 'JSON Lines', extensions: ['jsonl', 'ndjson'] }],
      }
      const r = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options)
      return r.canceled || !r.filePath ? null : r.filePath
    },
    // Downloads and offline exports: a file is saved where the user says; a folder goes inside the folder they pick.
    chooseDestination: async (name, kind) => {
      const owner = BrowserWindow.fromWebContents(sender)
      if (kind === 'file') {
        const options = { title: 'Save the artifact', defaultPath: join(app.getPath('downloads'), name) }
        const r = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options)
        return r.canceled || !r.filePath ? null : r.filePath
      }
      const options = {
        title: `Choose where to put "${name}"`,
        defaultPath: app.getPath('downloads'),
        properties: ['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'>,
      }
      const r = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options)
      return r.canceled || !r.filePaths[0] ? null : join(r.filePaths[0], name)
    },
  }))
  openWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

let cleaned = false
app.on('before-quit', (event) => {
  if (cleaned || !setup) return
  event.preventDefault()
  cleaned = true
  void setup.workspace.dispose().finally(() => app.quit())
})
