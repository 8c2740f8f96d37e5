import { appHome } from '../services/config/appPaths'
import { processIO } from './io'
import { runCli } from './program'

// The `mlflow-desk` command (package.json "bin", built to out/main/cli.js).
runCli(process.argv.slice(2), processIO(appHome())).then(
  (code) => process.exit(code),
  () => process.exit(1),
)
