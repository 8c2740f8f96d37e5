import type { SqlProblem, StatementKind } from '@shared/domain/query'
import type { CallPolicy } from './consoleCatalog'
import { bindNamedParams } from './namedParams'
import { pgParser, PgSyntaxError, type PgNode, type ScanToken } from './pgParser'
import { textOffsets } from './textOffsets'

/** SQL the guard lets through: exactly one read statement, with $n for its :named parameters. */
export interface GuardedSql {
  ok: true
  kind: StatementKind
  /** The statement alone (no trailing semicolon or second statement), $1.. for the parameters. */
  text: string
  /** names[0] is $1. */
  params: string[]
  /** Whether it is an EXPLAIN ANALYZE (which executes its statement). */
  analyze: boolean
  /** A string index in `text` (a server error's position) as an index in the SQL as typed. */
  toOriginal(index: number): number
}

export interface RefusedSql {
  ok: false
  kind: StatementKind | null
  refusal: SqlProblem
  params: string[]
}

export type GuardResult = GuardedSql | RefusedSql

const READS = 'Only one read statement runs here: SELECT, WITH, VALUES, TABLE, SHOW or EXPLAIN.'
const WRITES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt'])
const LOCKS: Record<string, string> = {
  LCS_FORUPDATE: 'FOR UPDATE',
  LCS_FORNOKEYUPDATE: 'FOR NO KEY UPDATE',
  LCS_FORSHARE: 'FOR SHARE',
  LCS_FORKEYSHARE: 'FOR KEY SHARE',
}

class Refusal extends Error {
  constructor(
    message: string,
    /** A byte offset in the bound text, or null. */
    readonly byte: number | null,
    readonly bytes = 0,
  ) {
    super(message)
  }
}

const nodeOf = (wrapped: unknown): [string, PgNode] | null => {
  if (!wrapped || typeof wrapped !== 'object' || Array.isArray(wrapped)) return null
  const [type] = Object.keys(wrapped)
  return type && /^[A-Z]/.test(type) ? [type, (wrapped as PgNode)[type] as PgNode] : null
}

/** Every wrapped node of a tree, depth first, with its type. */
function walk(value: unknown, visit: (type: string, node: PgNode) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, visit)
    return
  }
  if (!value || typeof value !== 'object') return
  for (const [key, child] of Object.entries(value)) {
    if (/^[A-Z]/.test(key) && child && typeof child === 'object') visit(key, child as PgNode)
    walk(child, visit)
  }
}

/** Name parts of a list of String nodes: ["pg_catalog", "set_config"], ["="]. */
const names = (list: unknown): string[] => ((list as Array<{ String?: { sval: string } }> | undefined) ?? []).map((p) => p.String?.sval ?? '')

/** What the statement is, in the user's words: "CREATE TEMP TABLE", "COPY", "COMMIT". */
function statementLabel(tokens: ScanToken[], startByte: number): string {
  const words: string[] = []
  for (const t of tokens) {
    if (t.end <= startByte || /COMMENT$/.test(t.tokenName)) continue
    if (t.keywordKind === 0 || words.length === 3) break
    words.push(t.text.toUpperCase())
  }
  return words.join(' ') || 'this statement'
}

/** Where `FOR UPDATE` (or SHARE, NO KEY UPDATE, KEY SHARE) is written: the clause has no location of its own. */
function lockingPosition(tokens: ScanToken[]): number | null {
  const i = tokens.findIndex((t, k) => t.text.toUpperCase() === 'FOR' && /^(UPDATE|SHARE|NO|KEY)$/i.test(tokens[k + 1]?.text ?? ''))
  return i < 0 ? null : tokens[i].start
}

/**
 * Ask the policy about every name the statement uses, anywhere in the tree
 * (select list, FROM, WHERE, ORDER BY, LATERAL, sub-queries, CTEs): functions,
 * operators, casts and the relations read. Without a policy (no store yet)
 * only the statement's shape is checked.
 */
