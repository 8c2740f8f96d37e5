/** Thrown by a command that finished its work but must end with a particular exit code (e.g. export: 3, done with missing files). */
export class CommandExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`)
    this.name = 'CommandExit'
  }
}
