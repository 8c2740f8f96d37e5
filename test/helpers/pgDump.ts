import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'

/**
 * Load a plain-format pg_dump (as test/fixtures holds) without psql:
 * SQL statements are sent as they are, COPY ... FROM stdin blocks are streamed
 * through COPY, psql meta-commands (\restrict) are skipped. pg_dump writes one
 * statement per line group ending in ";", which is what this relies on.
 */
export async function loadPlainDump(client: pg.Client, file: string): Promise<void> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })
  let statement: string[] = []
  let copy: { sql: string; rows: string[] } | null = null
  for await (const line of lines) {
    if (copy) {
      if (line === '\\.') {
        const { sql, rows } = copy
        copy = null
        const stream = client.query(copyFrom(sql))
        await pipeline(Readable.from(rows.map((r) => r + '\n')), stream)
      } else {
        copy.rows.push(line)
      }
      continue
    }
    if (statement.length === 0 && (line.startsWith('--') || line.startsWith('\\') || line.trim() === '')) continue
    statement.push(line)
    if (line.trimEnd().endsWith(';')) {
      const sql = statement.join('\n')
      statement = []
      if (/^COPY\s.+FROM stdin;$/is.test(sql.trim())) copy = { sql: sql.trim().replace(/;$/, ''), rows: [] }
      else await client.query(sql)
    }
  }
}
