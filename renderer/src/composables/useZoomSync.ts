import { inject, provide, shallowRef, watch, type InjectionKey, type Ref, type ShallowRef } from 'vue'
import { storeToRefs } from 'pinia'
import { useUiStore } from '@/stores/ui'
import type { XAxis } from '@/utils/compareState'

/** A zoomed x range on one kind of x axis (steps, times or seconds since start). */
export interface ZoomRange {
  xAxis: XAxis
  min: number
  max: number
}
/** The range the last zoomed chart settled on (null: every chart unzoomed), and which chart it was. */
export interface SyncedZoom {
  from: symbol
  range: ZoomRange | null
}
export interface ZoomSync {
  /** What the grid's charts follow while syncing is on; null before any zoom. */
  current: Readonly<ShallowRef<SyncedZoom | null>>
  /** A chart says where the user left its zoom (ignored while syncing is off). */
  publish(from: symbol, range: ZoomRange | null): void
}

const KEY: InjectionKey<ZoomSync> = Symbol('zoomSync')

/**
 * One zoom for a grid of charts: while `enabled`, a zoom, pan or reset settled
 * on one chart is followed by every chart of the grid on the same kind of x
 * axis, including charts mounted later (scrolled into view). Turning it off
 * leaves each chart where it is.
 */
export function provideZoomSync(enabled: Ref<boolean>): ZoomSync {
  const current = shallowRef<SyncedZoom | null>(null)
  watch(enabled, (on) => {
    if (!on) current.value = null
  })
  const sync: ZoomSync = {
    current,
    publish(from, range) {
      if (enabled.value) current.value = { from, range }
    },
  }
  provide(KEY, sync)
  return sync
}

/** A chart grid's shared zoom, on while the user's "Sync zoom" setting is. */
export function provideGridZoomSync(): ZoomSync {
  return provideZoomSync(storeToRefs(useUiStore()).syncZoom)
}

/** The grid's zoom sync, or null for a chart outside any grid. */
export function useZoomSync(): ZoomSync | null {
  return inject(KEY, null)
}
