import { ref, watch, type Ref } from 'vue'
import './rowCursor.css'

/**
 * A keyboard cursor over a list of rows (j/k, arrows): which row Enter acts
 * on. It follows its row when the list changes, and reports moves so the
 * table can scroll the row into view.
 */
export function useRowCursor(keys: Ref<readonly string[]>, onMove?: (index: number) => void) {
  const cursor = ref<string | null>(null)

  function move(step: number) {
    const list = keys.value
    if (!list.length) return
    const at = cursor.value === null ? -1 : list.indexOf(cursor.value)
    const next = at < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, at + step))
    cursor.value = list[next]
    onMove?.(next)
  }

  // The row went away (a new search, a collapsed parent): forget it.
  watch(keys, (list) => {
    if (cursor.value !== null && !list.includes(cursor.value)) cursor.value = null
  })

  return { cursor, move, clear: () => (cursor.value = null) }
}
