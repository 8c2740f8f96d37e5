import { spawn } from 'node:child_process'
import type { Command } from 'commander'
import type { CliIO } from '../io'
import { appRoot, electronBinary, hasDisplay } from '../paths'
import { serveUi } from './serve'

/** `npm start`: the desktop app where Electron can run, else the same UI over local HTTP. */
export async function start(io: CliIO, opts: { port?: string }, cmd: Command): Promise<void> {
  const bin = electronBinary(io.env)
  if (bin && hasDisplay(io.env)) {
    const child = spawn(bin, [appRoot()], { stdio: 'inherit', env: io.env })
    await new Promise<void>((resolve) => child.on('exit', () => resolve()))
    return
  }
  const why = bin ? 'no display is available' : "Electron's binary is not available on this machine"
  await serveUi(cmd, io, opts.port ? Number(opts.port) : 0, (url) => `MLflow Desk: ${why}, so the same UI is served at ${url}`)
}
