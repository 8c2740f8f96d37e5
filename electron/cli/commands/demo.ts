import { Command } from 'commander'
import type { CliIO } from '../io'

const actions = () => import('../actions/demo')

export function demoCommand(io: CliIO): Command {
  return new Command('demo')
    .description('Start the built-in demo store (embedded PostgreSQL), print its URL, stay up until Ctrl-C')
    .action(async () => (await actions()).demo(io))
}
