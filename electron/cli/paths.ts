import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/**
 * The built renderer: out/renderer beside out/main/cli.js when running the
 * build, or ../../out/renderer when running this file from source (tests).
 */
export function rendererDir(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.MLFLOW_DESK_RENDERER_DIR, join(__dirname, '../renderer'), join(__dirname, '../../out/renderer')]
  return resolve(candidates.find((c): c is string => !!c && existsSync(join(c, 'index.html'))) ?? join(__dirname, '../renderer'))
}

/** The project root (where package.json's "main" points into out/main). */
export function appRoot(): string {
  for (const c of [join(__dirname, '../..'), join(__dirname, '../../..')]) {
    if (existsSync(join(c, 'package.json')) && existsSync(join(c, 'out/main/index.js'))) return resolve(c)
  }
  return resolve(join(__dirname, '../..'))
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
