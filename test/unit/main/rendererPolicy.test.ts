import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { GRANTED_PERMISSIONS, isSafeExternalUrl, isTrustedRendererUrl, navigationDecision, permissionAllowed } from '../../../electron/main/rendererPolicy'

// The two renderer URLs the app has: electron-vite's dev server, and the built index.html.
const DEV = 'http://localhost:5173'
const BUILT = 'file:///opt/MLflow%20Desk/resources/app.asar/out/renderer/index.html'

describe('the trusted renderer: exact origins, not prefixes', () => {
  it('dev server: the same origin exactly, any path, query or hash', () => {
    for (const url of [DEV, `${DEV}/`, `${DEV}/#/experiments?profile=p1`, `${DEV}/index.html?x=1`, 'http://LOCALHOST:5173/'])
      expect(isTrustedRendererUrl(url, DEV), url).toBe(true)
  })

  it('dev server: look-alikes that a prefix test let through are refused', () => {
    for (const url of [
      'http://localhost:5173.evil.example/',
      'http://localhost:51730/',
      'http://localhost:5173@evil.example/',
      'http://user:pw@localhost:5173/',
      'https://localhost:5173/',
      'http://127.0.0.1:5173/',
      'http://localhost/',
      'ws://localhost:5173/',
      'not a url',
      '',
    ]) {
      expect(isTrustedRendererUrl(url, DEV), url).toBe(false)
    }
  })

  it('built app: that index.html exactly (with the router’s hash and query), no other file', () => {
    expect(isTrustedRendererUrl(BUILT, BUILT)).toBe(true)
    expect(isTrustedRendererUrl(`${BUILT}#/runs?experiment=1`, BUILT)).toBe(true)
    expect(isTrustedRendererUrl('file:///opt/MLflow Desk/resources/app.asar/out/renderer/index.html', BUILT)).toBe(true)
    for (const url of [
      `${BUILT}.evil/`,
      `${BUILT}x`,
      'file:///opt/MLflow%20Desk/resources/app.asar/out/renderer/other.html',
      'file:///tmp/index.html',
      'file://evil-host/opt/MLflow%20Desk/resources/app.asar/out/renderer/index.html',
      'http://localhost:5173/',
    ]) {
      expect(isTrustedRendererUrl(url, BUILT), url).toBe(false)
    }
  })
})

describe('navigation and redirects (will-navigate, will-redirect)', () => {
  it('our page stays; https goes to the browser; anything else is blocked', () => {
    expect(navigationDecision(`${DEV}/#/models`, DEV)).toBe('allow')
    expect(navigationDecision('https://mlflow.org/docs', DEV)).toBe('open-external')
    expect(navigationDecision('http://localhost:5173.evil.example/', DEV)).toBe('block')
    expect(navigationDecision('file:///etc/passwd', BUILT)).toBe('block')
    expect(navigationDecision('javascript:alert(1)', BUILT)).toBe('block')
    expect(navigationDecision('http://example.com/', BUILT)).toBe('block')
  })

  it('only https links leave the app', () => {
    expect(isSafeExternalUrl('https://example.com')).toBe(true)
    for (const url of ['http://example.com', 'file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)', 'mailto:a@b.c', 'nonsense'])
      expect(isSafeExternalUrl(url), url).toBe(false)
  })
})

describe('permissions: only what the app uses, only for our page', () => {
  it('grants writing to the clipboard (the copy buttons) to our page', () => {
    expect([...GRANTED_PERMISSIONS]).toEqual(['clipboard-sanitized-write'])
    expect(permissionAllowed('clipboard-sanitized-write', `${DEV}/#/query`, DEV)).toBe(true)
    expect(permissionAllowed('clipboard-sanitized-write', `${BUILT}#/query`, BUILT)).toBe(true)
  })

  it('denies it to any other page, and when the asker is unknown', () => {
    expect(permissionAllowed('clipboard-sanitized-write', 'http://localhost:5173.evil.example/', DEV)).toBe(false)
    expect(permissionAllowed('clipboard-sanitized-write', 'https://example.com/', DEV)).toBe(false)
    expect(permissionAllowed('clipboard-sanitized-write', undefined, DEV)).toBe(false)
    expect(permissionAllowed('clipboard-sanitized-write', '', DEV)).toBe(false)
  })

  it('denies every other permission Electron knows, even to our page', () => {
    const others = [
      'clipboard-read',
      'media',
      'geolocation',
      'notifications',
      'midi',
      'midiSysex',
      'pointerLock',
      'fullscreen',
      'openExternal',
      'display-capture',
      'hid',
      'serial',
      'usb',
      'idle-detection',
      'storage-access',
      'window-management',
      'fileSystem',
      'local-fonts',
      'unknown',
    ]
    for (const p of others) expect(permissionAllowed(p, `${DEV}/`, DEV), p).toBe(false)
  })
})

describe('the Electron glue uses these decisions (electron/main cannot run here: its source is checked)', () => {
  const source = (f: string) => readFileSync(join(__dirname, '../../../electron/main', f), 'utf8')

  it('window.ts guards will-navigate and will-redirect alike, refuses <webview>, and trusts by rendererPolicy', () => {
    const w = source('window.ts')
    expect(w).toMatch(/on\('will-navigate', \(event, url\) => guardNavigation\(event, url\)\)/)
    expect(w).toMatch(/on\('will-redirect', \(event, url\) => guardNavigation\(event, url\)\)/)
    expect(w).toMatch(/on\('will-attach-webview', \(event\) => event\.preventDefault\(\)\)/)
    expect(w).toMatch(/setPermissionRequestHandler\([\s\S]{0,160}?permissionAllowed\(/)
    expect(w).toMatch(/setPermissionCheckHandler\([\s\S]{0,160}?permissionAllowed\(/)
    expect(w).not.toMatch(/startsWith\(/)
  })

  it('index.ts restricts the session’s permissions before the first window opens', () => {
    const i = source('index.ts')
    const restrict = i.indexOf('restrictPermissions(session.defaultSession)')
    expect(restrict).toBeGreaterThan(0)
    expect(restrict).toBeLessThan(i.indexOf('openWindow()', restrict))
  })
})
