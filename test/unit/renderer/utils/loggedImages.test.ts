import { describe, expect, it } from 'vitest'
import type { ArtifactFile } from '@shared/domain/artifacts'
import { imageAtStep, imageSteps, otherImages, parseLoggedImage, stepImagesByKey } from '@/utils/loggedImages'

const file = (path: string): ArtifactFile => ({ path, is_dir: false, file_size: 10 })

describe('logged images', () => {
  it('reads the names mlflow.log_image writes, and nothing else', () => {
    expect(parseLoggedImage('sample#pred%step%12%timestamp%1717000000123%h1b2c3d4-aaaa-bbbb-cccc-123456789abc.png')).toEqual({
      key: 'sample/pred',
      step: 12,
      timestamp: 1717000000123,
      id: 'h1b2c3d4-aaaa-bbbb-cccc-123456789abc',
      compressed: false,
    })
    expect(parseLoggedImage('cat%step%-3%timestamp%5%gid%compressed.webp')).toMatchObject({ key: 'cat', step: -3, compressed: true })
    expect(parseLoggedImage('cat+step+7+timestamp+5+gid+compressed.webp')).toMatchObject({ key: 'cat', step: 7, compressed: true })
    expect(parseLoggedImage('loss.png')).toBeNull()
    expect(parseLoggedImage('cat%step%x%timestamp%5%gid.png')).toBeNull()
    expect(parseLoggedImage('cat%step%1+timestamp+5%gid.png')).toBeNull()
  })

  const files = [
    file('images/b%step%0%timestamp%10%g1.png'),
    file('images/b%step%0%timestamp%10%g1%compressed.webp'),
    file('images/a%step%5%timestamp%30%g3.png'),
    file('images/a%step%0%timestamp%20%g2%compressed.webp'),
    file('images/a%step%5%timestamp%31%g4.png'),
    file('images/notes.txt'),
    { path: 'images/sub', is_dir: true, file_size: null },
  ]

  it('pairs each image with its compressed copy, by key and step', () => {
    const byKey = stepImagesByKey(files)
    expect([...byKey.keys()]).toEqual(['a', 'b'])
    expect(byKey.get('b')).toEqual([
      { key: 'b', step: 0, timestamp: 10, path: 'images/b%step%0%timestamp%10%g1.png', thumbPath: 'images/b%step%0%timestamp%10%g1%compressed.webp' },
    ])
    // A thumbnail alone stands in for its image; two images at one step stay in time order.
    expect(byKey.get('a')!.map((i) => [i.step, i.timestamp, i.path === i.thumbPath])).toEqual([
      [0, 20, true],
      [5, 30, true],
      [5, 31, true],
    ])
    expect(imageSteps(byKey)).toEqual([0, 5])
  })

  it('shows at a step its image, else the nearest before, else the first after', () => {
    const a = stepImagesByKey(files).get('a')!
    expect(imageAtStep(a, 5)?.timestamp).toBe(31)
    expect(imageAtStep(a, 3)?.step).toBe(0)
    expect(imageAtStep(a, 99)?.timestamp).toBe(31)
    expect(imageAtStep(a, -1)?.step).toBe(0)
    expect(imageAtStep([], 0)).toBeNull()
  })

  it('lists other image artifacts apart from the step images', () => {
    expect(otherImages([...files, file('plots/roc.PNG'), file('plots/cm.svg'), file('model/MLmodel')]).map((f) => f.path)).toEqual([
      'plots/roc.PNG',
      'plots/cm.svg',
    ])
  })
})
