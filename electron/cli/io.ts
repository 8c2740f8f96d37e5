/** What a CLI command may touch of the outside world; tests pass their own. */
export interface CliIO {
  out(text: string): void
  err(text: string): void
  env: NodeJS.ProcessEnv
  /** The app's data folder (MLFLOW_DESK_HOME or the per-OS default). */
  home: string
  /** Resolves when the user asks a long-running command (serve, demo) to stop. */
  untilStopped(): Promise<void>
  /** All of standard input (for --password-stdin). */
  readStdin(): Promise<string>
}

export function processIO(home: string): CliIO {
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
    env: process.env,
    home,
    readStdin: async () => {
      const chunks: Buffer[] = []
      for await (const c of process.stdin) chunks.push(c as Buffer)
      return Buffer.concat(chunks).toString('utf8')
    },
    untilStopped: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve())
        process.once('SIGTERM', () => resolve())
      }),
  }
}
