import { join } from 'node:path'
import { BrowserWindow, shell } from 'electron'

/** https links open in the user's browser; nothing else leaves the app. */
export function safeOpenExternal(url: string): void {
  try {
    if (new URL(url).protocol === 'https:') void shell.openExternal(url)
  } catch {
    // Not a URL: ignore.
  }
}

export function rendererUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? `file://${join(__dirname, '../renderer/index.html')}`
}

export function isTrustedRendererUrl(url: string): boolean {
  const base = rendererUrl()
  return url === base || url.startsWith(base.split('#')[0].split('?')[0])
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
  win.webContents.on('will-navigate', (event, url) => {
    if (!isTrustedRendererUrl(url)) {
      event.preventDefault()
      safeOpenExternal(url)
    }
  })
  const hash = profileId ? `/experiments?profile=${encodeURIComponent(profileId)}` : undefined
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL + (hash ? `#${hash}` : ''))
  else void win.loadFile(join(__dirname, '../renderer/index.html'), hash ? { hash } : undefined)
  return win
}
