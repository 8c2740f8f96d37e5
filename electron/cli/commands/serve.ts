import { Command } from 'commander'
import type { CliIO } from '../io'

const actions = () => import('../actions/serve')

export function serveCommand(io: CliIO): Command {
  return new Command('serve')
    .description('Serve the app on http://127.0.0.1 (for machines without Electron); the store defaults to the demo')
    .option('--port <n>', 'port to listen on (default: a free one)')
    .action(async (opts: { port?: string }, cmd: Command) => (await actions()).serve(io, opts, cmd))
}
