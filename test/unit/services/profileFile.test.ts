import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  MAX_PROFILES_NESTING,
  firstInvalidUtf8,
  readProfilesFile,
  tooDeep,
  writeProfilesFile,
  type ProfilesFileData,
} from '../../../electron/services/profiles/profileFile'
import { ProfileService } from '../../../electron/services/profiles/profileService'
import { aesGcmCipher } from '../../../electron/services/profiles/secretCipher'

async function dir() {
  return mkdtemp(join(tmpdir(), 'desk-profiles-'))
}

const data: ProfilesFileData = { version: 1, last_used: null, profiles: [] }

describe('the profiles file', () => {
  it('is written atomically, private (0600), with the previous version kept as .bak', async () => {
    const d = await dir()
    const file = join(d, 'profiles.json')
    await writeProfilesFile(file, data)
    await writeProfilesFile(file, { ...data, last_used: 'x' })
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(`${file}.bak`, 'utf8')).last_used).toBeNull()
    expect(readdirSync(d).filter((f) => f.endsWith('.tmp'))).toEqual([])
    expect((await readProfilesFile(file)).last_used).toBe('x')
  })

  it('a missing file is an empty list', async () => {
    expect((await readProfilesFile(join(await dir(), 'none.json'))).profiles).toEqual([])
  })

  it('broken JSON: an error naming the line, the file untouched, a copy kept', async () => {
    const d = await dir()
    const file = join(d, 'profiles.json')
    const text = '{\n  "version": 1,\n  "profiles": [\n    { "name": "x" ,, }\n  ]\n}\n'
    writeFileSync(file, text)
    const err = await readProfilesFile(file).catch((e) => e)
    expect(err).toMatchObject({ code: 'PROFILES_FILE_INVALID', details: { line: 4 } })
    expect(err.message).toMatch(/profiles\.json, line 4, column \d+: not valid JSON/)
    expect(readFileSync(file, 'utf8')).toBe(text)
    const backups = readdirSync(d).filter((f) => f.includes('.unreadable-'))
    expect(backups).toHaveLength(1)
    expect(readFileSync(join(d, backups[0]), 'utf8')).toBe(text)
  })

  it('a hand-edited field of the wrong type: the line and the field are named', async () => {
    const d = await dir()
    const file = join(d, 'profiles.json')
    const svc = new ProfileService(d, aesGcmCipher(Buffer.alloc(32, 3), 'k'))
    await svc.save({ settings: { name: 'a', host: 'h', database: 'db', user: 'u' } })
    await svc.save({ settings: { name: 'b', host: 'h', database: 'db', user: 'u' } })
    const lines = readFileSync(file, 'utf8').split('\n')
    const portLine = lines.findIndex((l, i) => l.includes('"port"') && i > lines.findIndex((x) => x.includes('"name": "b"')))
    lines[portLine] = lines[portLine].replace(/\d+/, '"fifty"')
    writeFileSync(file, lines.join('\n'))
    await expect(svc.list()).rejects.toMatchObject({
      code: 'PROFILES_FILE_INVALID',
      details: { line: portLine + 1 },
      message: expect.stringContaining('profiles.1.port'),
    })
    // Nothing is written over a file that could not be read.
    await expect(svc.save({ settings: { name: 'c', host: 'h', database: 'db', user: 'u' } })).rejects.toMatchObject({ code: 'PROFILES_FILE_INVALID' })
    expect(readFileSync(file, 'utf8')).toContain('"fifty"')
  })

  it('comments in a hand-edited file are accepted, and fields from a newer version survive a save', async () => {
    const d = await dir()
    const file = join(d, 'profiles.json')
    writeFileSync(
      file,
      `{ // edited by hand
  "version": 1, "future_setting": {"x": 1},
  "profiles": [{ "id": "p1", "created_at": 1, "updated_at": 1, "name": "n", "host": "h", "database": "d", "user": "u", "secrets": {}, "colour_theme": "teal" }]
}`,
    )
    const svc = new ProfileService(d, aesGcmCipher(Buffer.alloc(32, 3), 'k'))
    await svc.save({ id: 'p1', settings: { name: 'renamed', host: 'h', database: 'd', user: 'u' } })
    const saved = JSON.parse(readFileSync(file, 'utf8'))
    expect(saved.future_setting).toEqual({ x: 1 })
    expect(saved.profiles[0]).toMatchObject({ name: 'renamed', colour_theme: 'teal' })
  })

  it('two profiles with one id are an error, not a silent merge', async () => {
    const d = await dir()
    const file = join(d, 'profiles.json')
    const p = (name: string) => ({ id: 'same', created_at: 1, updated_at: 1, name, host: 'h', database: 'd', user: 'u', secrets: {} })
    writeFileSync(file, JSON.stringify({ version: 1, profiles: [p('a'), p('b')] }, null, 2))
    await expect(readProfilesFile(file)).rejects.toMatchObject({
      code: 'PROFILES_FILE_INVALID',
      message: expect.stringContaining('two profiles have the id "same"'),
    })
    expect(existsSync(file)).toBe(true)
  })
})

