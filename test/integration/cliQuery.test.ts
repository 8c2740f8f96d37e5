import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../electron/services/demo/embeddedCluster'
import { cli } from '../helpers/cliRunner'
import { adminClient, createDatabase, urlFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { storeChecksums } from '../helpers/tableChecksums'

describe('mlflow-desk query', () => {
  let url: string
  let admin: pg.Client
  let dir: string
  let runCount: number

  beforeAll(async () => {
    const db = await createDatabase('cli_query', FIXTURES.small.template)
    url = urlFor(db)
    admin = adminClient(db)
    await admin.connect()
    dir = await mkdtemp(join(tmpdir(), 'desk-cli-query-'))
    runCount = Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM runs')).rows[0].n)
  })
  afterAll(() => admin?.end())

  const query = (...args: string[]) => cli(['query', '--url', url, ...args])

  it('prints a table for people, and the row count and time on stderr', async () => {
    const r = await query('--sql', 'SELECT experiment_id, name, lifecycle_stage FROM experiments ORDER BY experiment_id')
    expect(r.code).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toMatch(/^experiment_id\s+name\s+lifecycle_stage$/)
    const n = Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM experiments')).rows[0].n)
    expect(lines).toHaveLength(n + 1)
    expect(r.stderr).toMatch(new RegExp(`^${n} row\\(s\\) in [\\d.]+ ms\\.$`))
  })

  it('--format csv with --param; --format json and jsonl', async () => {
    const csv = await query('--sql', 'SELECT run_uuid, status FROM runs WHERE experiment_id = :exp ORDER BY run_uuid', '--param', 'exp=1', '--format', 'csv')
    expect(csv.code).toBe(0)
    const expected = (await admin.query<{ run_uuid: string; status: string }>('SELECT run_uuid, status FROM runs WHERE experiment_id = 1 ORDER BY run_uuid'))
      .rows
    expect(csv.stdout.trimEnd().split('\n')).toEqual(['run_uuid,status', ...expected.map((r) => `${r.run_uuid},${r.status}`)])

    const json = await query('--sql', 'SELECT count(*) AS n, :label AS label FROM runs', '--param', 'label=all runs', '--format', 'json')
    expect(JSON.parse(json.stdout)).toMatchObject({
      columns: [
        { name: 'n', type: 'bigint', category: 'number' },
        { name: 'label', type: 'text' },
      ],
      rows: [[runCount, 'all runs']],
      truncated: false,
      statement_kind: 'select',
    })

    const jsonl = await query('--sql', 'SELECT experiment_id AS id, name FROM experiments ORDER BY 1', '--format', 'jsonl', '--max-rows', '2')
    expect(jsonl.code).toBe(0)
    const rows = jsonl.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(rows).toHaveLength(2)
    expect(rows[0]).toEqual({ id: expect.any(Number), name: expect.any(String) })
    expect(jsonl.stderr).toContain('First 2 rows shown; more exist')
  })

  it('--max-rows caps what is printed and says more exist', async () => {
    const r = await query('--sql', 'SELECT run_uuid FROM runs', '--max-rows', '3')
    expect(r.stdout.split('\n')).toHaveLength(4)
    expect(r.stderr).toContain('3 row(s)')
    expect(r.stderr).toContain('more exist (raise --max-rows, or --out FILE for all of them)')
    expect((await query('--sql', 'SELECT 1', '--max-rows', '0')).code).toBe(2)
  })

  it('--file, and --file - for standard input', async () => {
    const file = join(dir, 'audit.sql')
    writeFileSync(
      file,
      '-- how many runs per status\nSELECT status, count(*) AS n\n  FROM runs\n WHERE lifecycle_stage = :stage\n GROUP BY status ORDER BY status;\n',
    )
    const r = await query('--file', file, '--param', 'stage=active', '--format', 'csv')
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe('status,n')
    const stdin = await cli(['query', '--url', url, '--file', '-', '--format', 'csv'], {}, '/nonexistent-home', 'SELECT 7 AS seven')
    expect(stdin.stdout.trim()).toBe('seven\n7')
    expect((await query('--file', join(dir, 'missing.sql'))).stderr).toContain('no such file')
  })

  it('--out streams the full result to a file (CSV, or JSON Lines by extension), whatever --max-rows says', async () => {
    const out = join(dir, 'runs.csv')
    const r = await query('--sql', 'SELECT run_uuid FROM runs ORDER BY 1', '--max-rows', '1', '--out', out)
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('')
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(runCount + 1)
    expect(r.stderr).toMatch(new RegExp(`^Wrote ${runCount} row\\(s\\), [\\d.]+ MB, to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} in [\\d.]+ s\\.$`))
    const jl = join(dir, 'runs.jsonl')
    expect((await query('--sql', 'SELECT run_uuid FROM runs', '--out', jl)).code).toBe(0)
    expect(JSON.parse(readFileSync(jl, 'utf8').split('\n')[0])).toEqual({ run_uuid: expect.any(String) })
    expect((await query('--sql', 'SELECT 1', '--out', join(dir, 'x.txt'), '--format', 'table')).code).toBe(2)
  })

  it('a refused statement exits 2 with one line saying why and where; the store is unchanged', async () => {
    const before = await storeChecksums(admin)
    for (const [sql, where] of [
      ['SELECT 1;\nDROP TABLE runs CASCADE', 'One statement at a time: a second statement (DROP TABLE) starts here. Run them one by one (line 2, column 1).'],
      [
        "SELECT * FROM runs\n WHERE name = pg_read_file('/etc/passwd')",
        "pg_read_file() is not allowed in an audit query: it is an administrator's function (not granted to PUBLIC): it reads server files or settings, signals sessions or changes the server (line 2, column 15).",
      ],
      ['WITH d AS (DELETE FROM params RETURNING 1) SELECT count(*) FROM d', 'A data-modifying DELETE (in WITH) is not a read (line 1, column 24).'],
      [
        "COPY runs TO PROGRAM 'cat > /tmp/x'",
        'COPY is not a read. Only one read statement runs here: SELECT, WITH, VALUES, TABLE, SHOW or EXPLAIN (line 1, column 1).',
      ],
    ]) {
      const r = await query('--sql', sql)
      expect(r.code, sql).toBe(2)
      expect(r.stdout, sql).toBe('')
      expect(r.stderr, sql).toBe(`mlflow-desk: error: ${where}`)
    }
    expect(await storeChecksums(admin)).toEqual(before)
  })

  it('a statement that fails on the server exits 1 with one line; a missing parameter or no statement exits 2', async () => {
    const failed = await query('--sql', 'SELECT no_such_column\n  FROM runs')
    expect(failed.code).toBe(1)
    expect(failed.stderr).toBe('mlflow-desk: error: PostgreSQL refused the statement: column "no_such_column" does not exist (line 1, column 8).')
    const timeout = await query('--sql', 'SELECT count(*) FROM generate_series(1, 400000000)', '--statement-timeout', '0.5')
    expect(timeout.code).toBe(1)
    expect(timeout.stderr).toMatch(/^mlflow-desk: error: The query ran longer than the statement timeout/)
    expect((await query('--sql', 'SELECT :x')).stderr).toBe('mlflow-desk: error: No value for the parameter :x.')
    expect((await query('--sql', 'SELECT :x')).code).toBe(2)
    expect((await query('--param', 'x')).code).toBe(2)
    expect((await query()).stderr).toContain('Give the statement with --sql')
    expect((await query('--sql', 'SELECT 1', '--param', 'not a name=1')).code).toBe(2)
  })

  /** Run the CLI as its own process (as a user does), with its peak RSS sampled from /proc. */
  async function cliProcess(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; peakMb: number }> {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, '../../electron/cli/index.ts'), ...args], {
      cwd: resolve(__dirname, '../..'),
      env: { ...process.env, MLFLOW_DESK_HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let peak = 0
    child.stdout.on('data', (d: Buffer) => (stdout += d))
    child.stderr.on('data', (d: Buffer) => (stderr += d))
    const sampler = setInterval(() => {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0)
        peak = Math.max(peak, kb / 1024)
      } catch {
        // exited
      }
    }, 25)
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)))
    clearInterval(sampler)
    return { code, stdout, stderr, peakMb: peak }
  }

  it('a 600 MB value: the table shows its start and says its size, JSON gives the first MiB; the process stays small and exits 0', async () => {
    const huge = "SELECT 1 AS n, repeat('x', 600000000) AS big, 'after' AS s"
    const table = await cliProcess(['query', '--url', url, '--sql', huge, '--statement-timeout', '600'])
    console.log(`mlflow-desk query of a 600 MB value (table): peak RSS ${table.peakMb.toFixed(0)} MB`)
    expect(table.code, table.stderr).toBe(0)
    const lines = table.stdout.trimEnd().split('\n')
    expect(lines[0].split(/\s+/)).toEqual(['n', 'big', 's'])
    expect(lines[1]).toBe(`1  ${'x'.repeat(200)}…  after`)
    expect(table.stderr).toContain('1 row(s) in')
    expect(table.stderr).toContain(
      '1 value(s) larger than 1 MiB arrived cut to their first 1 MiB (first: row 1, column big: 600,000,000 bytes); raise --max-value-bytes',
    )
    expect(table.peakMb).toBeLessThan(300)

    const json = await query('--sql', huge, '--statement-timeout', '600', '--format', 'json', '--max-value-bytes', '2048')
    expect(json.code).toBe(0)
    const r = JSON.parse(json.stdout)
    expect(r.rows).toEqual([[1, 'x'.repeat(2048), 'after']])
    expect(r.cut_values).toEqual([{ row: 0, column: 1, bytes: 600_000_000 }])
    expect((await query('--sql', 'SELECT 1', '--max-value-bytes', '10')).code).toBe(2)

    const out = join(dir, 'huge.jsonl')
    const jsonl = await query('--sql', huge, '--statement-timeout', '600', '--out', out)
    expect(jsonl.code).toBe(0)
    expect(jsonl.stderr).toContain(
      '1 value(s) larger than 16 MiB arrived cut to their first 16 MiB (first: row 1, column big: 600,000,000 bytes); a CSV of a statement without parameters writes every value whole.',
    )
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ n: 1, big: 'x'.repeat(16 * 1024 * 1024), s: 'after' })
  }, 240_000)

  it('Ctrl-C cancels the statement on the server (not just the client) and exits 130', async () => {
    const marker = 'generate_series(1, 400000003)'
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(__dirname, '../../electron/cli/index.ts'), 'query', '--url', url, '--sql', `SELECT count(*) FROM ${marker}`],
      {
        cwd: resolve(__dirname, '../..'),
        env: { ...process.env, MLFLOW_DESK_HOME: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d))
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    const running = async () =>
      (await admin.query(`SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()`, [`%${marker}%`])).rows.length
    for (let i = 0; i < 400 && !(await running()); i++) await new Promise((r) => setTimeout(r, 50))
    expect(await running()).toBe(1)
    const sent = Date.now()
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    expect(stderr).toContain('mlflow-desk: error: The query was cancelled.')
    // The count would run for many more seconds had only the client gone away.
    expect(await running()).toBe(0)
    expect(Date.now() - sent).toBeLessThan(10_000)
  }, 60_000)
})

