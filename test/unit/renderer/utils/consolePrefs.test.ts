import { describe, expect, it } from 'vitest'
import { CONSOLE_PREFS_KEY, defaultConsolePrefs, loadConsolePrefs, saveConsolePrefs } from '@/utils/consolePrefs'

function memory(): Storage {
  const m = new Map<string, string>()
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
    key: () => null,
    get length() {
      return m.size
    },
  }
}

describe('console preferences', () => {
  it('what is saved comes back (wrap, the side tab)', () => {
    const s = memory()
    expect(loadConsolePrefs(s)).toEqual(defaultConsolePrefs())
    saveConsolePrefs(s, { wrap: true, side: 'tables' })
    expect(loadConsolePrefs(s)).toEqual({ wrap: true, side: 'tables' })
  })

  it('anything not ours falls back to the default, field by field', () => {
    const s = memory()
    s.setItem(CONSOLE_PREFS_KEY, '{not json')
    expect(loadConsolePrefs(s)).toEqual(defaultConsolePrefs())
    s.setItem(CONSOLE_PREFS_KEY, JSON.stringify({ wrap: 'yes', side: 'tables' }))
    expect(loadConsolePrefs(s)).toEqual({ wrap: false, side: 'tables' })
    s.setItem(CONSOLE_PREFS_KEY, JSON.stringify({ wrap: true, side: 'elsewhere' }))
    expect(loadConsolePrefs(s)).toEqual({ wrap: true, side: 'history' })
  })
})