describe('the profiles file, when it cannot be read', () => {
  const good = '{\n  "version": 1,\n  "profiles": []\n}\n'

  it('invalid UTF-8 is an error naming the line and column (not silently replaced and written back)', async () => {
    const d = await dir()
    const file = join(d, 'profiles.json')
    const bytes = Buffer.concat([Buffer.from('{\n  "version": 1,\n  "last_used": "caf'), Buffer.from([0xe9]), Buffer.from('",\n  "profiles": []\n}\n')])
    writeFileSync(file, bytes)
    const err = await readProfilesFile(file).catch((e) => e)
    expect(err).toMatchObject({ code: 'PROFILES_FILE_INVALID', details: { line: 3 } })
    expect(err.message).toMatch(/profiles\.json, line 3, column 20: not valid UTF-8 \(byte 0xe9\)/)
    expect(readFileSync(file)).toEqual(bytes)
    // Overlong forms, surrogates and a cut sequence are refused too; real multi-byte text is fine.
    for (const bad of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
    ])
      expect(firstInvalidUtf8(Buffer.from(bad)), String(bad)).toBe(0)
    expect(firstInvalidUtf8(Buffer.from('é€😀 ok', 'utf8'))).toBe(-1)
  })

  it('nesting far past a profiles file is an error naming the line, not a stack overflow', async () => {
    const d = await dir()
    const file = join(d, 'profiles.json')
    writeFileSync(file, '{\n  "version": 1,\n  "x":\n' + '['.repeat(200_000) + ']'.repeat(200_000) + '\n}\n')
    const err = await readProfilesFile(file).catch((e) => e)
    expect(err).toMatchObject({ code: 'PROFILES_FILE_INVALID', details: { line: 4 } })
    expect(err.message).toMatch(new RegExp(`line 4, column ${MAX_PROFILES_NESTING}: nested more than ${MAX_PROFILES_NESTING} levels deep`))
    // Brackets inside strings and comments do not count.
    expect(tooDeep('{"a": "[[[[[[[[", /* {{{{{{{ */ "b": [1] // [[[[[\n}', 3)).toBe(-1)
  })

  it('is kept aside once, however often it is read, and a new copy only when its content changes', async () => {
    const d = await dir()
    const file = join(d, 'profiles.json')
    writeFileSync(file, '{ "version": 1,, }')
    for (let i = 0; i < 5; i++) await expect(readProfilesFile(file)).rejects.toMatchObject({ code: 'PROFILES_FILE_INVALID' })
    expect(readdirSync(d).filter((f) => f.includes('.unreadable-'))).toHaveLength(1)
    writeFileSync(file, '{ "version": 1,,, }')
    await expect(readProfilesFile(file)).rejects.toMatchObject({ message: expect.stringMatching(/a copy is in .*profiles\.json\.unreadable-[0-9a-f]{12}\)/) })
    expect(readdirSync(d).filter((f) => f.includes('.unreadable-'))).toHaveLength(2)
    expect(readdirSync(d).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('a byte order mark from a Windows editor is read past', async () => {
    const d = await dir()
    const file = join(d, 'profiles.json')
    writeFileSync(file, '\uFEFF' + good)
    expect((await readProfilesFile(file)).profiles).toEqual([])
  })
})
