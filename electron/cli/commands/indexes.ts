import { Command } from 'commander'
import type pg from 'pg'
import { describeTarget, parseConnectionUrl } from '../../services/connections/connectionUrl'
import { openWritableClient } from '../../services/connections/storeConnection'
import { SEARCH_INDEXES, indexTarget, createSearchIndexes, dropSearchIndexes, searchIndexStatus } from '../../services/tracking/searchIndexes'
import type { CliIO } from '../io'
import { printTable } from '../output'
import { withStore, writeUrl } from '../storeOptions'

const ABOUT = `
The optional migration "MLflow Desk search indexes" adds ${SEARCH_INDEXES.length} indexes MLflow's schema lacks
(named mlflow_desk_*), built CONCURRENTLY so the store keeps taking writes. MLflow ignores
them; "indexes drop" removes them. Nothing is created unless you run "indexes create".`

/** A writable client on --url (never a profile) for the length of `work`. */
async function withWriteClient(cmd: Command, what: string, work: (client: pg.Client, where: string) => Promise<void>): Promise<void> {
  const target = parseConnectionUrl(writeUrl(cmd, what))
  const client = await openWritableClient(target)
  try {
    await work(client, describeTarget(target))
  } finally {
    await client.end()
  }
}

export function indexesCommand(io: CliIO): Command {
  const indexes = new Command('indexes').description('The optional search indexes (opt-in migration): status, create, drop').addHelpText('after', ABOUT)
  indexes
    .command('status')
    .description('Which of the optional mlflow_desk_* indexes the store has (read-only)')
    .option('--json', 'print JSON: {"indexes": [{name, table, columns, state, purpose}]}')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const status = await withStore(cmd, io, (store) => searchIndexStatus(store))
      if (opts.json) return io.out(JSON.stringify({ indexes: status }, null, 2))
      printTable(io, ['INDEX', 'STATE', 'ON', 'SPEEDS UP'], status.map((i) => [i.name, i.state, indexTarget(i), i.purpose]))
    })
  indexes
    .command('create')
    .description('Build the missing indexes (needs --url with a role that may create indexes)')
    .action((_opts: unknown, cmd: Command) =>
      withWriteClient(cmd, 'indexes create', async (client, where) => {
        const built = await createSearchIndexes(client, (m) => io.err(m))
        io.out(built.length ? `Built ${built.join(', ')} on ${where}.` : `${where} has every optional index already; nothing to do.`)
      }),
    )
  indexes
    .command('drop')
    .description('Remove the optional indexes again (needs --url)')
    .action((_opts: unknown, cmd: Command) =>
      withWriteClient(cmd, 'indexes drop', async (client, where) => {
        const dropped = await dropSearchIndexes(client)
        io.out(dropped.length ? `Dropped ${dropped.join(', ')} from ${where}.` : `${where} has none of the optional indexes; nothing to do.`)
      }),
    )
  return indexes
}
