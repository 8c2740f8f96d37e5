import { readFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { cli } from '../helpers/cliRunner'
import { createDatabase, pgInfo } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'

describe('mlflow-desk profiles', () => {
  let home: string
  let url: string
  const pw = () => pgInfo().password

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'desk-cli-prof-'))
    const db = await createDatabase('cliprof', FIXTURES.small.template)
    url = `postgresql://${pgInfo().user}@${pgInfo().host}:${pgInfo().port}/${db}`
  })

  it('add reads the password from stdin, stores settings and artifact maps, never the password in clear', async () => {
    const r = await cli(
      [
        'profiles',
        'add',
        'prod-store',
        '--url',
        url,
        '--password-stdin',
        '--sslmode',
        'disable',
        '--env',
        'prod',
        '--artifact-map',
        'file:///srv/mlflow/artifacts/small-seed1=/data/mlflow',
        '--statement-timeout',
        '20',
      ],
      {},
      home,
      pw() + '\n',
    )
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/Saved profile "prod-store" \(prod\).*password stored; secrets sealed with the key file/)
    expect(readFileSync(join(home, 'profiles.json'), 'utf8')).not.toContain(pw())
  })

  it('list shows set / not set, never a secret', async () => {
    const table = await cli(['profiles', 'list'], {}, home)
    expect(table.stdout).toMatch(/prod-store\s+PROD\s+postgres@127\.0\.0\.1:\d+\/cliprof_\w+\s+disable\s+stored\s+file:\/\/\/srv/)
    expect(table.stdout).toMatch(/Demo store \(built-in\)/)
    const json = JSON.parse((await cli(['profiles', 'list', '--json'], {}, home)).stdout)
    const p = json.profiles.find((x: { name: string }) => x.name === 'prod-store')
    expect(p).toMatchObject({
      environment: 'prod',
      statement_timeout_s: 20,
      secrets: { password: true },
      artifact_mappings: [{ prefix: 'file:///srv/mlflow/artifacts/small-seed1', path: '/data/mlflow' }],
    })
    expect(JSON.stringify(json)).not.toContain(pw())
  })

  it('test reports the store and warns about write access with the SQL for a read-only role', async () => {
    const r = await cli(['profiles', 'test', 'prod-store'], {}, home)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/✓ connected: PostgreSQL \d+/)
    expect(r.stdout).toMatch(/✓ MLflow store: schema revision bf29a5ff90ea \(MLflow 3\.5 or later\); 5 experiments, 49 runs/)
    expect(r.stdout).toMatch(/!! superuser: postgres can do anything on the server/)
    expect(r.stdout).toMatch(/also: mlflow-desk profiles grant-sql prod-store/)
    expect(r.stdout).toMatch(/GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO mlflow_desk_reader;/)
    const json = JSON.parse((await cli(['profiles', 'test', 'prod-store', '--json'], {}, home)).stdout)
    expect(json).toMatchObject({ ok: true, mlflow: { runs: 49 } })
  })

  it("grant-sql prints the read-only role SQL for the profile's store, its owner read from the store", async () => {
    const r = await cli(['profiles', 'grant-sql', 'prod-store', '--role', 'audit_reader'], {}, home)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^-- A read-only role for MLflow Desk on postgres@127\.0\.0\.1:\d+\/cliprof_\w+\./)
    expect(r.stdout).toContain("CREATE ROLE audit_reader LOGIN PASSWORD 'choose-a-password';")
    expect(r.stdout).toMatch(/GRANT CONNECT ON DATABASE "cliprof_\w+" TO audit_reader;/)
    expect(r.stdout).toContain('ALTER DEFAULT PRIVILEGES FOR ROLE "postgres" IN SCHEMA "public" GRANT SELECT ON TABLES TO audit_reader;')
    expect(r.stdout).toContain('ALTER ROLE audit_reader SET default_transaction_read_only = on;')
    // A store that cannot be reached: the SQL all the same, the owner a named placeholder.
    await cli(['profiles', 'add', 'unreachable', '--url', 'postgresql://u@127.0.0.1:1/mlflow', '--sslmode', 'disable'], {}, home)
    const off = await cli(['profiles', 'grant-sql', 'unreachable'], {}, home)
    expect(off.code).toBe(0)
    expect(off.stderr).toMatch(/could not read the store .*"mlflow_owner"/)
    expect(off.stdout).toContain('ALTER DEFAULT PRIVILEGES FOR ROLE "mlflow_owner" IN SCHEMA "public" GRANT SELECT ON TABLES TO mlflow_desk_reader;')
    await cli(['profiles', 'remove', 'unreachable'], {}, home)
  })

  it("--allow-function sets the SQL console's allow-list (repeatable, validated); --update without it keeps the list", async () => {
    const add = await cli(
      ['profiles', 'add', 'fn', '--url', url, '--sslmode', 'disable', '--allow-function', 'public.my_func', '--allow-function', 'citext.*'],
      {},
      home,
    )
    expect(add.code, add.stderr).toBe(0)
    const listed = () => cli(['profiles', 'list', '--json'], {}, home).then((x) => JSON.parse(x.stdout).profiles.find((p: { name: string }) => p.name === 'fn'))
    expect((await listed()).sql_console).toEqual({ allowed_functions: ['public.my_func', 'citext.*'] })
    await cli(['profiles', 'add', 'fn', '--url', url, '--sslmode', 'disable', '--update'], {}, home)
    expect((await listed()).sql_console.allowed_functions).toEqual(['public.my_func', 'citext.*'])
    const bad = await cli(['profiles', 'add', 'fn2', '--url', url, '--allow-function', 'my_func'], {}, home)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--allow-function "my_func": must be a schema-qualified function name/)
    await cli(['profiles', 'remove', 'fn'], {}, home)
  })

  it('--profile NAME works on every command', async () => {
    const r = await cli(['experiments', 'list', '--json', '--profile', 'prod-store'], {}, home)
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).experiments).toHaveLength(4)
    const runs = await cli(['runs', 'search', '--experiment-ids', '1', '--max-results', '2', '--json', '--profile', 'PROD-STORE'], {}, home)
    expect(runs.code).toBe(0)
  })

  it('refuses a duplicate name without --update; --update keeps the stored password', async () => {
    const dup = await cli(['profiles', 'add', 'prod-store', '--url', url], {}, home)
    expect(dup.code).toBe(2)
    expect(dup.stderr).toMatch(/exists already; add --update/)
    const upd = await cli(['profiles', 'add', 'prod-store', '--url', url, '--sslmode', 'disable', '--env', 'staging', '--update'], {}, home)
    expect(upd.stdout).toMatch(/Updated profile "prod-store" \(staging\)/)
    expect((await cli(['profiles', 'test', 'prod-store'], {}, home)).code).toBe(0)
  })

  it('a wrong password fails the test with exit 1 and a clear line', async () => {
    await cli(['profiles', 'add', 'wrong-pw', '--url', url, '--password-stdin', '--sslmode', 'disable'], {}, home, 'Nope-not-it-77\n')
    const r = await cli(['profiles', 'test', 'wrong-pw'], {}, home)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/✗ Authentication failed/)
    expect(r.stdout + r.stderr).not.toContain('Nope-not-it-77')
  })

  it('export (no secrets) and import on another machine; import from MLFLOW_TRACKING_URI', async () => {
    const out = join(home, 'export.json')
    expect((await cli(['profiles', 'export', '--out', out], {}, home)).code).toBe(0)
    const text = readFileSync(out, 'utf8')
    expect(text).toContain('prod-store')
    expect(text).not.toContain(pw())
    expect(text).not.toContain('aes-256-gcm')
    const other = await mkdtemp(join(tmpdir(), 'desk-cli-prof2-'))
    const imp = await cli(['profiles', 'import', '--file', out], {}, other)
    expect(imp.stdout).toMatch(/Imported: prod-store, wrong-pw/)
    const env = await cli(['profiles', 'import', '--from-env', 'from-env'], { MLFLOW_TRACKING_URI: url.replace('@', `:${pw()}@`) + '?sslmode=disable' }, other)
    expect(env.stdout).toMatch(/Imported: from-env/)
    expect((await cli(['profiles', 'test', 'from-env'], {}, other)).code).toBe(0)
  })

  it('MLFLOW_DESK_SECRET_KEY seals instead of the key file; the wrong key is a clear error', async () => {
    const h = await mkdtemp(join(tmpdir(), 'desk-cli-key-'))
    const env = { MLFLOW_DESK_SECRET_KEY: 'vault-provided-key' }
    await cli(['profiles', 'add', 'k', '--url', url, '--password-stdin', '--sslmode', 'disable'], env, h, pw() + '\n')
    expect((await cli(['profiles', 'test', 'k'], env, h)).code).toBe(0)
    const wrong = await cli(['profiles', 'test', 'k'], { MLFLOW_DESK_SECRET_KEY: 'another-key' }, h)
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toMatch(/sealed with another key/)
  })

  it('remove, and a clear error for an unknown profile', async () => {
    expect((await cli(['profiles', 'remove', 'wrong-pw'], {}, home)).stdout).toBe('Removed profile "wrong-pw".')
    const r = await cli(['experiments', 'list', '--profile', 'wrong-pw'], {}, home)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/No profile named "wrong-pw"\. Profiles: prod-store\./)
  })

  it('--artifact-map must be PREFIX=PATH', async () => {
    const r = await cli(['experiments', 'list', '--profile', 'prod-store', '--artifact-map', 'nonsense'], {}, home)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--artifact-map "nonsense": expected PREFIX=PATH/)
  })
})
