import type { Command } from 'commander'
import { describeTarget, parseConnectionUrl } from '../../services/connections/connectionUrl'
import { migrateStore } from '../../services/tracking/migrate'
import type { CliIO } from '../io'
import { writeUrl } from '../storeOptions'

export async function migrate(io: CliIO, cmd: Command): Promise<void> {
  const target = parseConnectionUrl(writeUrl(cmd, 'migrate'))
  const result = await migrateStore(target)
  io.out(
    result.alreadyCurrent
      ? `${describeTarget(target)} is already at MLflow schema revision ${result.revision}; nothing to do.`
      : `Migrated ${describeTarget(target)} to MLflow schema revision ${result.revision} (${result.applied.join(', ')}).`,
  )
}
