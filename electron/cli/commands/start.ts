import { Command } from 'commander'
import type { CliIO } from '../io'

const actions = () => import('../actions/start')

export function startCommand(io: CliIO): Command {
  return new Command('start')
    .description('Open the app: an Electron window, or the local HTTP UI where Electron cannot run')
    .option('--port <n>', 'port for the HTTP fallback')
    .action(async (opts: { port?: string }, cmd: Command) => (await actions()).start(io, opts, cmd))
}
