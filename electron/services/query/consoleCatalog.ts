import type { StoreHandle } from '../connections/storeConnection'
import { cachedPerStore } from '../connections/storeCache'
import { acceptsArgs, qualifiedName, refusalReason, type CatalogFunction } from './functionPolicy'

/**
 * What the SQL guard asks about the names a statement uses, answered from the
 * store's catalog: may this function, operator, cast or relation be used in an
 * audit query? Each answer is null (allowed) or the whole refusal message.
 */
export interface CallPolicy {
  function(parts: string[], nargs: number): string | null
  operator(parts: string[]): string | null
  type(parts: string[]): string | null
  relation(parts: string[]): string | null
}

interface Named {
  oid: number
  schema: string
  name: string
}

interface CatalogOperator extends Named {
  func: number
}

/** A type of the store's whose values run functions when made (input, domain checks, range canonicalisation). */
interface CatalogType extends Named {
  functions: number[]
}

/** A relation whose reading runs functions: a view's query, row-level security policies, a foreign table's wrapper. */
interface CatalogRelation extends Named {
  functions: number[]
  relations: number[]
}

/** The parts of pg_catalog the guard needs, read once per store (one snapshot). */
export interface ConsoleCatalog {
  /** current_schemas(true): where unqualified names are looked up, in order. */
  path: string[]
  functions: Map<string, CatalogFunction[]>
  functionsByOid: Map<number, CatalogFunction>
  operators: Map<string, CatalogOperator[]>
  types: Map<string, CatalogType[]>
  relations: Map<string, CatalogRelation[]>
  relationsByOid: Map<number, CatalogRelation>
}

const FUNCTIONS_SQL = `
  SELECT p.oid::int8 AS oid, n.nspname AS schema, p.proname AS name, p.pronargs::int AS nargs, p.pronargdefaults::int AS ndefaults,
         p.provariadic <> 0 AS variadic, p.provolatile::text AS volatility, has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace`

const OPERATORS_SQL = `
  SELECT o.oid::int8 AS oid, n.nspname AS schema, o.oprname AS name, o.oprcode::oid::int8 AS func
    FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
   WHERE o.oprcode <> 0`

// Base, domain, range and multirange types made in this database (multiranges exist from PostgreSQL 14; 'm' matches none before).
const TYPES_SQL = `
  SELECT t.oid::int8 AS oid, n.nspname AS schema, t.typname AS name,
         array_remove(ARRAY[t.typinput::oid::int8]
           || COALESCE((SELECT array_agg(d.refobjid::int8) FROM pg_constraint c
                          JOIN pg_depend d ON d.classid = 'pg_constraint'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_proc'::regclass
                         WHERE c.contypid = t.oid), '{}')
           || COALESCE((SELECT ARRAY[r.rngcanonical::oid::int8, r.rngsubdiff::oid::int8] FROM pg_range r WHERE r.rngtypid = t.oid), '{}'), 0::int8) AS functions
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
   WHERE t.oid >= 16384 AND t.typtype IN ('b', 'd', 'r', 'm')`

// What reading a relation of this database runs: a view's rewrite rule (not a materialized view's: its rows are stored),
// the row-level security policies of a table that enforces them, a foreign table's wrapper. Operators count by their function.
const RELATIONS_SQL = `
  WITH deps AS (
    SELECT r.ev_class AS relid, d.refclassid, d.refobjid
      FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class AND c.relkind = 'v'
      JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
     WHERE d.refobjid <> r.ev_class
    UNION ALL
    SELECT p.polrelid, d.refclassid, d.refobjid
      FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid AND c.relrowsecurity
      JOIN pg_depend d ON d.classid = 'pg_policy'::regclass AND d.objid = p.oid)
  SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name,
         array_remove(
           COALESCE((SELECT array_agg(DISTINCT CASE WHEN x.refclassid = 'pg_proc'::regclass THEN x.refobjid ELSE o.oprcode::oid END::int8)
                       FROM deps x LEFT JOIN pg_operator o ON x.refclassid = 'pg_operator'::regclass AND o.oid = x.refobjid
                      WHERE x.relid = c.oid AND x.refclassid IN ('pg_proc'::regclass, 'pg_operator'::regclass)), '{}')
           || COALESCE((SELECT ARRAY[w.fdwhandler::oid::int8] FROM pg_foreign_table ft JOIN pg_foreign_server s ON s.oid = ft.ftserver
                          JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw WHERE ft.ftrelid = c.oid), '{}'), 0::int8) AS functions,
         COALESCE((SELECT array_agg(DISTINCT x.refobjid::int8) FROM deps x WHERE x.relid = c.oid AND x.refclassid = 'pg_class'::regclass), '{}') AS relations
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.oid >= 16384 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`

