import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dispatch } from '../../electron/services/api/dispatch'
import type { CallContext } from '../../electron/services/api/handlers'
import { createAppContext } from '../../electron/services/appContext'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import type { Channel, ChannelRequest, ChannelResponse } from '@shared/api/contract'
import type { AppErrorPayload } from '@shared/api/errors'
import { adminClient, createDatabase, urlFor } from './databases'
import { artifactRootUri, FIXTURES, type FixtureName } from './fixtures'

/** An app over a copy of a fixture, its artifacts mapped from the server path the dump records to the files beside it. */
export async function appOver(fixture: FixtureName, prefix: string) {
  return appOverDatabase(await createDatabase(prefix, FIXTURES[fixture].template), prefix, [`${artifactRootUri(fixture)}=${FIXTURES[fixture].artifacts}`])
}

/** An app over a test database (its artifact locations mapped by `artifactMaps`, "from=to" each). */
export async function appOverDatabase(db: string, prefix: string, artifactMaps: string[] = []) {
  const home = await mkdtemp(join(tmpdir(), `desk-${prefix}-`))
  const app = await createAppContext({
    home,
    env: {},
    cipher: aesGcmCipher(Buffer.alloc(32, 5), 'a test key'),
    choice: { url: urlFor(db), artifactMaps },
    transport: 'http',
  })
  const call: CallContext = { window: await app.workspace.window(prefix), signal: new AbortController().signal, openWindow: async () => null }
  const ask = <C extends Channel>(channel: C, req: ChannelRequest<C>) => dispatch(app.handlers, channel, req, call)
  const ok = async <C extends Channel>(channel: C, req: ChannelRequest<C>): Promise<ChannelResponse<C>> => {
    const r = await ask(channel, req)
    if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`)
    return r.data as ChannelResponse<C>
  }
  const fails = async <C extends Channel>(channel: C, req: ChannelRequest<C>): Promise<AppErrorPayload> => {
    const r = await ask(channel, req)
    if (r.ok) throw new Error(`${channel} answered ${JSON.stringify(r.data).slice(0, 300)}`)
    return r.error
  }
  /** Change the copy of the store as a test case needs (a source moved, a file gone). */
  const sql = async (text: string, params: unknown[] = []) => {
    const c = adminClient(db)
    await c.connect()
    try {
      await c.query(text, params)
    } finally {
      await c.end()
    }
  }
  return { app, db, ok, fails, sql, dispose: () => app.workspace.dispose() }
}
