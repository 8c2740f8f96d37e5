import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { PromptSummary, PromptVersion } from '@shared/domain/prompts'
import { api } from '@/api'
import { useLatestRequest } from '@/composables/useLatestRequest'
import { MODELS_PAGE_SIZE } from '@shared/domain/pageSizes'

/** MLflow's prompt registry: whether the store has prompts (for the navigation), the list, and one prompt with its versions. */
export const usePromptsStore = defineStore('prompts', () => {
  /** null until asked (or while the store has no registry to ask). */
  const available = ref<boolean | null>(null)
  const probe = useLatestRequest()

  const filter = ref('')
  const items = ref<PromptSummary[]>([])
  const nextToken = ref<string | null>(null)
  const list = useLatestRequest()
  const { loading, error } = list
  const loadingMore = ref(false)
  const loaded = ref(false)

  const prompt = ref<PromptSummary | null>(null)
  const versions = ref<PromptVersion[]>([])
  const promptRequest = useLatestRequest()
  const { loading: promptLoading, error: promptError } = promptRequest

  /** Does the store hold any prompt? One row asked for; a failure says no (the Prompts screen itself shows errors). */
  async function checkAvailable() {
    await probe.run((signal) => api.call('prompts:search', { max_results: 1 }, { signal }), {
      apply: (page) => (available.value = page.prompts.length > 0),
      fail: () => (available.value = false),
    })
  }

  async function search(text: string = filter.value) {
    filter.value = text
    loadingMore.value = false
    const q = text.trim()
    await list.run((signal) => api.call('prompts:search', { max_results: MODELS_PAGE_SIZE, ...(q ? { filter: q } : {}) }, { signal }), {
      apply: (page) => {
        items.value = page.prompts
        nextToken.value = page.next_page_token
        loaded.value = true
        if (!q && page.prompts.length) available.value = true
      },
    })
  }

  async function loadMore() {
    if (!nextToken.value || loadingMore.value) return
    loadingMore.value = true
    const q = filter.value.trim()
    const token = nextToken.value
    await list.follow((signal) => api.call('prompts:search', { max_results: MODELS_PAGE_SIZE, page_token: token, ...(q ? { filter: q } : {}) }, { signal }), {
      apply: (page) => {
        items.value = [...items.value, ...page.prompts]
        nextToken.value = page.next_page_token
      },
      settle: () => (loadingMore.value = false),
    })
  }

  async function loadPrompt(name: string) {
    if (prompt.value?.name !== name) {
      prompt.value = null
      versions.value = []
    }
    await promptRequest.run((signal) => api.call('prompts:get', { name }, { signal }), {
      apply: (res) => {
        prompt.value = res.prompt
        versions.value = res.versions
      },
      fail: (e) => {
        promptError.value = e
        prompt.value = null
        versions.value = []
      },
    })
  }

  /** The list is left: stop its reads (it reads again when shown). */
  function abortList() {
    list.abort()
    loadingMore.value = false
  }

  function abortPrompt() {
    promptRequest.abort()
  }

  /** Another store is shown: drop this one's prompts. */
  function reset() {
    probe.reset()
    list.reset()
    promptRequest.reset()
    available.value = null
    filter.value = ''
    items.value = []
    nextToken.value = null
    loadingMore.value = false
    loaded.value = false
    prompt.value = null
    versions.value = []
  }

  return {
    available,
    filter,
    items,
    nextToken,
    loading,
    loadingMore,
    loaded,
    error,
    prompt,
    versions,
    promptLoading,
    promptError,
    checkAvailable,
    search,
    loadMore,
    loadPrompt,
    abortList,
    abortPrompt,
    reset,
  }
})

if (import.meta.hot) import.meta.hot.accept()
