import { onBeforeUnmount, onMounted } from 'vue'
import { parseFindRef } from '@shared/find/findRef'
import { useOpenFound } from './useOpenFound'

/** Is the paste going into something the user types in (an input, the SQL editor)? Then it is theirs. */
function intoTextField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || !!el.closest?.('[contenteditable="true"]'))
}

/**
 * A run id, trace id, logged model id, runs:/ or models:/ URI (or a link of MLflow's UI) pasted
 * anywhere outside a text field opens what it names. Other pastes are left alone.
 */
export function usePasteToOpen(): void {
  const { openText } = useOpenFound()
  const onPaste = (e: ClipboardEvent) => {
    if (intoTextField(e.target) || document.querySelector('[aria-modal="true"]')) return
    const text = e.clipboardData?.getData('text/plain') ?? ''
    if (!parseFindRef(text)) return
    e.preventDefault()
    void openText(text.trim())
  }
  onMounted(() => document.addEventListener('paste', onPaste))
  onBeforeUnmount(() => document.removeEventListener('paste', onPaste))
}
