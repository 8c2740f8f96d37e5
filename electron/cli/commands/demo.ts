import { Command } from 'commander'
import { targetToUrl } from '../../services/connections/connectionUrl'
import { ensureDemoStore } from '../../services/demo/demoStore'
import type { CliIO } from '../io'

export function demoCommand(io: CliIO): Command {
  return new Command('demo')
    .description('Start the built-in demo store (embedded PostgreSQL), print its URL, stay up until Ctrl-C')
    .action(async () => {
      const demo = await ensureDemoStore(io.home, (m) => io.err(m))
      // The URL is the point of this command, so it carries the demo's (local, generated) password.
      io.out(targetToUrl(demo.target, true))
      io.err(`Artifacts are under ${demo.artifactRoot}`)
      io.err(demo.cluster.owned ? 'The demo store is up; press Ctrl-C to stop it.' : 'The demo store was already running in another process.')
      if (!demo.cluster.owned) return
      await io.untilStopped()
      await demo.cluster.stop()
    })
}
