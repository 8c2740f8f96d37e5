import { onBeforeUnmount, onMounted } from 'vue'
import { parseFindRef } from '@shared/find/findRef'
import { useOpenFound } from './useOpenFound'
import { isTextField, overlayOpen } from './useShortcuts'

/**
 * A run id, trace id, logged model id, runs:/ or models:/ URI (or a link of MLflow's UI) pasted
 * anywhere outside a text field opens what it names. Other pastes are left alone.
 */
export function usePasteToOpen(): void {
  const { openText } = useOpenFound()
  const onPaste = (e: ClipboardEvent) => {
    if (isTextField(e.target) || overlayOpen()) return
    const text = e.clipboardData?.getData('text/plain') ?? ''
    if (!parseFindRef(text)) return
    e.preventDefault()
    void openText(text.trim())
  }
  onMounted(() => document.addEventListener('paste', onPaste))
  onBeforeUnmount(() => document.removeEventListener('paste', onPaste))
}
