import type { Router } from 'vue-router'
import { useRunDetailStore } from './stores/runDetail'
import { useSessionStore } from './stores/session'

/**
 * Reads a page needs, started as the navigation starts rather than once the page's code has
 * loaded and it is set up: the answers come while that happens. The page takes what was started
 * for it (and reads itself when nothing was, or for anything else).
 */
export function installRoutePreload(router: Router): void {
  router.beforeEach((to, from) => {
    if (!useSessionStore().ready) return
    // A run opened (not another tab of the same run): the run, and the Overview's key metrics when it opens there.
    if (to.name === 'run' && !(from.name === 'run' && from.params.runId === to.params.runId))
      useRunDetailStore().preload(String(to.params.runId), { keyMetrics: (to.query.tab ?? 'overview') === 'overview' })
  })
}
