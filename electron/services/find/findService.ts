import { AppError, isAppError } from '@shared/api/errors'
import type { FindHit, FindKind, FindResolveResponse, FindSearchResponse } from '@shared/domain/find'
import { bestScore, hitScore, rankHits } from '@shared/find/findRank'
import { parseFindRef } from '@shared/find/findRef'
import { savedQueryRoute } from '@shared/find/findRoutes'
import { screenHits } from '@shared/find/screens'
import type { SavedQuery } from '@shared/domain/query'
import type { StoreHandle } from '../connections/storeConnection'
import { resolveName, resolveRef } from './storeResolve'
import { searchStore } from './storeSearch'

/**
 * "Find anything": the store's things (storeSearch, storeResolve), the saved queries and
 * the app's screens, ranked together. What every transport answers find:* with.
 */

export interface FindSources {
  /** The window's store (opened on first use, as every handler opens it). */
  store: () => Promise<StoreHandle>
  /** The saved queries as stored (their names and descriptions are what is searched). */
  savedQueries: () => Promise<Array<Pick<SavedQuery, 'id' | 'name' | 'description'>>>
}

/** How many runs sharing one exact name are listed by find:resolve. */
const MAX_SAME_NAME = 20

function savedQueryHits(text: string, queries: Array<Pick<SavedQuery, 'id' | 'name' | 'description'>>): FindHit[] {
  return queries.flatMap((q) => {
    const byName = bestScore(text, [q.name])
    // Found by its description only: below what its name would have given.
    const match = byName ?? (q.description ? bestScore(text, [q.description]) : null)
    if (match === null) return []
    return [
      {
        kind: 'saved_query' as const,
        id: q.id,
        title: q.name,
        detail: q.description ? `Saved query · ${q.description}` : 'Saved query',
        route: savedQueryRoute(q.id),
        note: null,
        experiment_id: null,
        deleted: false,
        score: hitScore(byName === null ? match - 100 : match, 'saved_query', false),
      },
    ]
  })
}

/** The thing an id or URI in the text names, or null when the text is none or names nothing here. */
async function refHit(store: StoreHandle, text: string): Promise<FindHit | null> {
  const ref = parseFindRef(text)
  if (!ref) return null
  try {
    return await resolveRef(store, ref)
  } catch (e) {
    // While searching, an id that names nothing is simply not a hit (find:resolve says why).
    if (isAppError(e) && (e.code === 'NOT_FOUND' || e.code === 'BAD_REQUEST')) return null
    throw e
  }
}

export async function findSearch(src: FindSources, req: { text: string; limit: number; kinds?: FindKind[] }): Promise<FindSearchResponse> {
  const text = req.text.trim()
  const wanted = (k: FindKind) => !req.kinds?.length || req.kinds.includes(k)
  const store = await src.store()
  const hits: FindHit[] = []
  const exact = await refHit(store, text)
  if (exact && wanted(exact.kind)) hits.push(exact)
  // An id or URI names one thing: searching names for "runs:/…" finds nothing more.
  if (exact === null && !parseFindRef(text)) {
    hits.push(...(await searchStore(store, text, req.limit, wanted)))
    if (wanted('saved_query')) hits.push(...savedQueryHits(text, await src.savedQueries()))
    if (wanted('screen')) hits.push(...screenHits(text, { registry: store.capabilities.modelRegistry }))
  }
  return { hits: rankHits(hits, req.limit) }
}

export async function findResolve(src: FindSources, req: { text: string }): Promise<FindResolveResponse> {
  const text = req.text.trim()
  const store = await src.store()
  const ref = parseFindRef(text)
  if (ref) return { hit: await resolveRef(store, ref), also: [] }
  const [hit, ...also] = await resolveName(store, text, MAX_SAME_NAME)
  if (!hit) {
    throw new AppError(
      'NOT_FOUND',
      `Nothing in ${store.where} has the id or name '${text}' (a run id, runs:/ or models:/ URI, tr-… or m-… id, or an exact experiment, model or run name).`,
    )
  }
  return { hit, also }
}
