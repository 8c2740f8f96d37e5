import type { Router } from 'vue-router'
import { useRunDetailStore } from './stores/runDetail'
import { useRunsStore } from './stores/runs'
import { readRunsQuery } from './utils/runsRouteQuery'
import { useSessionStore } from './stores/session'

/**
 * Reads a page needs, started as the navigation starts rather than once the page's code has
 * loaded and it is set up: the answers come while that happens. The page takes what was started
 * for it (and reads itself when nothing was, or for anything else).
 */
export function installRoutePreload(router: Router): void {
  router.beforeEach((to, from) => {
    // The runs page entered (not another search on it, which the page itself starts): its first
    // page, count and columns. Also as the window opens on it, unless the window is for another
    // profile (?profile=…), which must be switched to first.
    if (to.name === 'runs' && from.name !== 'runs' && (useSessionStore().ready || !to.query.profile))
      useRunsStore().preload({ experimentIds: String(to.params.ids).split(',').filter(Boolean), ...readRunsQuery(to.query) })
    if (!useSessionStore().ready) return
    // A run opened (not another tab of the same run): the run, and the Overview's key metrics when it opens there.
    if (to.name === 'run' && !(from.name === 'run' && from.params.runId === to.params.runId))
      useRunDetailStore().preload(String(to.params.runId), { keyMetrics: (to.query.tab ?? 'overview') === 'overview' })
  })
}
