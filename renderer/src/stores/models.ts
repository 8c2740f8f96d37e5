import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ModelVersion, RegisteredModel } from '@shared/domain/mlflow'
import { api } from '@/api'

const PAGE_SIZE = 100

/** The model registry: the list (searched by name on the server, paged) and one model with its versions. */
export const useModelsStore = defineStore('models', () => {
  const filter = ref('')
  const items = ref<RegisteredModel[]>([])
  const nextToken = ref<string | null>(null)
  const loading = ref(false)
  const loadingMore = ref(false)
  const loaded = ref(false)
  const error = ref<unknown>(null)
  let listSeq = 0

  const model = ref<RegisteredModel | null>(null)
  const versions = ref<ModelVersion[]>([])
  const modelLoading = ref(false)
  const modelError = ref<unknown>(null)
  let modelSeq = 0

  /** First page of the models whose name contains `text` (all models when empty). */
  async function search(text: string = filter.value) {
    const mine = ++listSeq
    filter.value = text
    loading.value = true
    error.value = null
    try {
      const q = text.trim()
      const page = await api.call('models:list', { max_results: PAGE_SIZE, ...(q ? { filter: q } : {}) })
      if (mine !== listSeq) return
      items.value = page.registered_models
      nextToken.value = page.next_page_token
      loaded.value = true
    } catch (e) {
      if (mine === listSeq) error.value = e
    } finally {
      if (mine === listSeq) loading.value = false
    }
  }

  async function loadMore() {
    if (!nextToken.value || loadingMore.value) return
    const mine = listSeq
    loadingMore.value = true
    try {
      const q = filter.value.trim()
      const page = await api.call('models:list', { max_results: PAGE_SIZE, page_token: nextToken.value, ...(q ? { filter: q } : {}) })
      if (mine !== listSeq) return
      items.value = [...items.value, ...page.registered_models]
      nextToken.value = page.next_page_token
    } catch (e) {
      if (mine === listSeq) error.value = e
    } finally {
      loadingMore.value = false
    }
  }

  async function loadModel(name: string) {
    const mine = ++modelSeq
    modelLoading.value = true
    modelError.value = null
    if (model.value?.name !== name) {
      model.value = null
      versions.value = []
    }
    try {
      const res = await api.call('models:get', { name })
      if (mine !== modelSeq) return
      model.value = res.registered_model
      versions.value = res.model_versions
    } catch (e) {
      if (mine === modelSeq) {
        modelError.value = e
        model.value = null
        versions.value = []
      }
    } finally {
      if (mine === modelSeq) modelLoading.value = false
    }
  }

  /** Another store is shown: drop this one's registry (and any answer still on its way). */
  function reset() {
    listSeq++
    modelSeq++
    filter.value = ''
    items.value = []
    nextToken.value = null
    loading.value = false
    loadingMore.value = false
    loaded.value = false
    error.value = null
    model.value = null
    versions.value = []
    modelLoading.value = false
    modelError.value = null
  }

  return { filter, items, nextToken, loading, loadingMore, loaded, error, model, versions, modelLoading, modelError, search, loadMore, loadModel, reset }
})

if (import.meta.hot) import.meta.hot.accept()
