import type { Command } from 'commander'
import { createAppContext } from '../../services/appContext'
import { startHttpTransport } from '../../services/http/httpServer'
import { redact } from '../../services/security/redact'
import type { CliIO } from '../io'
import { rendererDir } from '../paths'
import { cliSecretStorageFor, storeChoice } from '../storeOptions'
import { parseIntOption } from '../validate'

/**
 * Serve the UI over the local HTTP transport until stopped. `announce` turns
 * the URL into the line to print (`start` says why it is not a window).
 */
export async function serveUi(cmd: Command, io: CliIO, port: number, announce: (url: string) => string): Promise<void> {
  const secrets = await cliSecretStorageFor(io)
  const { workspace, handlers, events } = await createAppContext({
    home: io.home,
    env: io.env,
    cipher: secrets.cipher,
    secretStorageWarning: secrets.warning,
    choice: storeChoice(cmd),
    transport: 'http',
    onProgress: (m) => io.err(m),
  })
  try {
    // Open the first window's store before printing the URL, so the first page
    // has data; a failure is shown in the UI too, so it only warns here.
    const first = await workspace.window('http:default')
    await first.store().catch((e: unknown) => io.err(`warning: ${redact(e instanceof Error ? e.message : String(e))}`))
    const transport = await startHttpTransport({ handlers, workspace, rendererDir: rendererDir(io.env), port })
    const unsubscribe = events.subscribe((event, payload) => transport.emit(event, payload))
    io.out(announce(transport.openUrl))
    await io.untilStopped()
    unsubscribe()
    await transport.close()
  } finally {
    await workspace.dispose()
  }
}

export async function serve(io: CliIO, opts: { port?: string }, cmd: Command): Promise<void> {
  const port = parseIntOption('--port', opts.port) ?? 0
  await serveUi(cmd, io, port, (url) => `MLflow Desk is serving on ${url}  (Ctrl-C to stop)`)
}
