import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appOver } from '../helpers/appOverFixture'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES, type FixtureName } from '../helpers/fixtures'

type Row = Record<string, string | null>

describe.each(['small', 'old'] as FixtureName[])('a model version of the MLflow-written %s fixture', (fixture) => {
  const dump = FIXTURES[fixture].dump
  const versions = dumpRows(dump, 'model_versions')
  const runs = dumpRows(dump, 'runs')
  let t: Awaited<ReturnType<typeof appOver>>
  beforeAll(async () => {
    t = await appOver(fixture, `model_version_${fixture}`)
  })
  afterAll(() => t?.app.workspace.dispose())

  it('models:version gives each version as the dump holds it, its model’s aliases and tags, the other versions, and its source run', async () => {
    for (const v of versions) {
      const got = await t.ok('models:version', { name: v.name!, version: v.version! })
      expect(got.model_version).toMatchObject({
        name: v.name,
        version: v.version,
        source: v.source,
        run_id: v.run_id,
        current_stage: v.current_stage,
        description: v.description,
      })
      expect(got.storage_location).toBe(v.storage_location ?? null)
      const aliases = dumpRows(dump, 'registered_model_aliases').filter((a) => a.name === v.name)
      expect(got.model_aliases).toEqual(aliases.map((a) => ({ alias: a.alias, version: a.version })).sort((a, b) => a.alias!.localeCompare(b.alias!)))
      expect(got.model_version.aliases).toEqual(
        aliases
          .filter((a) => a.version === v.version)
          .map((a) => a.alias)
          .sort(),
      )
      const tags = dumpRows(dump, 'registered_model_tags').filter((x) => x.name === v.name)
      expect(got.model_tags).toEqual(tags.map((x) => ({ key: x.key, value: x.value ?? '' })).sort((a, b) => a.key!.localeCompare(b.key!)))
      const siblings = versions.filter((x) => x.name === v.name).map((x) => Number(x.version))
      expect(got.sibling_versions).toEqual(siblings.sort((a, b) => b - a).map(String))
      expect(got.model_description).toBe(dumpRows(dump, 'registered_models').find((m) => m.name === v.name)!.description)
      // The run with its params and latest metrics, as the dump has them.
      expect(got.run?.info.run_id).toBe(v.run_id)
      const params = dumpRows(dump, 'params').filter((p) => p.run_uuid === v.run_id)
      expect(got.run!.data.params.map((p) => p.key).sort()).toEqual(params.map((p) => p.key).sort())
      const latest = dumpRows(dump, 'latest_metrics').filter((m) => m.run_uuid === v.run_id)
      expect(got.run!.data.metrics.map((m) => m.key).sort()).toEqual(latest.map((m) => m.key).sort())
    }
  })

  it('models:version-files reads each version’s MLmodel where its source is: in its run’s artifacts, as real MLflow wrote it', async () => {
    for (const v of versions) {
      const got = await t.ok('models:version-files', { name: v.name!, version: Number(v.version) })
      expect(got.location).toBe(v.storage_location ?? v.source)
      expect(got.read_from.startsWith(FIXTURES[fixture].artifacts), got.read_from).toBe(true)
      const run = runs.find((r) => r.run_uuid === v.run_id)!
      expect(got.run_artifact).toEqual({ run_id: v.run_id, path: v.source!.slice(run.artifact_uri!.length + 1) })
      // What the file itself says (these MLflow-written files have no flavors or signature).
      const file = readFileSync(join(got.read_from, 'MLmodel'), 'utf8')
      expect(got.mlmodel.run_id).toBe(/^run_id: (.*)$/m.exec(file)![1])
      expect(got.mlmodel.run_id).toBe(v.run_id)
      expect(got.mlmodel.artifact_path).toBe('model')
      expect(got.mlmodel.flavors).toEqual([])
      expect(got.mlmodel.signature).toBeNull()
      expect(got.input_example).toBeNull()
    }
  })

  it('follows a runs:/ source into the run’s artifacts, and a models:/name/version source to that version', async () => {
    const [v, other] = versions
    await t.sql(`UPDATE model_versions SET source = $1, run_id = $2 WHERE name = $3 AND version = $4`, [`runs:/${v.run_id}/model`, v.run_id, v.name, v.version])
    if (fixture === 'small') await t.sql(`UPDATE model_versions SET storage_location = NULL WHERE name = $1 AND version = $2`, [v.name, v.version])
    const run = runs.find((r) => r.run_uuid === v.run_id)!
    const byRun = await t.ok('models:version-files', { name: v.name!, version: v.version! })
    expect(byRun).toMatchObject({ location: `${run.artifact_uri}/model`, run_artifact: { run_id: v.run_id, path: 'model' }, mlmodel: { run_id: v.run_id } })

    await t.sql(`UPDATE model_versions SET source = $1, run_id = NULL WHERE name = $2 AND version = $3`, [
      `models:/${v.name}/${v.version}`,
      other.name,
      other.version,
    ])
    if (fixture === 'small') await t.sql(`UPDATE model_versions SET storage_location = NULL WHERE name = $1 AND version = $2`, [other.name, other.version])
    const chained = await t.ok('models:version-files', { name: other.name!, version: other.version! })
    expect(chained).toMatchObject({ location: `${run.artifact_uri}/model`, mlmodel: { run_id: v.run_id } })
    // A version pointing at itself does not loop: it stops after a few hops, saying why.
    await t.sql(`UPDATE model_versions SET source = $1 WHERE name = $2 AND version = $3`, [`models:/${other.name}/${other.version}`, other.name, other.version])
    const loop = await t.fails('models:version-files', { name: other.name!, version: other.version! })
    expect(loop.code).toBe('NOT_FOUND')
    expect(loop.message).toMatch(/names no model version this app can follow/)
  })

  it('says clearly when the MLmodel is missing or is not YAML, naming where it looked', async () => {
    const v = versions[versions.length - 1]
    const run = runs.find((r) => r.run_uuid === v.run_id)!
    const setSource = (uri: string) =>
      t.sql(`UPDATE model_versions SET source = $1${fixture === 'small' ? ', storage_location = $1' : ''} WHERE name = $2 AND version = $3`, [
        uri,
        v.name,
        v.version,
      ])
    await setSource(`${run.artifact_uri}/no-model-here`)
    const missing = await t.fails('models:version-files', { name: v.name!, version: v.version! })
    expect(missing.code).toBe('NOT_FOUND')
    expect(missing.message).toMatch(
      /^No MLmodel file in .*no-model-here: nothing is there: the files were moved or deleted, or the path is the tracking server's \(map it/,
    )
    // A folder with files but no MLmodel says what it holds.
    await setSource(run.artifact_uri!)
    const notModel = await t.fails('models:version-files', { name: v.name!, version: v.version! })
    expect(notModel.message).toMatch(/^No MLmodel file in .*: this folder holds .*model.*, but no MLmodel: it is not a model folder\.$/)

    const dir = await mkdtemp(join(tmpdir(), 'desk-bad-mlmodel-'))
    try {
      await writeFile(join(dir, 'MLmodel'), 'flavors:\n  sklearn: {pickled_model: model.pkl\nrun_id: x\n')
      await setSource(pathToFileURL(dir).href)
      const bad = await t.fails('models:version-files', { name: v.name!, version: v.version! })
      expect(bad.code).toBe('INVALID_ARTIFACT')
      expect(bad.message).toMatch(/MLmodel file in .* is not valid YAML \(line \d+, column \d+\)/)
      // A model folder of our own: a signature, and an input example that is named but not there.
      await mkdir(join(dir, 'm'))
      await writeFile(
        join(dir, 'm', 'MLmodel'),
        `flavors: {python_function: {loader_module: mlflow.sklearn}}\nsaved_input_example_info: {artifact_path: input_example.json, type: ndarray}\nsignature:\n  inputs: '[{"type": "double", "name": "a"}]'\n`,
      )
      await setSource(pathToFileURL(join(dir, 'm')).href)
      const noExample = await t.ok('models:version-files', { name: v.name!, version: v.version! })
      expect(noExample.run_artifact).toBeNull()
      expect(noExample.mlmodel.signature?.inputs).toEqual([{ name: 'a', type: 'double', required: true }])
      expect(noExample.input_example).toMatchObject({
        path: 'input_example.json',
        text: null,
        error: expect.stringMatching(/No artifact "input_example.json"/),
      })
      await writeFile(join(dir, 'm', 'input_example.json'), '{"inputs": [[1.5]]}')
      expect((await t.ok('models:version-files', { name: v.name!, version: v.version! })).input_example).toEqual({
        path: 'input_example.json',
        size: 19,
        text: '{"inputs": [[1.5]]}',
        truncated: false,
        error: null,
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('gives a version whose run is gone without its run, and refuses unknown versions and malformed numbers', async () => {
    const v = versions[0]
    await t.sql(`UPDATE model_versions SET run_id = $1 WHERE name = $2 AND version = $3`, ['0'.repeat(32), v.name, v.version])
    expect((await t.ok('models:version', { name: v.name!, version: v.version! })).run).toBeNull()
    const missing = await t.fails('models:version', { name: v.name!, version: 99 })
    expect(missing).toMatchObject({ code: 'NOT_FOUND', message: `Model version '${v.name}' version 99 not found in ${missing.message.split(' in ')[1]}` })
    expect(await t.fails('models:version', { name: v.name!, version: 'two' })).toMatchObject({ code: 'BAD_REQUEST', details: { field: 'version' } })
    expect(await t.fails('models:version-files', { name: v.name!, version: 0 })).toMatchObject({ code: 'BAD_REQUEST', details: { field: 'version' } })
    // MLflow's deleted versions keep their row with this stage: gone for the registry.
    await t.sql(`UPDATE model_versions SET current_stage = 'Deleted_Internal' WHERE name = $1 AND version = $2`, [v.name, v.version])
    expect((await t.fails('models:version', { name: v.name!, version: v.version! })).code).toBe('NOT_FOUND')
  })
})

describe('a version whose source is an MLflow 3 logged model (models:/m-…), in the MLflow 3.5 fixture', () => {
  let t: Awaited<ReturnType<typeof appOver>>
  beforeAll(async () => {
    t = await appOver('small', 'model_version_logged')
  })
  afterAll(() => t?.app.workspace.dispose())

  it('reads the logged model’s MLmodel: its id and the signature real MLflow wrote', async () => {
    const [lm] = dumpRows(FIXTURES.small.dump, 'logged_models')
    const [v] = dumpRows(FIXTURES.small.dump, 'model_versions')
    await t.sql(`UPDATE model_versions SET source = $1, storage_location = NULL WHERE name = $2 AND version = $3`, [
      `models:/${lm.model_id}`,
      v.name,
      v.version,
    ])
    const got = await t.ok('models:version-files', { name: v.name!, version: v.version! })
    expect(got.location).toBe(lm.artifact_location)
    expect(got.mlmodel).toMatchObject({
      model_id: lm.model_id,
      signature: { inputs: [{ name: null, type: 'boolean', required: true }], outputs: [{ name: null, type: 'boolean', required: true }], params: null },
      metadata: [{ key: 'mlflow.model.isExternal', value: 'true' }],
    })
    expect(got.mlmodel.mlflow_version).toBe((JSON.parse(readFileSync(FIXTURES.small.manifest, 'utf8')) as { mlflow_version: string }).mlflow_version)
  })
})

describe('prompt versions of the MLflow 3.5 GenAI fixture (MLflow keeps prompts as model versions)', () => {
  let t: Awaited<ReturnType<typeof appOver>>
  beforeAll(async () => {
    t = await appOver('genai', 'model_version_prompts')
  })
  afterAll(() => t?.app.workspace.dispose())

  it('are versions with their prompt tags, and their "dummy-source" is refused as a location instead of read from this folder', async () => {
    const v: Row = dumpRows(FIXTURES.genai.dump, 'model_versions')[0]
    const got = await t.ok('models:version', { name: v.name!, version: v.version! })
    expect(got.run).toBeNull()
    expect(got.model_version.tags.map((x) => x.key)).toContain('mlflow.prompt.text')
    const e = await t.fails('models:version-files', { name: v.name!, version: v.version! })
    expect(e).toMatchObject({
      code: 'NOT_FOUND',
      message: "The model source 'dummy-source' is a relative path, not a location: there are no files to read for it.",
    })
  })
})
