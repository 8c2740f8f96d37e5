import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { BrowserWindow, shell, type Event, type Session } from 'electron'
import { isSafeExternalUrl, isTrustedRendererUrl as trusted, navigationDecision, permissionAllowed } from './rendererPolicy'

/** https links open in the user's browser; nothing else leaves the app. */
export function safeOpenExternal(url: string): void {
  if (isSafeExternalUrl(url)) void shell.openExternal(url)
}

export function rendererUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(__dirname, '../renderer/index.html')).href
}

/** Our own page, by exact origin (dev server) or exact file (build): see rendererPolicy. */
export function isTrustedRendererUrl(url: string): boolean {
  return trusted(url, rendererUrl())
}

/** Permissions: only what the renderer uses, only for our page; every other request and check is denied. */
export function restrictPermissions(session: Session): void {
  session.setPermissionRequestHandler((wc, permission, callback, details) =>
    callback(permissionAllowed(permission, details.requestingUrl || wc.getURL(), rendererUrl())),
  )
  session.setPermissionCheckHandler((wc, permission, _origin, details) => permissionAllowed(permission, details.requestingUrl || wc?.getURL(), rendererUrl()))
}

/** will-navigate and will-redirect: our page only; an https link goes to the browser instead. */
function guardNavigation(event: Event, url: string): void {
  const decision = navigationDecision(url, rendererUrl())
  if (decision === 'allow') return
  event.preventDefault()
  if (decision === 'open-external') safeOpenExternal(url)
}

/** A window; `profileId` opens it on that profile (the renderer switches on load). */
export function createMainWindow(profileId?: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'MLflow Desk',
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  })
  win.once('ready-to-show', () => win.show())
  win.webContents.setWindowOpenHandler(({ url }) => {
    safeOpenExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (event, url) => guardNavigation(event, url))
  // A redirect of an allowed navigation (a server answering 302 elsewhere) is checked the same way.
  win.webContents.on('will-redirect', (event, url) => guardNavigation(event, url))
  // No <webview>: the app has none, and one would bring its own preferences.
  win.webContents.on('will-attach-webview', (event) => event.preventDefault())
  const hash = profileId ? `/experiments?profile=${encodeURIComponent(profileId)}` : undefined
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL + (hash ? `#${hash}` : ''))
  else void win.loadFile(join(__dirname, '../renderer/index.html'), hash ? { hash } : undefined)
  return win
}
