/**
 * The window's routes for what "find anything" opens: the one place that spells them
 * outside the router (the services put them in hits; the renderer's router serves them).
 */

export type RunTab = 'overview' | 'models' | 'artifacts'

/** A run's page, on a tab; with an artifact path, the artifacts tab with that file or folder selected. */
export function runRoute(runId: string, tab: RunTab = 'overview', artifact = ''): string {
  const query = artifact ? `?tab=artifacts&artifact=${encodeURIComponent(artifact)}` : tab === 'overview' ? '' : `?tab=${tab}`
  return `/runs/${encodeURIComponent(runId)}${query}`
}

export function experimentRoute(experimentId: string): string {
  return `/experiments/${encodeURIComponent(experimentId)}/runs`
}

/** A registered model's page (its versions are listed there). */
export function modelRoute(name: string): string {
  return `/models/${encodeURIComponent(name)}`
}

/** One version of a registered model. */
export function modelVersionRoute(name: string, version: number | string): string {
  return `${modelRoute(name)}/versions/${encodeURIComponent(String(version))}`
}

/** A prompt's page, on one version (else its newest). */
export function promptRoute(name: string, version: number | string | null = null): string {
  return `/prompts/${encodeURIComponent(name)}${version === null ? '' : `?version=${encodeURIComponent(String(version))}`}`
}

/** The SQL console with a saved query opened in a tab. */
export function savedQueryRoute(id: string): string {
  return `/query?saved=${encodeURIComponent(id)}`
}

/** The route that resolves an id or URI and goes where it points: #/open/<text>. */
export function openRoute(text: string): string {
  return `/open/${encodeURIComponent(text)}`
}

/** A trace's own page; `spanId` selects one of its spans. */
export function traceRoute(traceId: string, spanId?: string): string {
  return `/traces/${encodeURIComponent(traceId)}${spanId ? `?span=${encodeURIComponent(spanId)}` : ''}`
}
