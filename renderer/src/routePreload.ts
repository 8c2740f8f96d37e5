import { loadRouteLocation, type RouteLocationRaw, type Router } from 'vue-router'
import { useRunDetailStore } from './stores/runDetail'
import { useRunsStore } from './stores/runs'
import { readRunsQuery } from './utils/runsRouteQuery'
import { useSessionStore } from './stores/session'
import { useCompareStore } from './stores/compare'
import { parseCompareState } from './utils/compareState'

/**
 * Reads a page needs, started as the navigation starts rather than once the page's code has
 * loaded and it is set up: the answers come while that happens. The page takes what was started
 * for it (and reads itself when nothing was, or for anything else).
 */
/**
 * The page a user of this one most likely opens next (an experiment from the list, a run from its
 * runs): its code is loaded, parsed and run when the window is next idle, so the click finds it
 * ready rather than fetching it then. The ids are placeholders: only the route's code is loaded.
 */
const LIKELY_NEXT: Partial<Record<string, RouteLocationRaw>> = {
  experiments: { name: 'runs', params: { ids: '0' } },
  runs: { name: 'run', params: { runId: '0' } },
}

const whenIdle = (fn: () => void) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(fn, { timeout: 2000 }) : setTimeout(fn, 200))

export function installRoutePreload(router: Router): void {
  router.afterEach((to) => {
    const next = LIKELY_NEXT[String(to.name)]
    // A failed load is the navigation's to report, if the user goes there.
    if (next) whenIdle(() => void loadRouteLocation(router.resolve(next)).catch(() => undefined))
  })
  router.beforeEach((to, from) => {
    // The runs page entered (not another search on it, which the page itself starts): its first
    // page, count and columns. Also as the window opens on it, unless the window is for another
    // profile (?profile=…), which must be switched to first.
    if (to.name === 'runs' && from.name !== 'runs' && (useSessionStore().ready || !to.query.profile))
      useRunsStore().preload({ experimentIds: String(to.params.ids).split(',').filter(Boolean), ...readRunsQuery(to.query) })
    // A comparison opened (a link, or from the runs page): its series, while the page's code loads.
    if (to.name === 'compare' && from.name !== 'compare' && (useSessionStore().ready || !to.query.profile)) {
      const s = parseCompareState(to.query)
      useCompareStore().preload({ runIds: s.runs, metricKeys: s.metrics, maxPoints: s.points })
    }
    if (!useSessionStore().ready) return
    // A run opened (not another tab of the same run): the run, and the Overview's key metrics when it opens there.
    if (to.name === 'run' && !(from.name === 'run' && from.params.runId === to.params.runId))
      useRunDetailStore().preload(String(to.params.runId), { keyMetrics: (to.query.tab ?? 'overview') === 'overview' })
  })
}
