import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { open, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { findNodeAtLocation, parse, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser'
import { z } from 'zod'
import { AppError } from '@shared/api/errors'
import { SECRET_NAMES, profileSettingsSchema, type SecretName } from '@shared/api/profileSchemas'
import type { ProfileSettings } from '@shared/domain/profiles'
import { writeFileAtomic } from '../config/atomicFile'
import { saveFailed } from '../config/saveErrors'
import type { SealedSecret } from './secretCipher'

const sealed = z.object({ enc: z.string().min(1), data: z.string() })

/** A profile as stored: settings, ids, times, sealed secrets — and any field a newer version wrote, kept as is. */
const storedProfileSchema = profileSettingsSchema
  .extend({
    id: z.string().min(1).max(64),
    created_at: z.number(),
    updated_at: z.number(),
    secrets: z
      .object(Object.fromEntries(SECRET_NAMES.map((n) => [n, sealed.optional()])))
      .passthrough()
      .default({}),
  })
  .passthrough()

const fileSchema = z
  .object({
    version: z.literal(1),
    last_used: z.string().nullable().default(null),
    profiles: z.array(storedProfileSchema).default([]),
  })
  .passthrough()

export type { SecretName }

export interface StoredProfile extends ProfileSettings {
  id: string
  created_at: number
  updated_at: number
  secrets: Partial<Record<SecretName, SealedSecret>>
}

export interface ProfilesFileData {
  version: 1
  last_used: string | null
  profiles: StoredProfile[]
}

export function profilesFilePath(home: string): string {
  return join(home, 'profiles.json')
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return { line, column: offset - before.lastIndexOf('\n') }
}

/** Deeper than this is not a profiles file (ours nests 5 levels); the JSON reader recurses per level. */
export const MAX_PROFILES_NESTING = 64

/** Byte offset of the first byte that is not valid UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]
    if (b < 0x80) {
      i++
      continue
    }
    // Lead byte: how many continuation bytes, and the smallest code point allowed (no overlong forms).
    const [n, min] = b >= 0xc2 && b <= 0xdf ? [1, 0x80] : b >= 0xe0 && b <= 0xef ? [2, 0x800] : b >= 0xf0 && b <= 0xf4 ? [3, 0x10000] : [0, 0]
    if (n === 0 || i + n > bytes.length - 1) return i
    let cp = b & (0x3f >> n)
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k]
      if (c === undefined || (c & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (c & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i
    i += n + 1
  }
  return -1
}

/**
 * Offset where arrays/objects nest deeper than `max`, or -1. Strings and
 * comments (the file may be hand-edited JSONC) do not count.
 */
export function tooDeep(text: string, max: number): number {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      i = end < 0 ? text.length : end + 1
    } else if (c === '[' || c === '{') {
      if (++depth > max) return i
    } else if (c === ']' || c === '}') {
      depth--
    }
  }
  return -1
}

/**
 * A copy of the unreadable file beside it: the user's text is never lost,
 * whatever happens next. Named by its content, so the same broken file read
 * again and again is kept once, not once per read; written whole or not at all.
 */
async function keepBackup(file: string, bytes: Buffer): Promise<string> {
  const backup = `${file}.unreadable-${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`
  if (existsSync(backup)) return backup
  const tmp = `${backup}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    const fh = await open(tmp, 'wx', 0o600)
    try {
      await fh.writeFile(bytes)
    } finally {
      await fh.close()
    }
    await rename(tmp, backup)
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined)
    throw e
  }
  return backup
}

async function invalid(file: string, bytes: Buffer, where: { line: number; column?: number }, what: string): Promise<never> {
  let copy: string
  try {
    copy = `a copy is in ${await keepBackup(file, bytes)}`
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code
    copy = `no copy could be made beside it${code === 'ENOSPC' ? ' (the disk is full)' : code ? ` (${code})` : ''}; the file itself is untouched`
  }
  throw new AppError(
    'PROFILES_FILE_INVALID',
    `${file}, line ${where.line}${where.column !== undefined ? `, column ${where.column}` : ''}: ${what}. Nothing was changed; fix the file (${copy}) and try again.`,
    { line: where.line },
  )
}

/**
 * Read the profiles file (a missing file is an empty one). A file that is not
 * valid UTF-8, nests too deeply, is not valid JSON, or holds a profile that does
 * not fit the schema, is an error naming the line — never a silent drop of what
 * could not be read.
 */
export async function readProfilesFile(file: string): Promise<ProfilesFileData> {
  if (!existsSync(file)) return { version: 1, last_used: null, profiles: [] }
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code
    throw new AppError(
      'PROFILES_FILE_INVALID',
      `${file} cannot be read${code ? ` (${code})` : ''}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : 'the file system refused'}.`,
    )
  }
  const bad = firstInvalidUtf8(bytes)
  if (bad >= 0) {
    const line = bytes.subarray(0, bad).filter((b) => b === 0x0a).length + 1
    const column = bad - (bytes.lastIndexOf(0x0a, bad - 1) + 1) + 1
    return invalid(file, bytes, { line, column }, `not valid UTF-8 (byte 0x${bytes[bad].toString(16).padStart(2, '0')}); save the file as UTF-8`)
  }
  // Editors on Windows may start the file with a byte order mark.
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '')
  const deep = tooDeep(text, MAX_PROFILES_NESTING)
  if (deep >= 0) return invalid(file, bytes, lineCol(text, deep), `nested more than ${MAX_PROFILES_NESTING} levels deep; a profiles file nests a few levels`)
  const errors: ParseError[] = []
  const raw = parse(text, errors, { allowTrailingComma: true })
  if (errors.length) return invalid(file, bytes, lineCol(text, errors[0].offset), `not valid JSON (${printParseErrorCode(errors[0].error)})`)
  const parsed = fileSchema.safeParse(raw ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const tree = parseTree(text)
    let node = tree && findNodeAtLocation(tree, issue.path as Array<string | number>)
    for (let depth = issue.path.length - 1; !node && tree && depth >= 0; depth--)
      node = findNodeAtLocation(tree, issue.path.slice(0, depth) as Array<string | number>)
    const where = issue.path.length ? `${issue.path.join('.')}: ` : ''
    return invalid(file, bytes, lineCol(text, node?.offset ?? 0), `${where}${issue.message}`)
  }
  const ids = new Set<string>()
  for (const p of parsed.data.profiles) {
    if (ids.has(p.id))
      return invalid(file, bytes, lineCol(text, text.indexOf(`"${p.id}"`, text.indexOf(`"${p.id}"`) + 1)), `two profiles have the id "${p.id}"`)
    ids.add(p.id)
  }
  return parsed.data as unknown as ProfilesFileData
}

/**
 * Write atomically (temp file, fsync, rename); the previous version is kept as
 * profiles.json.bak. A failure (a full disk) leaves the file as it was and is
 * WRITE_FAILED naming it.
 */
export async function writeProfilesFile(file: string, data: ProfilesFileData): Promise<void> {
  try {
    await writeFileAtomic(file, JSON.stringify(data, null, 2) + '\n', { backup: true })
  } catch (e) {
    throw saveFailed(e, 'the profiles', file)
  }
}
