import { describe, expect, it } from 'vitest'
import { formatFindRef, parseFindRef, runIdFilter } from '@shared/find/findRef'

const RUN = '0123456789abcdef0123456789abcdef'

describe('what a pasted text refers to', () => {
  it('takes a 32-hex run id in any case, trimmed of quotes and brackets', () => {
    expect(parseFindRef(RUN)).toEqual({ kind: 'run', run_id: RUN, artifact_path: '' })
    expect(parseFindRef(`  "${RUN.toUpperCase()}".`)).toEqual({ kind: 'run', run_id: RUN, artifact_path: '' })
    expect(parseFindRef(`\`${RUN}\``)?.kind).toBe('run')
  })

  it('takes runs:/<id>/<path> as MLflow writes it', () => {
    expect(parseFindRef(`runs:/${RUN}/model`)).toEqual({ kind: 'run', run_id: RUN, artifact_path: 'model' })
    expect(parseFindRef(`runs:/${RUN}/model/data/model.pkl`)).toEqual({ kind: 'run', run_id: RUN, artifact_path: 'model/data/model.pkl' })
    expect(parseFindRef(`runs:/${RUN}`)).toEqual({ kind: 'run', run_id: RUN, artifact_path: '' })
    expect(parseFindRef(`runs:/${RUN}/`)).toEqual({ kind: 'run', run_id: RUN, artifact_path: '' })
    expect(parseFindRef('runs:/not-a-run/model')).toBeNull()
  })

  it('reads models:/ URIs as MLflow’s _parse_model_uri does', () => {
    expect(parseFindRef('models:/churn/3')).toEqual({ kind: 'model_uri', name: 'churn', version: '3', stage: null, alias: null })
    expect(parseFindRef('models:/churn/latest')).toEqual({ kind: 'model_uri', name: 'churn', version: null, stage: null, alias: null })
    expect(parseFindRef('models:/churn/LATEST')).toEqual({ kind: 'model_uri', name: 'churn', version: null, stage: null, alias: null })
    expect(parseFindRef('models:/churn/Production')).toEqual({ kind: 'model_uri', name: 'churn', version: null, stage: 'Production', alias: null })
    expect(parseFindRef('models:/churn@champion')).toEqual({ kind: 'model_uri', name: 'churn', version: null, stage: null, alias: 'champion' })
    expect(parseFindRef('models:/my@model@prod')).toEqual({ kind: 'model_uri', name: 'my@model', version: null, stage: null, alias: 'prod' })
    expect(parseFindRef(`models:/m-${RUN}`)).toEqual({ kind: 'logged_model', model_id: `m-${RUN}` })
  })

  it('refuses malformed models:/ URIs (as MLflow does)', () => {
    expect(parseFindRef('models:/')).toBeNull()
    expect(parseFindRef('models:/a/b/c')).toBeNull()
    expect(parseFindRef('models:/churn/')).toBeNull()
    expect(parseFindRef('models:/churn@')).toBeNull()
    // A bare name without version, stage or alias is neither a name URI nor a model id.
    expect(parseFindRef('models:/churn')).toBeNull()
  })

  it('reads prompts:/ URIs as MLflow writes them: a version, an alias (latest among them), or a link to a prompt', () => {
    expect(parseFindRef('prompts:/support-system-prompt/2')).toEqual({ kind: 'prompt_uri', name: 'support-system-prompt', version: '2', alias: null })
    expect(parseFindRef('prompts:/support-system-prompt@production')).toEqual({
      kind: 'prompt_uri',
      name: 'support-system-prompt',
      version: null,
      alias: 'production',
    })
    expect(parseFindRef('"prompts:/qa.v2@latest"')).toEqual({ kind: 'prompt_uri', name: 'qa.v2', version: null, alias: 'latest' })
    expect(parseFindRef('prompts:/qa')).toEqual({ kind: 'prompt_uri', name: 'qa', version: null, alias: null })
    expect(parseFindRef('http://localhost:1/#/prompts/sql-generator?version=1')).toEqual({
      kind: 'prompt_uri',
      name: 'sql-generator',
      version: null,
      alias: null,
    })
    for (const bad of ['prompts:/', 'prompts:/qa/two', 'prompts:/qa/1/2', 'prompts:/qa@']) expect(parseFindRef(bad)).toBeNull()
    expect(formatFindRef({ kind: 'prompt_uri', name: 'qa', version: '3', alias: null })).toBe('prompts:/qa/3')
    expect(formatFindRef({ kind: 'prompt_uri', name: 'qa', version: null, alias: 'prod' })).toBe('prompts:/qa@prod')
  })

  it('takes trace and logged model ids', () => {
    expect(parseFindRef(`tr-${RUN}`)).toEqual({ kind: 'trace', trace_id: `tr-${RUN}` })
    expect(parseFindRef(`m-${RUN.toUpperCase()}`)).toEqual({ kind: 'logged_model', model_id: `m-${RUN}` })
    expect(parseFindRef(`tr-${RUN.slice(1)}`)).toBeNull()
  })

  it('takes links of MLflow’s UI and of this app', () => {
    expect(parseFindRef(`http://mlflow:5000/#/experiments/3/runs/${RUN}`)).toEqual({ kind: 'run', run_id: RUN, artifact_path: '' })
    expect(parseFindRef(`https://mlflow.example.com/#/experiments/3/runs/${RUN}/artifacts`)?.kind).toBe('run')
    expect(parseFindRef(`#/runs/${RUN}?tab=metrics`)).toEqual({ kind: 'run', run_id: RUN, artifact_path: '' })
    expect(parseFindRef('http://mlflow:5000/#/experiments/12')).toEqual({ kind: 'experiment', experiment_id: '12' })
    expect(parseFindRef('http://mlflow:5000/#/models/churn%20model/versions/4')).toEqual({ kind: 'model', name: 'churn model', version: '4' })
    expect(parseFindRef('http://mlflow:5000/#/models/churn')).toEqual({ kind: 'model', name: 'churn', version: null })
    expect(parseFindRef('https://example.com/about')).toBeNull()
  })

  it('leaves words, numbers and shorter hex to the name search', () => {
    for (const text of ['', '   ', 'val_loss', 'resnet 50', '12', RUN.slice(0, 31), `${RUN}0`, 'runs', 'models:', 'deadbeef']) {
      expect(parseFindRef(text), text).toBeNull()
    }
  })

  it('writes a reference back as MLflow would', () => {
    for (const text of [RUN, `runs:/${RUN}/model`, 'models:/churn/3', 'models:/churn@champion', 'models:/churn/Production', `tr-${RUN}`, `m-${RUN}`]) {
      expect(formatFindRef(parseFindRef(text)!)).toBe(text)
    }
    expect(formatFindRef(parseFindRef('models:/churn/latest')!)).toBe('models:/churn/latest')
  })

  it('turns a pasted run id, runs:/ URI or run link into the runs filter that finds that run', () => {
    expect(runIdFilter(` ${RUN.toUpperCase()} `)).toBe(`attributes.run_id = '${RUN}'`)
    expect(runIdFilter(`runs:/${RUN}/model`)).toBe(`attributes.run_id = '${RUN}'`)
    expect(runIdFilter(`http://mlflow:5000/#/experiments/1/runs/${RUN}`)).toBe(`attributes.run_id = '${RUN}'`)
    expect(runIdFilter(`metrics.acc > 0.9`)).toBeNull()
    expect(runIdFilter('models:/churn/1')).toBeNull()
  })
})
