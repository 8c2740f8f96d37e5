import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { PromptSummary, PromptVersion } from '@shared/domain/prompts'
import { api } from '@/api'
import { useLatestRequest } from '@/composables/useLatestRequest'
import { usePagedSearch } from '@/composables/usePagedSearch'
import { MODELS_PAGE_SIZE } from '@shared/domain/pageSizes'

/** MLflow's prompt registry: whether the store has prompts (for the navigation), the list, and one prompt with its versions. */
export const usePromptsStore = defineStore('prompts', () => {
  /** null until asked (or while the store has no registry to ask). */
  const available = ref<boolean | null>(null)
  const probe = useLatestRequest()

  const list = usePagedSearch<PromptSummary>(async ({ filter, page_token }, signal) => {
    const page = await api.call(
      'prompts:search',
      { max_results: MODELS_PAGE_SIZE, ...(filter ? { filter } : {}), ...(page_token ? { page_token } : {}) },
      { signal },
    )
    return { items: page.prompts, next_page_token: page.next_page_token }
  })
  const { filter, items, nextToken, loading, loadingMore, loaded, error, loadMore, abortList } = list

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

  /** The first page of the prompts whose name matches `text`; the full list having any says the store has prompts. */
  async function search(text: string = filter.value) {
    await list.search(text, (page) => {
      if (!text.trim() && page.items.length) available.value = true
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

  function abortPrompt() {
    promptRequest.abort()
  }

  /** Another store is shown: drop this one's prompts. */
  function reset() {
    probe.reset()
    list.reset()
    promptRequest.reset()
    available.value = null
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
