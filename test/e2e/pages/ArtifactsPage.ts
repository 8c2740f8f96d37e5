import { expect, type Locator, type Page } from '@playwright/test'

const byPath = (testid: string, path: string) => `[data-testid="${testid}"][data-path=${JSON.stringify(path)}]`

/** A run's Artifacts tab: the lazy tree, the preview pane, and the downloads in the jobs panel. */
export class ArtifactsPage {
  readonly root: Locator
  readonly tree: Locator
  readonly location: Locator
  readonly filter: Locator
  readonly preview: Locator
  readonly previewName: Locator
  readonly table: Locator
  readonly tableSummary: Locator
  readonly text: Locator
  readonly image: Locator
  readonly folder: Locator
  readonly downloadAll: Locator

  constructor(readonly page: Page) {
    this.root = page.getByTestId('run-artifacts')
    this.tree = page.getByTestId('artifact-tree')
    this.location = page.getByTestId('artifact-location')
    this.filter = page.getByTestId('artifact-filter').locator('input')
    this.preview = page.getByTestId('artifact-preview')
    this.previewName = page.getByTestId('artifact-preview-name')
    this.table = page.getByTestId('artifact-table')
    this.tableSummary = page.getByTestId('artifact-table-summary')
    this.text = page.getByTestId('artifact-text-content')
    this.image = page.getByTestId('artifact-image')
    this.folder = page.getByTestId('artifact-folder')
    this.downloadAll = page.getByTestId('artifact-download-all')
  }

  /** A run's Artifacts tab by its address (optionally with an artifact selected), loaded. */
  async open(baseUrl: string, runId: string, artifact?: string): Promise<void> {
    const query = new URLSearchParams({ tab: 'artifacts', ...(artifact ? { artifact } : {}) })
    await this.page.goto(`${baseUrl}#/runs/${runId}?${query}`)
    await expect(this.tree).toBeVisible()
  }

  /** The artifact a (hash-routed) address selects. */
  static selectedIn(url: URL): string | null {
    return new URLSearchParams(url.hash.split('?')[1] ?? '').get('artifact')
  }

  node(path: string): Locator {
    return this.page.locator(byPath('artifact-node', path))
  }

  /** Click an entry: a folder opens (its children listed) and is selected; a file is previewed. */
  async select(path: string): Promise<void> {
    await this.node(path).click()
    await expect(this.page).toHaveURL((url) => ArtifactsPage.selectedIn(url) === path)
  }

  /** Wait until the preview pane shows `path` as `view` (table, text, image, markdown, binary). */
  async expectPreview(path: string, view: string): Promise<void> {
    await expect(this.page.locator(byPath('artifact-preview', path))).toHaveAttribute('data-view', view)
  }

  /** The download of `path` in the jobs panel. */
  download(path: string): Locator {
    return this.page.locator(`[data-kind="download"]${byPath('job', path)}`)
  }

  /** Wait for a download to finish and return where it was saved. */
  async savedPath(path: string): Promise<string> {
    const job = this.download(path).first()
    await expect(job).toHaveAttribute('data-state', 'done', { timeout: 30_000 })
    return (await job.getByTestId('job-path').innerText()).trim()
  }
}