function checkNames(root: PgNode, policy: CallPolicy): void {
  // WITH names shadow relations: `WITH x AS (...) SELECT * FROM x` reads no relation x.
  const ctes = new Set<string>()
  walk(root, (type, node) => {
    if (type === 'CommonTableExpr') ctes.add(node.ctename as string)
  })
  const refuse = (message: string | null, location: unknown, parts: string[]) => {
    if (message) throw new Refusal(message, typeof location === 'number' ? location : null, Buffer.byteLength(parts.join('.')))
  }
  walk(root, (type, node) => {
    if (type === 'FuncCall') {
      const parts = names(node.funcname)
      refuse(policy.function(parts, node.agg_star ? 0 : ((node.args as unknown[] | undefined)?.length ?? 0)), node.location, parts)
    } else if (type === 'A_Expr') {
      const parts = names(node.name)
      refuse(policy.operator(parts), node.location, parts)
    } else if (type === 'SubLink' && node.operName) {
      const parts = names(node.operName)
      refuse(policy.operator(parts), node.location, parts)
    } else if (type === 'TypeCast') {
      const typeName = node.typeName as { names?: unknown; location?: number } | undefined
      const parts = names(typeName?.names)
      refuse(policy.type(parts), typeName?.location ?? node.location, parts)
    } else if (type === 'RangeVar') {
      const parts = [node.schemaname as string | undefined, node.relname as string].filter((p): p is string => !!p)
      if (parts.length === 1 && ctes.has(parts[0])) return
      refuse(policy.relation(parts), node.location, parts)
    }
  })
}

/** Refuse what is not a read anywhere in the tree; then, with a policy, what it calls. */
function checkTree(root: PgNode, tokens: ScanToken[], allowWrites: boolean, policy?: CallPolicy): void {
  walk(root, (type, node) => {
    if (type === 'SelectStmt') {
      const into = node.intoClause as { rel?: { location?: number } } | undefined
      if (into) throw new Refusal('SELECT ... INTO creates a table: it is not a read. Leave out INTO.', into.rel?.location ?? null)
      const locks = node.lockingClause as Array<{ LockingClause: { strength: string } }> | undefined
      if (locks?.length) {
        const clause = LOCKS[locks[0].LockingClause.strength] ?? 'FOR UPDATE'
        throw new Refusal(`${clause} locks rows (and needs a writable transaction): leave it out.`, lockingPosition(tokens), clause.length)
      }
    } else if (WRITES.has(type) && !allowWrites) {
      const what = type.replace('Stmt', '').toUpperCase()
      const rel = node.relation as { location?: number } | undefined
      throw new Refusal(`A data-modifying ${what} (in WITH) is not a read.`, rel?.location ?? null)
    }
  })
  if (policy) checkNames(root, policy)
}

const hasAnalyze = (explain: PgNode) =>
  ((explain.options as unknown[]) ?? []).some((o) => (nodeOf(o)?.[1].defname as string | undefined)?.toLowerCase() === 'analyze')

/** Classify the one statement, refusing anything but a read. */
function classify(stmt: PgNode, tokens: ScanToken[], startByte: number, policy?: CallPolicy): { kind: StatementKind; analyze: boolean } {
  const [type, node] = nodeOf(stmt) ?? ['', {}]
  if (type === 'SelectStmt') {
    checkTree(stmt, tokens, false, policy)
    return { kind: node.valuesLists ? 'values' : 'select', analyze: false }
  }
  if (type === 'VariableShowStmt') return { kind: 'show', analyze: false }
  if (type === 'ExplainStmt') {
    const analyze = hasAnalyze(node)
    const [innerType] = nodeOf(node.query) ?? ['']
    if (innerType !== 'SelectStmt' && !WRITES.has(innerType)) {
      throw new Refusal(
        'EXPLAIN here explains a read (or, without ANALYZE, plans an INSERT, UPDATE, DELETE or MERGE); not this statement.',
        startByte,
        'EXPLAIN'.length,
      )
    }
    if (analyze && innerType !== 'SelectStmt') {
      throw new Refusal('EXPLAIN ANALYZE executes the statement: only a read may be analyzed. Leave out ANALYZE to see the plan.', startByte, 'EXPLAIN'.length)
    }
    // A plain EXPLAIN of a write only plans it; with ANALYZE the statement runs, so it must be a read.
    checkTree(node.query as PgNode, tokens, !analyze, policy)
    return { kind: 'explain', analyze }
  }
  const label = statementLabel(tokens, startByte)
  throw new Refusal(`${label} is not a read. ${READS}`, startByte, label === 'this statement' ? 0 : label.length)
}

