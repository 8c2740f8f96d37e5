import { app, BrowserWindow } from 'electron'
import { createHandlers } from '../services/api/handlers'
import { APP_INFO } from '../services/appInfo'
import { appHome } from '../services/config/appPaths'
import { resolveStoreSource } from '../services/connections/storeSource'
import { Session } from '../services/session'
import { registerIpc } from './ipc'
import { createMainWindow, isTrustedRendererUrl } from './window'

/**
 * App lifecycle only: every piece of real work lives in electron/services,
 * which knows nothing of Electron and is tested without it.
 */
const resolved = resolveStoreSource({}, { env: process.env, home: appHome(), demoByDefault: true })
const session = new Session(resolved.source)

if (!app.requestSingleInstanceLock()) app.quit()

app.on('second-instance', () => {
  const [win] = BrowserWindow.getAllWindows()
  if (win) {
    if (win.isMinimized()) win.restore()
    win.focus()
  }
})

app.whenReady().then(() => {
  registerIpc(createHandlers({ session, app: APP_INFO, transport: 'ipc' }), isTrustedRendererUrl)
  createMainWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

let cleaned = false
app.on('before-quit', (event) => {
  if (cleaned) return
  event.preventDefault()
  cleaned = true
  void session
    .close()
    .then(() => resolved.dispose())
    .finally(() => app.quit())
})
