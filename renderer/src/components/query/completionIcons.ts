import { h, render, type Component } from 'vue'
import type { Completion } from '@codemirror/autocomplete'
import { AtOutline, CodeSlashOutline, EyeOutline, GridOutline, KeyOutline, PricetagOutline, ReorderFourOutline } from '@vicons/ionicons5'

/** The icon of each completion type (see utils/sqlCompletion): the ionicons naive-ui uses elsewhere. */
const ICONS: Record<string, Component> = {
  table: GridOutline,
  view: EyeOutline,
  column: ReorderFourOutline,
  function: CodeSlashOutline,
  keyword: KeyOutline,
  type: PricetagOutline,
  // lang-sql types a FROM clause's aliases "constant".
  constant: AtOutline,
  alias: AtOutline,
}

/**
 * An `addToOptions` entry in place of CodeMirror's text glyphs: an SVG icon coloured by its type
 * (the colours are in the editor's theme, so they follow light and dark).
 */
export const completionIcon = {
  position: 20,
  render(c: Completion): Node {
    return iconOf(c.type ?? 'text').cloneNode(true)
  },
}

/** Each kind's icon, rendered once: CodeMirror asks for one per item each time the list is filtered (a keystroke). */
const rendered = new Map<string, HTMLElement>()
function iconOf(kind: string): HTMLElement {
  let span = rendered.get(kind)
  if (!span) {
    span = document.createElement('span')
    span.className = `cm-kind-icon cm-kind-${kind}`
    span.setAttribute('data-kind', kind)
    span.setAttribute('aria-hidden', 'true')
    const icon = ICONS[kind]
    if (icon) render(h(icon), span)
    rendered.set(kind, span)
  }
  return span
}
