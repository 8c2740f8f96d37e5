import { inject, onBeforeUnmount, provide, ref, watch, type InjectionKey, type Ref } from 'vue'

/**
 * "Is this element near what is on screen?" for thousands of elements in one
 * scrolling box: one IntersectionObserver per box (not one per element), with a
 * margin so what is about to scroll in is ready when it does. The box is
 * provided by the scrolling component (`provideScrollRoot`); without one the
 * window's viewport is the box.
 */
const ROOT: InjectionKey<Ref<HTMLElement | null>> = Symbol('near-viewport-root')

type Listener = (near: boolean) => void
interface Shared {
  key: string
  observer: IntersectionObserver
  listeners: Map<Element, Listener>
}
const observers = new Map<string, Shared>()
const roots = new WeakMap<Element, string>()
let rootIds = 0

function sharedFor(root: HTMLElement | null, margin: string): Shared {
  let id = root ? roots.get(root) : 'viewport'
  if (!id) {
    id = `root-${++rootIds}`
    roots.set(root!, id)
  }
  const key = `${id}|${margin}`
  let shared = observers.get(key)
  if (!shared) {
    const listeners = new Map<Element, Listener>()
    const observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) listeners.get(e.target)?.(e.isIntersecting)
      },
      { root, rootMargin: margin },
    )
    shared = { key, observer, listeners }
    observers.set(key, shared)
  }
  return shared
}

export function provideScrollRoot(root: Ref<HTMLElement | null>): void {
  provide(ROOT, root)
}

/** True while `target` is within `margin` of the scroll box's visible part. */
export function useNearViewport(target: Ref<HTMLElement | null>, margin = '600px 0px'): Ref<boolean> {
  const near = ref(false)
  const root = inject(ROOT, ref(null))
  let stop = () => {}
  watch(
    [target, root],
    ([el, box]) => {
      stop()
      if (!el) return
      const shared = sharedFor(box, margin)
      shared.listeners.set(el, (v) => (near.value = v))
      shared.observer.observe(el)
      stop = () => {
        shared.observer.unobserve(el)
        shared.listeners.delete(el)
        // The box's last element gone (the charts pane closed): its observer goes too, and with it the box.
        if (!shared.listeners.size) {
          shared.observer.disconnect()
          observers.delete(shared.key)
        }
        stop = () => {}
      }
    },
    { immediate: true, flush: 'post' },
  )
  onBeforeUnmount(() => stop())
  return near
}
