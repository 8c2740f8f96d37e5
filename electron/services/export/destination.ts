import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { AppError } from '@shared/api/errors'
import { plainNameProblem } from '@shared/api/exportSchemas'

/**
 * A name the renderer suggests for a file or folder, made safe: a bare name (no folder, no
 * "..", no leading dot, no control or reserved characters). The renderer never chooses where.
 */
export function plainName(name: string, field: string): string {
  const n = name.trim()
  if (plainNameProblem(n) !== null) {
    throw new AppError('BAD_REQUEST', `${field}: "${name.slice(0, 80)}" must be a plain name (no folders, "..", leading dot or any of / \\ : * ? " < > |).`, {
      field,
    })
  }
  return n
}

/** `<dir>/<name>`, or "<stem> (2)<ext>" and so on when taken: nothing is ever written over. */
export async function uniquePath(dir: string, name: string): Promise<string> {
  await mkdir(dir, { recursive: true })
  const ext = extname(name)
  const stem = ext ? name.slice(0, -ext.length) : name
  for (let n = 1; n < 10_000; n++) {
    const candidate = join(dir, n === 1 ? name : `${stem} (${n})${ext}`)
    if (!existsSync(candidate)) return candidate
  }
  throw new AppError('CONFLICT', `Too many exports named "${name}" in ${dir}.`)
}
