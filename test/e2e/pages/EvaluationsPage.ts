import { expect, type Locator, type Page } from '@playwright/test'

/** An experiment's Evaluations tab, an evaluation run's results, two runs compared, and an evaluation dataset's page. */
export class EvaluationsPage {
  readonly tab: Locator
  readonly count: Locator
  readonly runs: Locator
  readonly compareButton: Locator
  readonly datasets: Locator
  readonly title: Locator
  readonly rows: Locator
  readonly aggregates: Locator
  readonly rowDetail: Locator
  readonly compareRows: Locator
  readonly compareFilter: Locator
  readonly datasetTitle: Locator
  readonly records: Locator

  constructor(readonly page: Page) {
    this.tab = page.getByTestId('experiment-tab-evaluations')
    this.count = page.getByTestId('evaluations-count')
    this.runs = page.getByTestId('evaluation-run')
    this.compareButton = page.getByTestId('evaluations-compare')
    this.datasets = page.getByTestId('dataset-row')
    this.title = page.getByTestId('evaluation-title')
    this.rows = page.getByTestId('evaluation-row')
    this.aggregates = page.getByTestId('evaluation-aggregate')
    this.rowDetail = page.getByTestId('evaluation-row-detail')
    this.compareRows = page.getByTestId('compare-row')
    this.compareFilter = page.getByTestId('compare-filter')
    this.datasetTitle = page.getByTestId('dataset-title')
    this.records = page.getByTestId('dataset-record')
  }

  async waitLoaded(): Promise<void> {
    await expect(this.count).toHaveText(/\d+ evaluation runs?/)
  }

  run(runId: string): Locator {
    return this.page.locator(`[data-testid="evaluation-run"][data-run-id="${runId}"]`)
  }

  async runIds(): Promise<string[]> {
    return this.runs.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-run-id') ?? ''))
  }

  async rowIds(): Promise<string[]> {
    return this.rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-trace-id') ?? ''))
  }

  row(traceId: string): Locator {
    return this.page.locator(`[data-testid="evaluation-row"][data-trace-id="${traceId}"]`)
  }

  async tick(runId: string): Promise<void> {
    await this.run(runId).locator('.n-checkbox').click()
  }
}
