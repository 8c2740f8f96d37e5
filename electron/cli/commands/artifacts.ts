import { Command } from 'commander'
import type { GetOptions, ListOptions } from '../actions/artifacts'
import type { CliIO } from '../io'

const actions = () => import('../actions/artifacts')

export function artifactsCommand(io: CliIO): Command {
  const artifacts = new Command('artifacts').description("A run's artifacts, from whichever store holds them (local, s3, Azure, GCS, MLflow server, SFTP)")
  artifacts
    .command('list')
    .description("List one folder of a run's artifacts (folders first), like mlflow artifacts list")
    .requiredOption('--run-id <id>', 'the run id')
    .option('--path <path>', 'a folder below the artifact root', '')
    .option('--json', 'print MLflow REST JSON: {"root_uri": ..., "files": [{"path", "is_dir", "file_size"}]}')
    .action(async (opts: ListOptions, cmd: Command) => (await actions()).list(io, opts, cmd))
  artifacts
    .command('get')
    .description('Download one artifact file (written to OUT.part, renamed when complete); prints its sha256')
    .requiredOption('--run-id <id>', 'the run id')
    .requiredOption('--path <path>', 'the file, relative to the artifact root')
    .requiredOption('--out <file>', 'where to write it')
    .action(async (opts: GetOptions, cmd: Command) => (await actions()).get(io, opts, cmd))
  return artifacts
}
