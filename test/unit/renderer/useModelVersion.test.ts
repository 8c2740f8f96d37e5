import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/api/errors'
import type { ModelFilesResponse, ModelVersionResponse } from '@shared/domain/models'
import { useTransport } from '@/api'
import { useModelVersion } from '@/composables/useModelVersion'
import { fakeTransport } from './fakeTransport'

const version = (name: string, v: string) => ({ model_version: { name, version: v }, run: null, sibling_versions: [v] }) as unknown as ModelVersionResponse
const files = (v: string) => ({ location: `file:///m/${v}`, mlmodel: { flavors: [] } }) as unknown as ModelFilesResponse
const tick = () => new Promise((r) => setTimeout(r, 0))

describe('useModelVersion', () => {
  it('reads the version and its files at once; files that fail leave the version readable', async () => {
    const fake = fakeTransport({
      'models:version': ({ name, version: v }) => version(name, String(v)),
      'models:version-files': () => {
        throw new AppError('NOT_FOUND', 'No MLmodel file in /srv/m')
      },
    })
    useTransport(fake.transport)
    const mv = useModelVersion()
    mv.load('m', '2')
    await tick()
    expect(fake.channels()).toEqual(['models:version', 'models:version-files'])
    expect(mv.version.data.value?.model_version.version).toBe('2')
    expect(mv.version.error.value).toBeNull()
    expect((mv.files.error.value as AppError).message).toBe('No MLmodel file in /srv/m')
  })

  it('drops the shown version when another is asked for, and aborts the one still on its way', async () => {
    let release: () => void = () => undefined
    const slow = new Promise<void>((r) => (release = r))
    const fake = fakeTransport({
      'models:version': async ({ name, version: v }) => {
        if (v === '3') await slow
        return version(name, String(v))
      },
      'models:version-files': ({ version: v }) => files(String(v)),
    })
    useTransport(fake.transport)
    const mv = useModelVersion()
    mv.load('m', '1')
    await tick()
    expect(mv.files.data.value?.location).toBe('file:///m/1')
    mv.load('m', '3')
    // Version 1 is not shown under version 3's request.
    expect(mv.version.data.value).toBeUndefined()
    expect(mv.files.data.value).toBeUndefined()
    mv.load('m', '4')
    release()
    await tick()
    await tick()
    expect(mv.version.data.value?.model_version.version).toBe('4')
    expect(fake.aborted()).toContain('models:version')
  })
})
