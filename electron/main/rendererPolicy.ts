/**
 * What the app's windows may do, as pure decisions (no `electron` import), so
 * they are unit-tested where no Electron binary runs. window.ts and index.ts
 * only wire them to Electron's events.
 */

/**
 * Permissions the renderer uses: writing text to the clipboard (the copy
 * buttons, navigator.clipboard.writeText). Everything else — camera,
 * microphone, geolocation, notifications, MIDI, HID/serial/USB, screen capture,
 * reading the clipboard, opening external protocols, fullscreen, pointer lock,
 * idle detection, storage access, window management, ... — is denied.
 */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write'])

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/**
 * Is `url` our own page? `rendererUrl` is the dev server (http://localhost:5173:
 * the same origin exactly, any path) or the built index.html (file://: that
 * file exactly; query and hash are the router's). A prefix test would trust
 * http://localhost:5173.evil.example or file:///…/index.html.evil/.
 */
export function isTrustedRendererUrl(url: string, rendererUrl: string): boolean {
  const u = parse(url)
  const base = parse(rendererUrl)
  if (!u || !base) return false
  if (base.protocol === 'file:') return u.protocol === 'file:' && u.host === base.host && u.pathname === base.pathname
  if (base.protocol !== 'http:' && base.protocol !== 'https:') return false
  // URL.origin is scheme://host:port with default ports dropped and the host lower-cased.
  return u.origin === base.origin && u.username === '' && u.password === ''
}

/** Only https links leave the app, to the user's browser. */
export function isSafeExternalUrl(url: string): boolean {
  return parse(url)?.protocol === 'https:'
}

/**
 * A navigation or a redirect of a window (will-navigate, will-redirect): stay
 * when it is our page, else stop it, and offer https links to the browser.
 */
export function navigationDecision(url: string, rendererUrl: string): 'allow' | 'open-external' | 'block' {
  if (isTrustedRendererUrl(url, rendererUrl)) return 'allow'
  return isSafeExternalUrl(url) ? 'open-external' : 'block'
}

/**
 * A permission request or check (session.setPermissionRequestHandler /
 * setPermissionCheckHandler): granted only for a permission the app uses,
 * asked by our own page. `requestingUrl` is the frame that asks (Electron's
 * details.requestingUrl), else the window's URL.
 */
export function permissionAllowed(permission: string, requestingUrl: string | null | undefined, rendererUrl: string): boolean {
  return GRANTED_PERMISSIONS.has(permission) && !!requestingUrl && isTrustedRendererUrl(requestingUrl, rendererUrl)
}