describe('mlflow-desk query checks the statement before opening a store', () => {
  it("a refused statement or a missing parameter exits 2 with the guard's message even when the store cannot be reached", async () => {
    const url = `postgresql://mlflow@127.0.0.1:${await freePort()}/mlflow`
    const refused = await cli(['query', '--url', url, '--sql', 'DELETE FROM runs'])
    expect(refused).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'mlflow-desk: error: DELETE FROM is not a read. Only one read statement runs here: SELECT, WITH, VALUES, TABLE, SHOW or EXPLAIN (line 1, column 1).',
    })
    for (const out of [[], ['--format', 'csv'], ['--out', join(tmpdir(), 'never-written.csv')]]) {
      expect((await cli(['query', '--url', url, '--sql', 'SELECT 1;\nDROP TABLE runs', ...out])).code, out.join(' ')).toBe(2)
    }
    const missing = await cli(['query', '--url', url, '--sql', 'SELECT :x'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toBe('mlflow-desk: error: No value for the parameter :x.')
    // A statement the guard lets through does try the store, and fails on it.
    const allowed = await cli(['query', '--url', url, '--sql', 'SELECT 1'])
    expect(allowed.code).toBe(1)
    expect(allowed.stderr).toMatch(/^mlflow-desk: error: Connection refused/)
  })

  it('with --profile demo, a refused statement starts no demo server and writes nothing', async () => {
    const home = await mkdtemp(join(tmpdir(), 'desk-cli-nodemo-'))
    const r = await cli(['--profile', 'demo', 'query', '--sql', 'DELETE FROM runs'], {}, home)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^mlflow-desk: error: DELETE FROM is not a read/)
    expect(await readdir(home)).toEqual([])
  })
})
