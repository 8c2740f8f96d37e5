import { Command, Option } from 'commander'
import type { GenerateOptions } from '../actions/generate'
import type { CliIO } from '../io'

const actions = () => import('../actions/generate')

export function generateCommand(io: CliIO): Command {
  return new Command('generate')
    .description('Fill an empty database with a generated MLflow store (demo data, or large ones for benchmarks)')
    .addOption(
      new Option('--size <size>', 'small: the demo; medium: 20k runs; large: 100k runs, 10M+ metric rows')
        .choices(['small', 'medium', 'large'])
        .default('small'),
    )
    .option('--large', 'same as --size large (the benchmark store)')
    .option('--genai', 'GenAI traces instead of runs: small 2k, medium 100k, large 1M traces (~10 spans and 1.3 assessments each)')
    .option('--seed <n>', 'random seed', '1')
    .option('--artifact-root <dir>', 'where artifacts are written (small size)')
    .action(async (opts: GenerateOptions, cmd: Command) => (await actions()).generate(io, opts, cmd))
}
