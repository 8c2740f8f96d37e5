import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * `mlflow-desk --help` and `--version` answer from the command definitions
 * alone: what program.ts imports statically must not reach the services or
 * their packages (zod, pg, sequelize, the PostgreSQL parser...). A command's
 * action module is imported when the command runs. This walks the static
 * (value) imports from program.ts, as the bundler does.
 */
const ROOT = resolve(__dirname, '../../..')
const ALIASES: Record<string, string> = { '@shared/': 'shared/', '@services/': 'electron/services/', '@migrations/': 'migrations/' }

function resolveSource(spec: string, from: string): string | null {
  const alias = Object.keys(ALIASES).find((a) => spec.startsWith(a))
  const base = alias ? join(ROOT, ALIASES[alias], spec.slice(alias.length)) : spec.startsWith('.') ? resolve(dirname(from), spec) : null
  if (base === null) return null
  return [`${base}.ts`, join(base, 'index.ts'), base].find((f) => existsSync(f) && !f.endsWith('/')) ?? null
}

/** Modules and packages that loading `entry` loads: static imports and re-exports, not `import type`, not `import()`. */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string) => {
    if (files.has(file)) return
    files.add(file)
    if (!file.endsWith('.ts')) return
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[\s\S]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
      if (m[1]) continue
      const spec = m[2]
      const local = resolveSource(spec, file)
      if (local) visit(local)
      else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0])
    }
  }
  visit(entry)
  return { files, packages }
}

describe('CLI command definitions', () => {
  const program = join(ROOT, 'electron/cli/program.ts')
  const { files, packages } = staticGraph(program)

  it('load commander and nothing else from node_modules', () => {
    expect([...packages]).toEqual(['commander'])
  })

  it('reach no action module and no service but the two dependency-free ones program.ts names', () => {
    const reached = [...files].map((f) => relative(ROOT, f))
    expect(reached.filter((f) => f.startsWith('electron/cli/actions/'))).toEqual([])
    expect(reached.filter((f) => f.startsWith('electron/services/')).sort()).toEqual(['electron/services/appInfo.ts', 'electron/services/security/redact.ts'])
  })

  it('are one per command, each importing its own action module when it runs', () => {
    const dir = join(ROOT, 'electron/cli/commands')
    for (const name of readdirSync(dir)) {
      const text = readFileSync(join(dir, name), 'utf8')
      expect(text, name).toContain(`const actions = () => import('../actions/${name.replace(/\.ts$/, '')}')`)
    }
  })
})
