import { existsSync } from 'node:fs'
import { open, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { findNodeAtLocation, parse, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser'
import { z } from 'zod'
import { AppError } from '@shared/api/errors'
import { SECRET_NAMES, profileSettingsSchema, type SecretName } from '@shared/api/profileSchemas'
import type { ProfileSettings } from '@shared/domain/profiles'
import { writeFileAtomic } from '../config/atomicFile'
import type { SealedSecret } from './secretCipher'

const sealed = z.object({ enc: z.string().min(1), data: z.string() })

/** A profile as stored: settings, ids, times, sealed secrets — and any field a newer version wrote, kept as is. */
const storedProfileSchema = profileSettingsSchema
  .extend({
    id: z.string().min(1).max(64),
    created_at: z.number(),
    updated_at: z.number(),
    secrets: z.object(Object.fromEntries(SECRET_NAMES.map((n) => [n, sealed.optional()]))).passthrough().default({}),
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

/** A copy of the unreadable file beside it: the user's text is never lost, whatever happens next. */
async function keepBackup(file: string, text: string): Promise<string> {
  const backup = `${file}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`
  const fh = await open(backup, 'wx', 0o600)
  try {
    await fh.writeFile(text)
  } finally {
    await fh.close()
  }
  return backup
}

async function invalid(file: string, text: string, offset: number, what: string): Promise<never> {
  const { line, column } = lineCol(text, offset)
  const backup = await keepBackup(file, text)
  throw new AppError(
    'PROFILES_FILE_INVALID',
    `${file}, line ${line}, column ${column}: ${what}. Nothing was changed; fix the file (a copy is in ${backup}) and try again.`,
    { line },
  )
}

/**
 * Read the profiles file (a missing file is an empty one). A file that is not
 * valid JSON, or holds a profile that does not fit the schema, is an error
 * naming the line — never a silent drop of what could not be read.
 */
export async function readProfilesFile(file: string): Promise<ProfilesFileData> {
  if (!existsSync(file)) return { version: 1, last_used: null, profiles: [] }
  const text = await readFile(file, 'utf8')
  const errors: ParseError[] = []
  const raw = parse(text, errors, { allowTrailingComma: true })
  if (errors.length) return invalid(file, text, errors[0].offset, `not valid JSON (${printParseErrorCode(errors[0].error)})`)
  const parsed = fileSchema.safeParse(raw ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const tree = parseTree(text)
    let node = tree && findNodeAtLocation(tree, issue.path as Array<string | number>)
    for (let depth = issue.path.length - 1; !node && tree && depth >= 0; depth--) node = findNodeAtLocation(tree, issue.path.slice(0, depth) as Array<string | number>)
    const where = issue.path.length ? `${issue.path.join('.')}: ` : ''
    return invalid(file, text, node?.offset ?? 0, `${where}${issue.message}`)
  }
  const ids = new Set<string>()
  for (const p of parsed.data.profiles) {
    if (ids.has(p.id)) return invalid(file, text, text.indexOf(`"${p.id}"`, text.indexOf(`"${p.id}"`) + 1), `two profiles have the id "${p.id}"`)
    ids.add(p.id)
  }
  return parsed.data as unknown as ProfilesFileData
}

/** Write atomically (temp file, fsync, rename); the previous version is kept as profiles.json.bak. */
export async function writeProfilesFile(file: string, data: ProfilesFileData): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(data, null, 2) + '\n', { backup: true })
}