// PostgreSQL's own views: no dependencies are recorded for them (initdb's objects are pinned), so their functions
// and the views they read are taken from their definitions, as pg_get_viewdef prints them.
const SYSTEM_VIEWS_SQL = `
  SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, pg_get_viewdef(c.oid) AS definition
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind = 'v' AND c.oid < 16384`

/** A system view's functions and views, from its definition: every name called, every name that is one of the views. */
function systemViews(
  rows: Array<{ oid: number; schema: string; name: string; definition: string }>,
  functions: Map<string, CatalogFunction[]>,
): CatalogRelation[] {
  const viewOid = new Map(rows.map((v) => [v.name, v.oid]))
  return rows.map((v) => {
    const called = new Set([...v.definition.matchAll(/\b([a-z_][a-z0-9_]*)\s*\(/g)].map((m) => m[1]))
    const words = new Set(v.definition.match(/\b[a-z_][a-z0-9_]*\b/g) ?? [])
    return {
      oid: v.oid,
      schema: v.schema,
      name: v.name,
      functions: [...called].flatMap((f) => (functions.get(f) ?? []).filter((x) => x.schema === 'pg_catalog').map((x) => x.oid)),
      relations: [...words].filter((w) => w !== v.name && viewOid.has(w)).map((w) => viewOid.get(w)!),
    }
  })
}

function byName<T extends Named>(rows: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>()
  for (const r of rows) {
    const list = m.get(r.name)
    if (list) list.push(r)
    else m.set(r.name, [r])
  }
  return m
}

const num = (v: unknown) => Number(v)

/** Read the catalog in one snapshot: ~3,300 functions, ~800 operators, and what the store itself defined. */
export async function readConsoleCatalog(store: StoreHandle): Promise<ConsoleCatalog> {
  return store.read(async (r) => {
    const [{ path }] = await r.select<{ path: string[] }>('SELECT current_schemas(true)::text[] AS path')
    const functions = (
      await r.select<{
        oid: string
        schema: string
        name: string
        nargs: number
        ndefaults: number
        variadic: boolean
        volatility: string
        public_execute: boolean
      }>(FUNCTIONS_SQL)
    ).map((f): CatalogFunction => ({
      oid: num(f.oid),
      schema: f.schema,
      name: f.name,
      nargs: f.nargs,
      ndefaults: f.ndefaults,
      variadic: f.variadic,
      volatility: f.volatility as CatalogFunction['volatility'],
      publicExecute: f.public_execute,
    }))
    const operators = (await r.select<{ oid: string; schema: string; name: string; func: string }>(OPERATORS_SQL)).map((o) => ({
      ...o,
      oid: num(o.oid),
      func: num(o.func),
    }))
    const types = (await r.select<{ oid: string; schema: string; name: string; functions: string[] }>(TYPES_SQL)).map((t) => ({
      ...t,
      oid: num(t.oid),
      functions: t.functions.map(num),
    }))
    const own = (await r.select<{ oid: string; schema: string; name: string; functions: string[]; relations: string[] }>(RELATIONS_SQL)).map((x) => ({
      ...x,
      oid: num(x.oid),
      functions: x.functions.map(num),
      relations: x.relations.map(num),
    }))
    const functionsByName = byName(functions)
    const system = systemViews(
      (await r.select<{ oid: string; schema: string; name: string; definition: string }>(SYSTEM_VIEWS_SQL)).map((v) => ({ ...v, oid: num(v.oid) })),
      functionsByName,
    )
    const relations = [...own, ...system]
    return {
      path,
      functions: functionsByName,
      functionsByOid: new Map(functions.map((f) => [f.oid, f])),
      operators: byName(operators),
      types: byName(types),
      relations: byName(relations),
      relationsByOid: new Map(relations.map((x) => [x.oid, x])),
    }
  })
}

/** A catalog is read again after this long, so functions created meanwhile are judged too. */
const CATALOG_TTL_MS = 5 * 60_000
const cached = cachedPerStore(CATALOG_TTL_MS, readConsoleCatalog)

/** The store's catalog, read once and kept for a few minutes (cachedPerStore). */
export function consoleCatalog(store: StoreHandle): Promise<ConsoleCatalog> {
  return cached.get(store)
}

/** Candidates for a name as written: [schema, name] in that schema, [name] in every schema of the path; a database prefix is ignored. */
function lookup<T extends Named>(map: Map<string, T[]>, parts: string[], path: string[]): T[] {
  const name = parts.at(-1) ?? ''
  const schema = parts.length >= 2 ? parts.at(-2) : null
  const all = map.get(name) ?? []
  return schema !== null ? all.filter((x) => x.schema === schema) : all.filter((x) => path.includes(x.schema))
}

/** The guard's questions, answered from `catalog` with the profile's allowed functions. */
export function callPolicy(catalog: ConsoleCatalog, allowed: readonly string[]): CallPolicy {
  const reasonOf = (oid: number) => {
    const f = catalog.functionsByOid.get(oid)
    return f ? { f, reason: refusalReason(f, allowed) } : null
  }
  const typePolicy = (parts: string[]): string | null => {
    for (const t of lookup(catalog.types, parts, catalog.path)) {
      for (const oid of t.functions) {
        const r = reasonOf(oid)
        if (r?.reason)
          return `A value of type ${qualifiedName(t)} is not allowed in an audit query: making one calls ${qualifiedName(r.f)}(), which ${r.reason}.`
      }
    }
    return null
  }
  return {
    function(parts, nargs) {
      const named = lookup(catalog.functions, parts, catalog.path)
      // A function-style cast (mytype('x')) names a type, not a function.
      if (named.length === 0) return typePolicy(parts)
      const fitting = named.filter((f) => acceptsArgs(f, nargs))
      for (const f of fitting.length ? fitting : named) {
        const reason = refusalReason(f, allowed)
        if (reason) return `${parts.join('.')}() is not allowed in an audit query: it ${reason}.`
      }
      return null
    },
    operator(parts) {
      for (const o of lookup(catalog.operators, parts, catalog.path)) {
        const r = reasonOf(o.func)
        if (r?.reason)
          return `The operator ${parts.join('.')} (${qualifiedName(o)}, which calls ${qualifiedName(r.f)}()) is not allowed in an audit query: that function ${r.reason}.`
      }
      return null
    },
    type: typePolicy,
    relation(parts) {
      const [first] =
        parts.length >= 2 ? lookup(catalog.relations, parts, catalog.path) : catalog.path.flatMap((s) => lookup(catalog.relations, [s, parts[0]], catalog.path))
      if (!first) return null
      // Views over views: everything reading the relation runs, to any depth.
      const seen = new Set<number>()
      const pending = [first]
      while (pending.length) {
        const rel = pending.pop()!
        if (seen.has(rel.oid)) continue
        seen.add(rel.oid)
        for (const oid of rel.functions) {
          const r = reasonOf(oid)
          if (r?.reason)
            return `${qualifiedName(first)} is not allowed in an audit query: reading it calls ${qualifiedName(r.f)}()${rel === first ? '' : ` (through ${qualifiedName(rel)})`}, which ${r.reason}.`
        }
        for (const oid of rel.relations) {
          const next = catalog.relationsByOid.get(oid)
          if (next) pending.push(next)
        }
      }
      return null
    },
  }
}
