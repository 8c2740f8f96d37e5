import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { freePort } from '../../electron/services/demo/embeddedCluster'
import { accepts } from './sshServer'

/** Azurite's (and Azure's storage emulator's) well-known development account: public values, not secrets. */
export const AZURITE_ACCOUNT = 'devstoreaccount1'
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

/** Azure's own emulator (azurite, blob service only) on a loopback port, in memory. */
export interface AzuriteServer {
  /** Path-style blob endpoint, e.g. http://127.0.0.1:PORT/devstoreaccount1. */
  blobEndpoint: string
  account: string
  accountKey: string
  connectionString: string
  /** Everything azurite printed. */
  log(): string
  stop(): Promise<void>
}

const MAIN = resolve(__dirname, '../../node_modules/azurite/dist/src/blob/main.js')

export async function startAzurite(): Promise<AzuriteServer> {
  const location = await mkdtemp(join(tmpdir(), 'desk-azurite-'))
  const port = await freePort()
  let logText = ''
  const args = [
    MAIN,
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    String(port),
    // In memory (azurite refuses --location with it); its cwd is a temp folder for anything else it writes.
    '--inMemoryPersistence',
    // The SDK may be newer than the emulator's newest API version.
    '--skipApiVersionCheck',
    // Azurite reports usage to Microsoft unless told not to: the tests talk to loopback only.
    '--disableTelemetry',
  ]
  const child: ChildProcess = spawn(process.execPath, args, { cwd: location, stdio: ['ignore', 'pipe', 'pipe'] })
  let exited = false
  child.stdout!.on('data', (d: Buffer) => (logText += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (logText += d.toString()))
  child.once('exit', () => (exited = true))
  const stop = async () => {
    if (!exited) {
      const gone = new Promise<void>((r) => child.once('exit', () => r()))
      child.kill('SIGTERM')
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))])
      if (!exited) child.kill('SIGKILL')
    }
    await rm(location, { recursive: true, force: true })
  }
  const deadline = Date.now() + 20_000
  while (!(await accepts(port))) {
    if (exited || Date.now() > deadline) {
      await stop()
      throw new Error(`azurite did not start on ${port}:\n${logText}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`
  return {
    blobEndpoint,
    account: AZURITE_ACCOUNT,
    accountKey: AZURITE_KEY,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};`,
    log: () => logText,
    stop,
  }
}
