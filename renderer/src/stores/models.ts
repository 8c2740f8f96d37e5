import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ModelVersion, RegisteredModel } from '@shared/domain/mlflow'
import { api } from '@/api'
import { useLatestRequest } from '@/composables/useLatestRequest'
import { MODELS_PAGE_SIZE } from '@shared/domain/pageSizes'

/** The model registry: the list (searched by name on the server, paged) and one model with its versions. */
export const useModelsStore = defineStore('models', () => {
  const filter = ref('')
  const items = ref<RegisteredModel[]>([])
  const nextToken = ref<string | null>(null)
  /** The first page; the next pages follow it. */
  const list = useLatestRequest()
  const { loading, error } = list
  const loadingMore = ref(false)
  const loaded = ref(false)

  const model = ref<RegisteredModel | null>(null)
  const versions = ref<ModelVersion[]>([])
  const modelRequest = useLatestRequest()
  const { loading: modelLoading, error: modelError } = modelRequest

  /** First page of the models whose name contains `text` (all models when empty). */
  async function search(text: string = filter.value) {
    filter.value = text
    loadingMore.value = false
    const q = text.trim()
    await list.run((signal) => api.call('models:list', { max_results: MODELS_PAGE_SIZE, ...(q ? { filter: q } : {}) }, { signal }), {
      apply: (page) => {
        items.value = page.registered_models
        nextToken.value = page.next_page_token
        loaded.value = true
      },
    })
  }

  async function loadMore() {
    if (!nextToken.value || loadingMore.value) return
    loadingMore.value = true
    const q = filter.value.trim()
    const token = nextToken.value
    await list.follow((signal) => api.call('models:list', { max_results: MODELS_PAGE_SIZE, page_token: token, ...(q ? { filter: q } : {}) }, { signal }), {
      apply: (page) => {
        items.value = [...items.value, ...page.registered_models]
        nextToken.value = page.next_page_token
      },
      settle: () => (loadingMore.value = false),
    })
  }

  async function loadModel(name: string) {
    if (model.value?.name !== name) {
      model.value = null
      versions.value = []
    }
    await modelRequest.run((signal) => api.call('models:get', { name }, { signal }), {
      apply: (res) => {
        model.value = res.registered_model
        versions.value = res.model_versions
      },
      fail: (e) => {
        modelError.value = e
        model.value = null
        versions.value = []
      },
    })
  }

  /** The models page is left: stop its reads (it reads again when shown). */
  function abortList() {
    list.abort()
    loadingMore.value = false
  }

  /** A model's page is left: stop reading it. */
  function abortModel() {
    modelRequest.abort()
  }

  /** Another store is shown: drop this one's registry (and abort any answer still on its way). */
  function reset() {
    list.reset()
    modelRequest.reset()
    filter.value = ''
    items.value = []
    nextToken.value = null
    loadingMore.value = false
    loaded.value = false
    model.value = null
    versions.value = []
  }

  return {
    filter,
    items,
    nextToken,
    loading,
    loadingMore,
    loaded,
    error,
    model,
    versions,
    modelLoading,
    modelError,
    search,
    loadMore,
    loadModel,
    abortList,
    abortModel,
    reset,
  }
})

if (import.meta.hot) import.meta.hot.accept()
