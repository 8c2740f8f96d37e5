import { Command } from 'commander'
import type { ExportOptions } from '../actions/export'
import type { CliIO } from '../io'

const actions = () => import('../actions/export')

const HELP = `
Layout (mlflow-export-import's, so its import-run / import-experiment / import-model read it):
  one run:               DIR/run.json, DIR/artifacts/...
  several runs, or --experiment-id:
                         DIR/experiment.json, DIR/runs/<run_id>/run.json + artifacts/
  --experiment-id also:  DIR/traces/traces.json, DIR/traces/<trace_id>/trace.json + artifacts/traces.json (spans),
                         DIR/logged_models/logged_models.json, DIR/logged_models/<model_id>/logged_model.json + artifacts/,
                         DIR/evaluation_datasets/evaluation_datasets_summary.json,
                         DIR/evaluation_datasets/<name>_<dataset_id>/evaluation_dataset.json (with its records)
  --model NAME[/VERSION]: DIR/model.json, DIR/<run_id>/run.json + artifacts/ per version's source run
  --traces ID[,ID...], or --experiment-id ID --traces-filter F:
                         DIR/traces.json, DIR/<trace_id>/trace.json + artifacts/traces.json
  plus DIR/export-report.json and DIR/manifest.json (every file's path, size and sha256; written last,
  so a folder without it is an unfinished export: rerun with --resume to complete it).

Exit codes: 0 done, 1 failed (rerun with --resume), 2 bad input, 3 done but some files the
store listed could not be read (listed in the report's "missing"), 130 cancelled (Ctrl-C).`

export function exportCommand(io: CliIO): Command {
  return new Command('export')
    .description(
      "Export runs, an experiment (with its traces, logged models and evaluation datasets), a registered model or traces, in mlflow-export-import's layout",
    )
    .option('--run-ids <ids>', 'comma-separated run ids (one run: DIR/run.json; several: DIR/experiment.json + runs/)')
    .option('--experiment-id <id>', "an experiment's active runs")
    .option('--model <name>', 'a registered model NAME (every version) or NAME/VERSION, with the source runs')
    .option('--traces <ids>', 'comma-separated trace ids (tr-…): each trace with its spans, assessments, tags and metadata')
    .option('--traces-filter <filter>', "with --experiment-id: only the experiment's traces this search filter matches (the traces command's syntax)")
    .requiredOption('--out <dir>', 'the export folder (new or empty, or an unfinished export with --resume)')
    .option('--zip', 'also write DIR.zip once the folder is complete and verified')
    .option('--resume', 'complete an interrupted export in DIR: keep files whose size and sha256 verify, fetch the rest')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', HELP)
    .action(async (opts: ExportOptions, cmd: Command) => (await actions()).exportSelection(io, opts, cmd))
}
