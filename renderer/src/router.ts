import { createRouter, createWebHashHistory } from 'vue-router'

/** Hash history: works the same from file:// (Electron) and from the local HTTP server. */
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/experiments' },
    { path: '/experiments', name: 'experiments', component: () => import('./views/ExperimentsView.vue') },
    {
      path: '/experiments/:ids/runs',
      name: 'runs',
      component: () => import('./views/RunsView.vue'),
      props: (route) => ({ experimentIds: String(route.params.ids).split(',').filter(Boolean) }),
    },
    /** ?filter=<search_traces filter>&order=<order_by entry>. */
    {
      path: '/experiments/:ids/traces',
      name: 'traces',
      component: () => import('./views/TracesView.vue'),
      props: (route) => ({ experimentIds: String(route.params.ids).split(',').filter(Boolean) }),
    },
    {
      path: '/experiments/:ids/logged-models',
      name: 'logged-models',
      component: () => import('./views/LoggedModelsView.vue'),
      props: (route) => ({ experimentIds: String(route.params.ids).split(',').filter(Boolean) }),
    },
    { path: '/logged-models/:modelId', name: 'logged-model', component: () => import('./views/LoggedModelView.vue'), props: true },
    /** The experiment's traces grouped into sessions; /sessions/<id> opens one as a conversation. */
    {
      path: '/experiments/:ids/sessions/:sessionId?',
      name: 'sessions',
      component: () => import('./views/SessionsView.vue'),
      props: (route) => ({
        experimentIds: String(route.params.ids).split(',').filter(Boolean),
        sessionId: route.params.sessionId ? String(route.params.sessionId) : undefined,
      }),
    },
    /** The GenAI overview of the experiment's traces (?range=7d&bucket=hour). */
    {
      path: '/experiments/:ids/overview',
      name: 'overview',
      component: () => import('./views/OverviewView.vue'),
      props: (route) => ({ experimentIds: String(route.params.ids).split(',').filter(Boolean) }),
    },
    /** The experiment's mlflow.genai.evaluate runs and evaluation datasets. */
    {
      path: '/experiments/:ids/evaluations',
      name: 'evaluations',
      component: () => import('./views/EvaluationsView.vue'),
      props: (route) => ({ experimentIds: String(route.params.ids).split(',').filter(Boolean) }),
    },
    /** ?a=<run id>&b=<run id>[&show=regressed]: two evaluation runs row by row. */
    { path: '/evaluations/compare', name: 'evaluation-compare', component: () => import('./views/EvaluationCompareView.vue') },
    { path: '/evaluations/:runId', name: 'evaluation', component: () => import('./views/EvaluationRunView.vue'), props: true },
    { path: '/datasets/:datasetId', name: 'dataset', component: () => import('./views/DatasetView.vue'), props: true },
    { path: '/runs/:runId', name: 'run', component: () => import('./views/RunDetailView.vue'), props: true },
    /** ?span=<span_id> selects a span. */
    { path: '/traces/:traceId', name: 'trace', component: () => import('./views/TraceView.vue'), props: true },
    { path: '/compare', name: 'compare', component: () => import('./views/CompareView.vue') },
    { path: '/models', name: 'models', component: () => import('./views/ModelsView.vue') },
    { path: '/models/:name', name: 'model', component: () => import('./views/ModelDetailView.vue'), props: true },
    { path: '/models/:name/versions/:version', name: 'model-version', component: () => import('./views/ModelVersionView.vue'), props: true },
    { path: '/models/:name/compare', name: 'model-compare', component: () => import('./views/ModelVersionCompareView.vue'), props: true },
    { path: '/prompts', name: 'prompts', component: () => import('./views/PromptsView.vue') },
    /** ?version=N shows that version; &diff=M diffs it against version M. */
    { path: '/prompts/:name', name: 'prompt', component: () => import('./views/PromptDetailView.vue'), props: true },
    { path: '/query', name: 'query', component: () => import('./views/QueryView.vue') },
    /** An id or URI to resolve and open (what `mlflow-desk open` takes): #/open/runs:/<id>/model, #/open/models:/churn@champion, … */
    { path: '/open/:text(.*)', name: 'open', component: () => import('./views/OpenView.vue'), props: true },
    { path: '/connections', name: 'connections', component: () => import('./views/ConnectionsView.vue') },
    { path: '/:pathMatch(.*)*', redirect: '/experiments' },
  ],
})
