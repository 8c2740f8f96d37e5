import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, posix } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'

/**
 * What every window loads before its first screen: the built index.html's entry chunk, the
 * chunks it imports statically (and they in turn), its modulepreloads and stylesheets, gzipped.
 * Everything else (each page, the charts, the SQL editor, the table) loads with its route or
 * when first shown. `npm test` builds before it runs; a stale out/ measures the stale build.
 */
const RENDERER = join(__dirname, '../../../out/renderer')
const BUDGET_BYTES = 400 * 1024

/** Relative specifiers of static imports and re-exports in a built chunk (not `import("…")`). */
function staticImports(code: string): string[] {
  const found = new Set<string>()
  for (const m of code.matchAll(/(?:^|[;}\s)])(?:import|export)\s*(?:[\w$*{}\s,]*?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) found.add(m[1])
  return [...found]
}

function firstLoad(): { file: string; bytes: number; gzipped: number }[] {
  const html = readFileSync(join(RENDERER, 'index.html'), 'utf8')
  const attr = (tag: string, name: string) => new RegExp(`${name}="([^"]+)"`).exec(tag)?.[1]
  const roots: string[] = []
  for (const [tag] of html.matchAll(/<(?:script|link)\b[^>]*>/g)) {
    if (tag.startsWith('<script') && /type="module"/.test(tag)) roots.push(attr(tag, 'src')!)
    else if (/rel="(?:modulepreload|stylesheet)"/.test(tag)) roots.push(attr(tag, 'href')!)
  }
  return withStaticImports(roots)
}

/** The files `roots` load before they run: themselves and their static imports, transitively. */
function withStaticImports(roots: string[]): { file: string; bytes: number; gzipped: number }[] {
  const seen = new Set<string>()
  const queue = roots.map((r) => posix.normalize(r))
  while (queue.length) {
    const file = queue.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    if (!file.endsWith('.js')) continue
    const code = readFileSync(join(RENDERER, file), 'utf8')
    for (const spec of staticImports(code)) queue.push(posix.join(dirname(file), spec))
  }
  return [...seen].map((file) => {
    const content = readFileSync(join(RENDERER, file))
    return { file, bytes: content.length, gzipped: gzipSync(content, { level: 9 }).length }
  })
}

describe('the renderer bundle', () => {
  it('finds static imports, not dynamic ones', () => {
    const code = 'import{a as b}from"./x-1.js";import"./y-2.js";export{c}from"../z.js";const p=()=>import("./lazy.js")'
    expect(staticImports(code).sort()).toEqual(['../z.js', './x-1.js', './y-2.js'])
  })

  it(`first load (entry chunk, its static imports, stylesheets) under ${BUDGET_BYTES / 1024} KB gzipped`, () => {
    expect(existsSync(join(RENDERER, 'index.html')), 'out/renderer/index.html: run `npm run build` first').toBe(true)
    const files = firstLoad()
    const total = files.reduce((s, f) => s + f.gzipped, 0)
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`
    console.log(
      [
        `renderer first load: ${kb(total)} gzipped (budget ${kb(BUDGET_BYTES)}), ${files.length} files:`,
        ...files.sort((a, b) => b.gzipped - a.gzipped).map((f) => `  ${f.file.padEnd(48)} ${kb(f.bytes).padStart(10)} ${kb(f.gzipped).padStart(10)} gz`),
      ].join('\n'),
    )
    expect(files.some((f) => f.file.endsWith('.js'))).toBe(true)
    expect(total, `first load ${kb(total)} gzipped`).toBeLessThan(BUDGET_BYTES)
  })

  it("the runs page's code holds no request schemas: the click from the experiments list does not load and build zod's", () => {
    const page = readdirSync(join(RENDERER, 'assets')).find((f) => /^RunsView-[\w-]+\.js$/.test(f))
    expect(page, 'the runs page chunk').toBeDefined()
    const files = withStaticImports([`assets/${page}`]).filter((f) => f.file.endsWith('.js'))
    expect(files.length).toBeGreaterThan(1)
    const withZod = files.filter((f) => readFileSync(join(RENDERER, f.file), 'utf8').includes('ZodError')).map((f) => f.file)
    expect(withZod).toEqual([])
  })
})
