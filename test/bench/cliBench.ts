import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { formatFigure, measure, type Figure } from './measure'

/** The built `mlflow-desk` (npm run bench builds it first). */
export const BUILT_CLI = resolve(__dirname, '../../out/main/cli.js')

/** One process, spawn to exit, as a shell runs it; anything but exit 0 fails the bench. */
function run(args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { stdio: 'ignore' })
    child.on('error', fail)
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`node ${args.join(' ')} exited ${code}`))))
  })
}

/**
 * What a shell user waits for before the command line answers: `--help`,
 * `--version` and a subcommand's help as whole processes, which load only the
 * command definitions. A bare Node start is the floor they cannot go under.
 */
export async function runCliBench(opts: { repeat: number; warmup: number }, log: (m: string) => void, cli = BUILT_CLI): Promise<void> {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: npm run build first`)
  log(`timing ${cli}, ${opts.repeat} runs each after ${opts.warmup} warm-up`)
  const figures: Figure[] = []
  figures.push(await measure('node start (node -e 0), the floor', () => run(['-e', '0']), opts))
  for (const args of [['--version'], ['--help'], ['runs', 'search', '--help']]) {
    figures.push(await measure(`mlflow-desk ${args.join(' ')}`, () => run([cli, ...args]), opts))
  }
  for (const f of figures) console.log(formatFigure(f))
}
