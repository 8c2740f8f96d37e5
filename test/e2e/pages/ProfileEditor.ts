import { expect, type Locator, type Page } from '@playwright/test'
import type { Environment } from '@shared/domain/profiles'

/** The profile editor (a modal): fields, Test connection and its result, Save. */
export class ProfileEditor {
  readonly root: Locator
  readonly name: Locator
  readonly host: Locator
  readonly port: Locator
  readonly database: Locator
  readonly user: Locator
  readonly password: Locator
  readonly passwordStatus: Locator
  readonly result: Locator
  readonly status: Locator
  /** What Test connection says of the role: data-level read-only, can-write or superuser. */
  readonly roleAccess: Locator
  readonly allowedFunctions: Locator

  constructor(readonly page: Page) {
    this.root = page.getByTestId('profile-editor')
    this.name = this.root.getByTestId('profile-name').locator('input')
    this.host = this.root.getByTestId('profile-host').locator('input')
    this.port = this.root.getByTestId('profile-port').locator('input')
    this.database = this.root.getByTestId('profile-database').locator('input')
    this.user = this.root.getByTestId('profile-user').locator('input')
    this.password = this.root.getByTestId('profile-password').locator('input')
    this.passwordStatus = this.root.getByTestId('profile-password-status')
    this.result = this.root.getByTestId('test-result')
    this.status = this.root.getByTestId('test-status')
    this.roleAccess = this.result.getByTestId('role-access')
    this.allowedFunctions = this.root.getByTestId('allowed-function').locator('input')
  }

  /** Add an entry to the SQL console's allow-list. */
  async allowFunction(name: string): Promise<void> {
    await this.root.getByTestId('add-allowed-function').click()
    await this.allowedFunctions.last().fill(name)
  }

  async waitOpen(): Promise<void> {
    await expect(this.root).toBeVisible()
  }

  async setName(name: string): Promise<void> {
    await this.name.fill(name)
  }

  async setEnvironment(env: Environment): Promise<void> {
    await this.root.getByTestId(`env-${env}`).click()
  }

  /** Test connection, and wait for its outcome. */
  async test(): Promise<void> {
    await this.root.getByTestId('test-connection').click()
    await expect(this.status).toBeVisible({ timeout: 30_000 })
  }

  fact(key: 'server' | 'latency' | 'tls' | 'ssh' | 'mlflow' | 'versions' | 'revision' | 'experiments' | 'runs'): Locator {
    return this.result.getByTestId(`fact-${key}`)
  }

  /** Field validation messages shown under the fields. */
  feedback(): Locator {
    return this.root.locator('.n-form-item-feedback__line')
  }

  async useSshTunnel(on: boolean): Promise<void> {
    const toggle = this.root.getByTestId('profile-ssh-enabled')
    if ((await toggle.getAttribute('aria-checked')) !== String(on)) await toggle.click()
  }

  /** Save, expecting the form to refuse (validation messages under the fields). */
  async saveRefused(): Promise<void> {
    await this.root.getByTestId('save-profile').click()
    await expect(this.feedback().first()).toBeVisible()
    await expect(this.root).toBeVisible()
  }

  async cancel(): Promise<void> {
    await this.root.getByRole('button', { name: 'Cancel' }).click()
    await expect(this.root).toBeHidden()
  }

  async save(): Promise<void> {
    await this.root.getByTestId('save-profile').click()
    await expect(this.root).toBeHidden()
  }
}
