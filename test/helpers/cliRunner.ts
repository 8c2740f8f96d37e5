import { runCli } from '../../electron/cli/program'
import type { CliIO } from '../../electron/cli/io'

/** Run the CLI in-process with captured output, as a user at a terminal would see it. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}, home = '/nonexistent-home', stdin = '') {
  const out: string[] = []
  const err: string[] = []
  const io: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), env, home, untilStopped: async () => undefined, readStdin: async () => stdin }
  const code = await runCli(args, io)
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}
