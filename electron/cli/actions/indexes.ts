import type { Command } from 'commander'
import type pg from 'pg'
import { describeTarget, parseConnectionUrl } from '../../services/connections/connectionUrl'
import { openWritableClient } from '../../services/connections/storeConnection'
import {
  indexTarget,
  createSearchIndexes,
  dropSearchIndexes,
  searchIndexStatus,
  searchIndexStatusOn,
  type IndexTarget,
} from '../../services/tracking/searchIndexes'
import type { CliIO } from '../io'
import { formatBytes, printTable } from '../output'
import { withStore, writeUrl } from '../storeOptions'

/** A writable client on --url (never a profile) for the length of `work`. */
async function withWriteClient(cmd: Command, what: string, work: (client: pg.Client, target: IndexTarget) => Promise<void>): Promise<void> {
  const target = parseConnectionUrl(writeUrl(cmd, what))
  const client = await openWritableClient(target)
  try {
    await work(client, { schema: target.schema, where: describeTarget(target) })
  } finally {
    await client.end()
  }
}

export async function status(io: CliIO, opts: { json?: boolean }, cmd: Command): Promise<void> {
  const indexes = await withStore(cmd, io, (store) => searchIndexStatus(store))
  if (opts.json) return io.out(JSON.stringify({ indexes }, null, 2))
  printTable(
    io,
    ['INDEX', 'STATE', 'SIZE', 'ON', 'SPEEDS UP'],
    indexes.map((i) => [
      i.name,
      i.optIn && i.state === 'absent' ? `absent (opt-in: create ${i.optIn.flag})` : i.state,
      i.bytes === null ? '' : formatBytes(i.bytes),
      indexTarget(i),
      i.optIn ? `${i.purpose}. Costs: ${i.optIn.cost}` : i.purpose,
    ]),
  )
}

export function create(io: CliIO, opts: { metricHistory?: boolean }, cmd: Command): Promise<void> {
  return withWriteClient(cmd, 'indexes create', async (client, target) => {
    const built = await createSearchIndexes(client, target, (m) => io.err(m), opts)
    if (built.length) return io.out(`Built ${built.join(', ')} on ${target.where}.`)
    const notAsked = opts.metricHistory ? [] : (await searchIndexStatusOn(client, target)).filter((i) => i.optIn && i.state === 'absent')
    io.out(
      notAsked.length
        ? `${target.where} has every default index already; nothing to do (not built unless asked for: ${notAsked.map((i) => `${i.name}, create ${i.optIn!.flag}`).join('; ')}).`
        : `${target.where} has every optional index already; nothing to do.`,
    )
  })
}

export function drop(io: CliIO, cmd: Command): Promise<void> {
  return withWriteClient(cmd, 'indexes drop', async (client, target) => {
    const dropped = await dropSearchIndexes(client, target)
    io.out(dropped.length ? `Dropped ${dropped.join(', ')} from ${target.where}.` : `${target.where} has none of the optional indexes; nothing to do.`)
  })
}
