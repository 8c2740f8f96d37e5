import type { FindHit } from '../domain/find'
import { bestScore, hitScore } from './findRank'

/** The app's screens "find anything" jumps to, with the words people look for them by. */
export interface Screen {
  path: string
  title: string
  detail: string
  words: readonly string[]
  /** Shown only for stores that have MLflow's model registry (MLflow 1.4+). */
  needsRegistry?: boolean
}

export const SCREENS: readonly Screen[] = [
  { path: '/experiments', title: 'Experiments', detail: 'Every experiment of the store', words: ['home', 'runs'] },
  { path: '/compare', title: 'Compare', detail: 'The comparison last shown', words: ['charts', 'metrics'] },
  { path: '/models', title: 'Models', detail: 'The model registry', words: ['registry', 'registered models'], needsRegistry: true },
  { path: '/prompts', title: 'Prompts', detail: 'The prompt registry', words: ['prompt registry', 'templates', 'genai'], needsRegistry: true },
  { path: '/query', title: 'SQL console', detail: 'Read-only audit queries', words: ['query', 'sql', 'audit', 'saved queries'] },
  { path: '/connections', title: 'Connections', detail: 'Saved connection profiles', words: ['profiles', 'stores', 'settings'] },
]

/** The screens matching `text` as hits (every screen for an empty text), unranked. */
export function screenHits(text: string, opts: { registry: boolean }): FindHit[] {
  const hits: FindHit[] = []
  for (const s of SCREENS) {
    if (s.needsRegistry && !opts.registry) continue
    const match = bestScore(text, [s.title, ...s.words])
    if (match === null) continue
    // A screen found by one of its words ranks below one found by its title.
    const byTitle = bestScore(text, [s.title]) === match
    hits.push({
      kind: 'screen',
      id: s.path,
      title: s.title,
      detail: s.detail,
      route: s.path,
      note: null,
      experiment_id: null,
      deleted: false,
      score: hitScore(byTitle ? match : match - 50, 'screen', false),
    })
  }
  return hits
}
