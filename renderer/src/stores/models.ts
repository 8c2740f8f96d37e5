import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ModelVersion, RegisteredModel } from '@shared/domain/mlflow'
import { api } from '@/api'
import { useLatestRequest } from '@/composables/useLatestRequest'
import { usePagedSearch } from '@/composables/usePagedSearch'
import { MODELS_PAGE_SIZE } from '@shared/domain/pageSizes'

/** The model registry: the list (searched by name on the server, paged) and one model with its versions. */
export const useModelsStore = defineStore('models', () => {
  const list = usePagedSearch<RegisteredModel>(async ({ filter, page_token }, signal) => {
    const page = await api.call(
      'models:list',
      { max_results: MODELS_PAGE_SIZE, ...(filter ? { filter } : {}), ...(page_token ? { page_token } : {}) },
      { signal },
    )
    return { items: page.registered_models, next_page_token: page.next_page_token }
  })
  const { filter, items, nextToken, loading, loadingMore, loaded, error, search, loadMore, abortList } = list

  const model = ref<RegisteredModel | null>(null)
  const versions = ref<ModelVersion[]>([])
  const modelRequest = useLatestRequest()
  const { loading: modelLoading, error: modelError } = modelRequest

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

  /** A model's page is left: stop reading it. */
  function abortModel() {
    modelRequest.abort()
  }

  /** Another store is shown: drop this one's registry (and abort any answer still on its way). */
  function reset() {
    list.reset()
    modelRequest.reset()
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
