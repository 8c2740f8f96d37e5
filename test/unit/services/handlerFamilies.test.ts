import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CHANNELS } from '@shared/api/contract'
import type { AppContext } from '../../../electron/services/api/handlers'

const API = join(__dirname, '../../../electron/services/api')

/** Only what building the handler maps touches (nothing is called here). */
const ctx = { workspace: { profiles: {} }, jobs: {}, events: {}, home: '/nonexistent' } as unknown as AppContext

/**
 * Where a handler lives can be guessed: the channel family `runs:*` is served by
 * runsHandlers.ts, and by no other file; every channel of the contract has
 * exactly one handler.
 */
describe('one file per channel family', () => {
  const files = readdirSync(API).filter((f) => /^[a-z][a-zA-Z]*Handlers\.ts$/.test(f))

  it.each(files.map((f) => [f]))('%s serves its own family only', async (file) => {
    const family = file.replace(/Handlers\.ts$/, '')
    const mod = (await import(join(API, file))) as Record<string, (c: AppContext) => Record<string, unknown>>
    const make = mod[`${family}Handlers`]
    expect(make, `${file} exports ${family}Handlers`).toBeTypeOf('function')
    const channels = Object.keys(make(ctx))
    expect(channels.length).toBeGreaterThan(0)
    for (const c of channels) expect(c.split(':')[0], c).toBe(family)
  })

  it('every channel of the contract has a family file, and no family file is missing from the contract', () => {
    const families = new Set(files.map((f) => f.replace(/Handlers\.ts$/, '')))
    expect(new Set(CHANNELS.map((c) => c.split(':')[0]))).toEqual(families)
  })
})
