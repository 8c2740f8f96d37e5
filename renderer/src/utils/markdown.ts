import DOMPurify from 'dompurify'
import { Marked } from 'marked'

/**
 * MLflow's descriptions (a run's or experiment's `mlflow.note.content`, a registered
 * model's or version's `description`) are Markdown, written by anyone with access to the
 * tracking server. MLflow's UI renders them GitHub-flavoured with single newlines kept as
 * line breaks; so do we. The HTML is then sanitized against an allow-list, and two
 * policies are applied that a sanitizer alone does not give:
 * - links leave the app: only http(s) and mailto links stay links, opened outside
 *   (target=_blank, rel="noopener noreferrer"); relative and other links become text;
 * - nothing is fetched: the app must not contact arbitrary hosts on its own, so images
 *   become their alt text (a link to the image when it is on the web); only inline
 *   `data:` raster images, which need no request, are drawn.
 */
const markdown = new Marked({ gfm: true, breaks: true, async: false })

/** What Markdown (GFM) produces, plus the inline HTML people put in notes. No form, media, frame, style or SVG. */
const ALLOWED_TAGS = [
  'a',
  'abbr',
  'b',
  'blockquote',
  'br',
  'cite',
  'code',
  'dd',
  'del',
  'details',
  'div',
  'dl',
  'dt',
  'em',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'i',
  'img',
  'input',
  'ins',
  'kbd',
  'li',
  'mark',
  'ol',
  'p',
  'pre',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strong',
  'sub',
  'summary',
  'sup',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'u',
  'ul',
]
/** No `style` (CSS can fetch URLs), no `class`/`id` (they would reach the app's own styles and DOM), no event handlers. */
const ALLOWED_ATTR = ['href', 'title', 'alt', 'src', 'align', 'type', 'checked', 'disabled', 'start', 'colspan', 'rowspan', 'open']

const EXTERNAL_LINK = /^(?:https?:|mailto:)/i
const WEB_URL = /^https?:/i
/** Inline raster images cost no request; SVG is left out, as it is a document of its own. */
const INLINE_IMAGE = /^data:image\/(?:png|gif|jpe?g|webp);base64,/i

let purifier: ReturnType<typeof DOMPurify> | null = null

/** Our own instance, so the app's other DOMPurify users (if any) keep their settings. */
function sanitizer(): ReturnType<typeof DOMPurify> {
  if (!purifier) {
    if (typeof window === 'undefined') throw new Error('renderMarkdown needs a DOM (window) to sanitize HTML')
    purifier = DOMPurify(window)
  }
  return purifier
}

function external(a: Element, href: string): void {
  a.setAttribute('href', href)
  a.setAttribute('target', '_blank')
  a.setAttribute('rel', 'noopener noreferrer')
}

/** The last path segment of an image URL, a readable stand-in when the image has no alt text. */
function imageName(src: string): string {
  const path = src.split(/[?#]/)[0].replace(/\/+$/, '')
  return decodeURIComponentSafe(path.slice(path.lastIndexOf('/') + 1)) || 'image'
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** A remote or relative image becomes words: a link to it on the web (unless already inside a link), else its alt text. */
function replaceImage(img: HTMLImageElement): void {
  const src = img.getAttribute('src') ?? ''
  if (INLINE_IMAGE.test(src)) return
  const doc = img.ownerDocument
  const label = img.getAttribute('alt')?.trim() || imageName(src)
  const inLink = !!img.parentElement?.closest('a')
  const out = doc.createElement(WEB_URL.test(src) && !inLink ? 'a' : 'span')
  out.setAttribute('class', 'md-image')
  out.setAttribute('title', src ? `Image not loaded: ${src}` : 'Image not loaded')
  out.textContent = label
  if (out.tagName === 'A') external(out, src)
  img.replaceWith(out)
}

/** Links leave the app; anything that is not an http(s) or mailto address is kept as its text. */
function fixLink(a: HTMLAnchorElement): void {
  const href = a.getAttribute('href')?.trim() ?? ''
  if (EXTERNAL_LINK.test(href)) return external(a, href)
  a.replaceWith(...a.childNodes)
}

/** GFM task lists render disabled checkboxes; no other input survives. */
function fixInput(input: HTMLInputElement): void {
  if (input.getAttribute('type') !== 'checkbox') return input.remove()
  input.setAttribute('disabled', '')
}

/**
 * Markdown to HTML that is safe to put in the page with `v-html`: no scripts, styles,
 * frames, event handlers or javascript: URLs; links open outside; no remote fetches.
 */
export function renderMarkdown(source: string): string {
  if (!source.trim()) return ''
  const html = markdown.parse(source) as string
  // RETURN_DOM gives the <body> of DOMPurify's inert document (DOMParser): an <img>
  // there is never fetched, so images and links are rewritten before any reaches the page.
  const body = sanitizer().sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false, ALLOW_ARIA_ATTR: false, RETURN_DOM: true }) as HTMLElement
  body.querySelectorAll('img').forEach(replaceImage)
  body.querySelectorAll('a').forEach(fixLink)
  body.querySelectorAll('input').forEach(fixInput)
  return body.innerHTML
}
