import { createServer, type Server, type Socket } from 'node:net'

/**
 * A fake PostgreSQL server on loopback that speaks just enough of the protocol to
 * ask for a password in clear (AuthenticationCleartextPassword) and write down what
 * every client sends: the startup parameters and the password. It then refuses the
 * login (28P01) and closes. What a hijacked target would see of a stored secret.
 */
export interface FakeLogin {
  user: string | null
  database: string | null
  /** The PasswordMessage's content, or null when the client sent none. */
  password: string | null
}

export interface FakePostgres {
  host: string
  port: number
  /** Every connection, in order. */
  logins: FakeLogin[]
  /** Every password received. */
  passwords(): string[]
  close(): Promise<void>
}

const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104
const CANCEL_REQUEST = 80877102

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5)
  head.write(type, 0, 'latin1')
  head.writeInt32BE(body.length + 4, 1)
  return Buffer.concat([head, body])
}

function authCleartext(): Buffer {
  const body = Buffer.alloc(4)
  body.writeInt32BE(3, 0)
  return message('R', body)
}

function authFailed(user: string | null): Buffer {
  const fields = [`SFATAL`, `VFATAL`, `C28P01`, `Mpassword authentication failed for user "${user ?? ''}"`]
  return message('E', Buffer.concat([...fields.map((f) => Buffer.from(f + '\0', 'utf8')), Buffer.from([0])]))
}

function serve(socket: Socket, logins: FakeLogin[]): void {
  let buf = Buffer.alloc(0)
  let login: FakeLogin | null = null
  socket.on('error', () => undefined)
  socket.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk])
    for (;;) {
      if (!login) {
        // Untyped startup-phase messages: length, then a code or the protocol version.
        if (buf.length < 8) return
        const len = buf.readInt32BE(0)
        if (buf.length < len) return
        const code = buf.readInt32BE(4)
        const body = buf.subarray(8, len)
        buf = buf.subarray(len)
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          socket.write('N')
          continue
        }
        if (code === CANCEL_REQUEST) {
          socket.end()
          return
        }
        const parts = body.toString('utf8').split('\0')
        const params: Record<string, string> = {}
        for (let i = 0; i + 1 < parts.length && parts[i]; i += 2) params[parts[i]!] = parts[i + 1]!
        login = { user: params.user ?? null, database: params.database ?? null, password: null }
        logins.push(login)
        socket.write(authCleartext())
        continue
      }
      if (buf.length < 5) return
      const type = String.fromCharCode(buf[0]!)
      const len = buf.readInt32BE(1)
      if (buf.length < len + 1) return
      const body = buf.subarray(5, len + 1)
      buf = buf.subarray(len + 1)
      if (type === 'p') {
        login.password = body.toString('utf8').replace(/\0$/, '')
        socket.end(authFailed(login.user))
        return
      }
      if (type === 'X') {
        socket.end()
        return
      }
    }
  })
}

export async function startFakePostgres(): Promise<FakePostgres> {
  const logins: FakeLogin[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    serve(s, logins)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('the fake server has no port')
  return {
    host: '127.0.0.1',
    port: address.port,
    logins,
    passwords: () => logins.map((l) => l.password).filter((p): p is string => p !== null),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
