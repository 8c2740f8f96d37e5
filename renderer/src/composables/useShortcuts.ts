import { onBeforeUnmount, onMounted } from 'vue'

export interface Shortcut {
  /** e.g. "/", "r", "?", "mod+k" (mod = Ctrl, or Cmd on macOS) */
  keys: string
  run: (e: KeyboardEvent) => void
  /** Also fire while typing in an input. */
  inInputs?: boolean
}

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform)

function matches(e: KeyboardEvent, keys: string): boolean {
  const parts = keys.toLowerCase().split('+')
  const key = parts.pop()!
  const mod = parts.includes('mod')
  if (mod !== (isMac ? e.metaKey : e.ctrlKey)) return false
  if (parts.includes('shift') !== e.shiftKey && key.length > 1) return false
  return e.key.toLowerCase() === key
}

/** Inputs no one types in: a clicked radio button or checkbox keeps the focus, and must not swallow the page's keys. */
const UNTYPED_INPUTS = new Set(['radio', 'checkbox', 'button', 'range'])

/** Something the user types in (an input, a select, the SQL editor): its keys and pastes are theirs. */
export function isTextField(target: EventTarget | null): boolean {
  const t = target as HTMLElement | null
  if (!t) return false
  if (t.tagName === 'INPUT') return !UNTYPED_INPUTS.has((t as HTMLInputElement).type)
  return t.isContentEditable || ['TEXTAREA', 'SELECT'].includes(t.tagName)
}

const typing = (e: KeyboardEvent): boolean => isTextField(e.target)

/** A dialog or drawer is open: a page's own keys (Escape, E, C…) and pastes are its, not the page's. */
export function overlayOpen(): boolean {
  return !!document.querySelector('[aria-modal="true"]')
}

/** Page-level keyboard shortcuts, active while the component is mounted. */
export function useShortcuts(shortcuts: Shortcut[]): void {
  const onKey = (e: KeyboardEvent) => {
    for (const s of shortcuts) {
      if ((s.inInputs || !typing(e)) && matches(e, s.keys)) {
        e.preventDefault()
        s.run(e)
        return
      }
    }
  }
  onMounted(() => window.addEventListener('keydown', onKey))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey))
}

export const modKey = isMac ? '⌘' : 'Ctrl'

/** A detail page's keys: R reloads, Escape and Backspace go up to its list (unless a dialog is open), then the page's own. */
export function useDetailShortcuts(reload: () => void, back: () => void, own: Shortcut[] = []): void {
  useShortcuts([
    { keys: 'r', run: () => overlayOpen() || reload() },
    { keys: 'escape', run: () => overlayOpen() || back() },
    { keys: 'backspace', run: () => overlayOpen() || back() },
    ...own,
  ])
}