/** The first real token at or after a byte offset (skipping comments), for pointing at a statement. */
function firstTokenAt(tokens: ScanToken[], byte: number): ScanToken | null {
  return tokens.find((t) => t.start >= byte && !/COMMENT$/.test(t.tokenName)) ?? null
}

/**
 * The SQL guard: parse with PostgreSQL's own parser and let through exactly one
 * read — SELECT (no INTO, no FOR UPDATE/SHARE), WITH without data-modifying
 * parts, VALUES, TABLE, SHOW, EXPLAIN (ANALYZE only of a read) — and, given the
 * store's `policy` (consoleCatalog.ts), only the functions, operators, casts and
 * relations it allows. Nothing is sent to a server here.
 */
export async function guardSql(sql: string, policy?: CallPolicy): Promise<GuardResult> {
  const parser = await pgParser()
  const refuse = (message: string, position: number | null, length = 0, params: string[] = [], kind: StatementKind | null = null): RefusedSql => ({
    ok: false,
    kind,
    params,
    refusal: position === null ? { message } : { message, position, ...(length ? { length } : {}) },
  })
  // PostgreSQL's own words: "syntax error at or near ...", "unterminated quoted string at or near ...".
  const sentence = (m: string) => `${m.charAt(0).toUpperCase()}${m.slice(1).replace(/\.$/, '')}.`
  const syntax = (e: PgSyntaxError, toIndex: (cp: number) => number) => refuse(sentence(e.message), e.position === null ? null : toIndex(e.position), 1)

  let tokens: ScanToken[]
  try {
    tokens = parser.scan(sql)
  } catch (e) {
    // The parser says the same thing, with the position.
    try {
      parser.parse(sql)
    } catch (pe) {
      if (pe instanceof PgSyntaxError) return syntax(pe, textOffsets(sql).fromCodePoint)
    }
    return refuse(sentence((e as Error).message), null)
  }
  const original = textOffsets(sql)
  const bound = bindNamedParams(sql, tokens, original)
  const params = bound.names
  if (bound.positional) {
    return refuse(
      'Positional parameters ($1) are not taken here: write named ones such as :experiment_id.',
      bound.positional.position,
      bound.positional.length,
      params,
    )
  }
  const offsets = textOffsets(bound.text)
  const at = (byte: number | null) => (byte === null ? null : bound.toOriginal(offsets.fromByte(byte)))

  let stmts
  try {
    stmts = parser.parse(bound.text)
  } catch (e) {
    if (e instanceof PgSyntaxError) return syntax(e, (cp) => bound.toOriginal(offsets.fromCodePoint(cp)))
    throw e
  }
  if (stmts.length === 0) return refuse('Nothing to run: the text holds no statement.', null, 0, params)
  // The bound text's tokens, for positions of clauses the tree does not locate.
  const boundTokens = parser.scan(bound.text)
  const [only] = stmts
  const startByte = firstTokenAt(boundTokens, only.stmt_location ?? 0)?.start ?? 0
  const refused = (e: unknown) => {
    if (!(e instanceof Refusal)) throw e
    const position = at(e.byte)
    const length = e.byte === null || !e.bytes ? 0 : (at(e.byte + e.bytes) ?? 0) - (position ?? 0)
    return refuse(e.message, position, length, params, null)
  }
  let kind: StatementKind
  let analyze: boolean
  try {
    ;({ kind, analyze } = classify(only.stmt, boundTokens, startByte, policy))
  } catch (e) {
    // "COMMIT; DROP ...": the first statement's own fault is the clearer message.
    return refused(e)
  }
  if (stmts.length > 1) {
    const second = firstTokenAt(boundTokens, stmts[1].stmt_location ?? 0)
    const start = second?.start ?? stmts[1].stmt_location ?? 0
    return refuse(
      `One statement at a time: a second statement (${statementLabel(boundTokens, start)}) starts here. Run them one by one.`,
      at(start),
      second ? second.end - second.start : 0,
      params,
    )
  }
  const fromByte = only.stmt_location ?? 0
  const from = offsets.fromByte(fromByte)
  const to = only.stmt_len ? offsets.fromByte(fromByte + only.stmt_len) : bound.text.length
  return { ok: true, kind, analyze, params, text: bound.text.slice(from, to), toOriginal: (i) => bound.toOriginal(i + from) }
}
