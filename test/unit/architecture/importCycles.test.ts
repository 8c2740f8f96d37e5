import { resolve } from 'node:path'
import { cruise, type IModule } from 'dependency-cruiser'
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config'
import { describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../../..')

async function modules(folders: string[], tsConfig: string): Promise<{ modules: IModule[]; cycles: string[] }> {
  const result = await cruise(
    folders,
    {
      baseDir: root,
      validate: true,
      ruleSet: { forbidden: [{ name: 'no-circular', severity: 'error', from: {}, to: { circular: true } }] },
      doNotFollow: { path: 'node_modules' },
      exclude: { path: 'node_modules' },
      // Type-only imports count: a cycle of types still ties the layers together.
      tsPreCompilationDeps: true,
      tsConfig: { fileName: resolve(root, tsConfig) },
    },
    undefined,
    { tsConfig: extractTSConfig(resolve(root, tsConfig)) },
  )
  if (typeof result.output === 'string') throw new Error('dependency-cruiser answered text')
  const cycles = result.output.summary.violations.map((v) => (v.cycle ?? []).map((c) => c.name).join(' -> ') || `${v.from} -> ${v.to}`)
  return { modules: result.output.modules, cycles }
}

const importsOf = (mods: IModule[], source: string) => mods.find((m) => m.source === source)?.dependencies.map((d) => d.resolved) ?? []

/**
 * No module of ours imports itself through others: a cycle ties layers together (the API, the
 * connections and the profiles once formed one through twelve files) and makes load order matter.
 */
describe('import cycles', () => {
  it('electron/ and shared/ have none', async () => {
    const { modules: mods, cycles } = await modules(['electron', 'shared'], 'tsconfig.node.json')
    // The graph is real: aliases resolve (@shared) and type-only imports are edges.
    expect(importsOf(mods, 'electron/services/api/dispatch.ts')).toContain('shared/api/contract.ts')
    expect(importsOf(mods, 'electron/services/api/dispatch.ts')).toContain('electron/services/api/handlerTypes.ts')
    expect(cycles).toEqual([])
  }, 60_000)

  it('renderer/ and shared/ have none, components included', async () => {
    const { modules: mods, cycles } = await modules(['renderer/src', 'shared'], 'tsconfig.web.json')
    expect(importsOf(mods, 'renderer/src/router.ts').some((p) => p.endsWith('.vue'))).toBe(true)
    expect(mods.filter((m) => m.source.endsWith('.vue')).length).toBeGreaterThan(30)
    expect(cycles).toEqual([])
  }, 60_000)
})
