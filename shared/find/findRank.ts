import type { FindHit, FindKind } from '../domain/find'

/**
 * How well a title answers what was typed, and the order of hits: exact before prefix, before
 * a word's start, before anywhere inside, before the letters in order with gaps; the nearer
 * the front and the shorter the title, the better. Case and repeated spaces do not matter.
 */

export function normalizeFindText(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ')
}

const WORD_START = /[\s\-_/.:@()[\]]/

/** Where `q` starts a word of `t` (right after a space, dash, underscore, slash, dot, ...), else -1. */
function wordStart(t: string, q: string): number {
  for (let i = t.indexOf(q, 1); i > 0; i = t.indexOf(q, i + 1)) {
    if (WORD_START.test(t[i - 1])) return i
  }
  return -1
}

/** The letters of q in t in order, with as few gaps as a greedy walk finds: the gap count, or -1. */
function subsequenceGaps(t: string, q: string): number {
  let gaps = 0
  let at = -1
  for (const ch of q) {
    if (ch === ' ') continue
    const next = t.indexOf(ch, at + 1)
    if (next < 0) return -1
    if (at >= 0 && next > at + 1) gaps++
    at = next
  }
  return gaps
}

/**
 * A title's score for what was typed (0 for nothing typed), or null when it does not match.
 * Bands: exact 1000, prefix 800, word start 600, substring 400, every word inside 300, letters in order ≤ 200.
 */
export function matchScore(query: string, title: string): number | null {
  const q = normalizeFindText(query)
  if (!q) return 0
  const t = normalizeFindText(title)
  if (!t) return null
  const longer = Math.min(t.length - q.length, 99)
  if (t === q) return 1000
  if (t.startsWith(q)) return 800 - longer
  const word = wordStart(t, q)
  if (word > 0) return 600 - Math.min(word, 99)
  const inside = t.indexOf(q)
  if (inside > 0) return 400 - Math.min(inside, 99)
  const words = q.split(' ')
  if (words.length > 1 && words.every((w) => t.includes(w))) return 300 - Math.min(longer, 99)
  if (q.length < 2) return null
  const gaps = subsequenceGaps(t, q)
  if (gaps < 0 || gaps > Math.max(2, Math.floor(q.length / 2))) return null
  return 200 - gaps * 30 - Math.min(longer, 99) / 10
}

/** The best score among a thing's names (a run's name and its id, a screen's title and its words). */
export function bestScore(query: string, names: ReadonlyArray<string | null | undefined>): number | null {
  let best: number | null = null
  for (const n of names) {
    if (!n) continue
    const s = matchScore(query, n)
    if (s !== null && (best === null || s > best)) best = s
  }
  return best
}

/**
 * Among equally good matches, what is more often meant: an experiment or model over one of
 * its runs, a screen over a saved query of the same name. Small beside the bands above.
 */
export const KIND_WEIGHT: Readonly<Record<FindKind, number>> = {
  screen: 40,
  experiment: 30,
  model: 30,
  model_version: 25,
  prompt: 30,
  saved_query: 20,
  run: 10,
  logged_model: 5,
  trace: 0,
}

/** Deleted things are listed after every live one that matches as well. */
const DELETED_PENALTY = 150

/** A hit's final score: how its title matched, its kind's weight, minus the deleted penalty. */
export function hitScore(match: number, kind: FindKind, deleted: boolean): number {
  return match + KIND_WEIGHT[kind] - (deleted ? DELETED_PENALTY : 0)
}

/** Best first: by score, then title, then id (a total order: the same hits always come out alike). */
export function rankHits<T extends Pick<FindHit, 'score' | 'title' | 'id' | 'kind'>>(hits: readonly T[], limit = Infinity): T[] {
  const seen = new Set<string>()
  const sorted = hits.slice().sort((a, b) => b.score - a.score || a.title.localeCompare(b.title) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  // The same thing found twice (by its name and by its id): its best showing stays.
  return sorted
    .filter((h) => {
      const key = `${h.kind}:${h.id}`
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
    .slice(0, limit)
}
