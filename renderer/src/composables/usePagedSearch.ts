import { ref, type Ref } from 'vue'
import { useLatestRequest } from './useLatestRequest'

/** One page of a server-side search: its items and the token of the next page (null at the end). */
export interface SearchPage<T> {
  items: T[]
  next_page_token: string | null
}

/**
 * A list searched on the server by a text and read page by page (the models and the prompts
 * lists): the first page replaces the list, the next pages append to it, a new search or a
 * page left aborts what is on its way.
 */
export function usePagedSearch<T>(readPage: (q: { filter: string; page_token: string | null }, signal: AbortSignal) => Promise<SearchPage<T>>) {
  const filter = ref('')
  const items = ref([]) as Ref<T[]>
  const nextToken = ref<string | null>(null)
  /** The first page; the next pages follow it. */
  const list = useLatestRequest()
  const { loading, error } = list
  const loadingMore = ref(false)
  const loaded = ref(false)

  /** The first page of the items matching `text` (all of them when empty). */
  async function search(text: string = filter.value, onFirst?: (page: SearchPage<T>) => void) {
    filter.value = text
    loadingMore.value = false
    const q = text.trim()
    await list.run((signal) => readPage({ filter: q, page_token: null }, signal), {
      apply: (page) => {
        items.value = page.items
        nextToken.value = page.next_page_token
        loaded.value = true
        onFirst?.(page)
      },
    })
  }

  async function loadMore() {
    if (!nextToken.value || loadingMore.value) return
    loadingMore.value = true
    const token = nextToken.value
    await list.follow((signal) => readPage({ filter: filter.value.trim(), page_token: token }, signal), {
      apply: (page) => {
        items.value = [...items.value, ...page.items]
        nextToken.value = page.next_page_token
      },
      settle: () => (loadingMore.value = false),
    })
  }

  /** The list is left: stop its reads (it reads again when shown). */
  function abortList() {
    list.abort()
    loadingMore.value = false
  }

  /** Another store is shown: forget the list (and abort any answer still on its way). */
  function reset() {
    list.reset()
    filter.value = ''
    items.value = []
    nextToken.value = null
    loadingMore.value = false
    loaded.value = false
  }

  return { filter, items, nextToken, loading, loadingMore, loaded, error, search, loadMore, abortList, reset }
}
