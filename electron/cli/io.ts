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
  /** Call `listener` when the user presses Ctrl-C (SIGINT) during a command; returns the unsubscribe. */
  onInterrupt?(listener: () => void): () => void
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
    onInterrupt: (listener) => {
      // The first Ctrl-C asks the command to stop cleanly; a second one does not wait.
      let presses = 0
      const handler = () => (++presses > 1 ? process.exit(130) : listener())
      process.on('SIGINT', handler)
      return () => void process.off('SIGINT', handler)
    },
    untilStopped: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve())
        process.once('SIGTERM', () => resolve())
      }),
  }
}
