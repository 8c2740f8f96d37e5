import { describe, expect, it } from 'vitest'
import { dialectCompletion, quoteIdent, schemaNamespace } from '@/utils/sqlCompletion'

describe('the console completion’s kinds', () => {
  it('types tables, views and columns from the catalog, columns with their SQL type', () => {
    const ns = schemaNamespace([
      { name: 'runs', kind: 'table', columns: [{ name: 'run_uuid', type: 'character varying(32)' }] },
      { name: 'run_view', kind: 'view', columns: [] },
    ]) as Record<string, { self: { label: string; type: string; detail: string }; children: Array<{ label: string; type: string; detail: string }> }>
    expect(ns.runs.self).toEqual({ label: 'runs', type: 'table', detail: 'table' })
    expect(ns.runs.children).toEqual([{ label: 'run_uuid', type: 'column', detail: 'character varying(32)' }])
    expect(ns.run_view.self.type).toBe('view')
  })

  it('a known function is a function in lower case; types stay types; the rest are keywords', () => {
    expect(dialectCompletion('COUNT', 'keyword')).toMatchObject({ label: 'count', type: 'function' })
    expect(dialectCompletion('DATE_TRUNC', 'variable')).toMatchObject({ label: 'date_trunc', type: 'function' })
    expect(dialectCompletion('JSONB', 'type')).toMatchObject({ label: 'JSONB', type: 'type' })
    expect(dialectCompletion('SELECT', 'keyword')).toMatchObject({ label: 'SELECT', type: 'keyword' })
    expect(dialectCompletion('TRUE', 'variable')).toMatchObject({ label: 'TRUE', type: 'keyword' })
  })

  it('quotes a name only where PostgreSQL would not read it back as written', () => {
    expect(quoteIdent('latest_metrics')).toBe('latest_metrics')
    expect(quoteIdent('user')).toBe('"user"')
    expect(quoteIdent('CamelCase')).toBe('"CamelCase"')
    expect(quoteIdent('with "quote')).toBe('"with ""quote"')
  })
})
