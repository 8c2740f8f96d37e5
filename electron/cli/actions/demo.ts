import { targetToUrl } from '../../services/connections/connectionUrl'
import { ensureDemoStore } from '../../services/demo/demoStore'
import type { CliIO } from '../io'

export async function demo(io: CliIO): Promise<void> {
  const store = await ensureDemoStore(io.home, (m) => io.err(m))
  // The URL is the point of this command, so it carries the demo's (local, generated) password.
  io.out(targetToUrl(store.target, true))
  io.err(`Artifacts are under ${store.artifactRoot}`)
  io.err(store.cluster.owned ? 'The demo store is up; press Ctrl-C to stop it.' : 'The demo store was already running in another process.')
  if (!store.cluster.owned) return
  await io.untilStopped()
  await store.cluster.stop()
}
