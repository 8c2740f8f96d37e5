import { connect } from 'node:net'

/**
 * PostgreSQL's CancelRequest for one backend: a 16-byte packet (length, the
 * code 80877102, the backend's pid and secret key) on a new connection to the
 * same server, which closes it once the backend has been signalled. Only the
 * statement running on that backend is stopped; its connection stays open.
 * The server accepts the request before any TLS or authentication, as libpq
 * sends it; a pooler such as PgBouncer forwards it to the server connection
 * the client's statement runs on. Resolves when the server has closed the
 * socket (the signal was delivered), or after `timeoutMs` if it does not answer.
 */
export function sendCancelRequest(endpoint: { host: string; port: number }, pid: number, secretKey: number, timeoutMs = 5000): Promise<void> {
  const packet = Buffer.alloc(16)
  packet.writeInt32BE(16, 0)
  packet.writeInt32BE(80877102, 4)
  packet.writeInt32BE(pid, 8)
  packet.writeInt32BE(secretKey, 12)
  return new Promise((resolve) => {
    // A host that is a directory is a Unix-domain socket folder, as in libpq.
    const socket = endpoint.host.startsWith('/') ? connect(`${endpoint.host}/.s.PGSQL.${endpoint.port}`) : connect(endpoint.port, endpoint.host)
    const done = () => {
      clearTimeout(timer)
      socket.destroy()
      resolve()
    }
    const timer = setTimeout(done, timeoutMs)
    // Write and wait for the server to close, as libpq does. Half-closing our side right away
    // (end) is fine for PostgreSQL, but PgBouncer then drops the request as "client unexpected eof".
    socket.once('connect', () => socket.write(packet))
    socket.once('close', done)
    socket.once('error', done)
  })
}
