/** pgpass (node-postgres' own dependency) ships no types: the one call used. */
declare module 'pgpass' {
  function pgPass(connInfo: { host?: string; port?: number; database?: string; user?: string }, cb: (password?: string) => void): void
  export default pgPass
}
