import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/**
 * This module's folder and the ones above it. Where it lives depends on how it
 * runs: out/main (the CLI bundle), out/main/chunks (a lazily loaded command's
 * chunk), electron/cli (from source, in the tests).
 */
function ancestors(levels = 4): string[] {
  const out = [resolve(__dirname)]
  for (let i = 0; i < levels; i++) out.push(dirname(out[out.length - 1]))
  return out
}

/** The built renderer: out/renderer, found from wherever this code runs (or MLFLOW_DESK_RENDERER_DIR). */
export function rendererDir(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.MLFLOW_DESK_RENDERER_DIR, ...ancestors().flatMap((d) => [join(d, 'renderer'), join(d, 'out/renderer')])]
  return resolve(candidates.find((c): c is string => !!c && existsSync(join(c, 'index.html'))) ?? join(appRoot(), 'out/renderer'))
}

/** The project root (where package.json's "main" points into out/main). */
export function appRoot(): string {
  return ancestors().find((c) => existsSync(join(c, 'package.json')) && existsSync(join(c, 'out/main/index.js'))) ?? resolve(__dirname, '../..')
}

/**
 * The Electron executable, if this machine has one. Electron 45's npm package
 * downloads its binary lazily on first launch, which cannot work offline, so
 * we look for it without calling require('electron').
 */
export function electronBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  try {
    const dir = dirname(require.resolve('electron/package.json'))
    const pathFile = join(dir, 'path.txt')
    const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : ''
    const full = env.ELECTRON_OVERRIDE_DIST_PATH ? join(env.ELECTRON_OVERRIDE_DIST_PATH, rel || 'electron') : rel ? join(dir, 'dist', rel) : ''
    return full && existsSync(full) ? full : null
  } catch {
    return null
  }
}

/** Linux without X11 or Wayland cannot show a window even with the binary. */
export function hasDisplay(env: NodeJS.ProcessEnv = process.env, platform = process.platform): boolean {
  return platform !== 'linux' || !!(env.DISPLAY || env.WAYLAND_DISPLAY)
}
