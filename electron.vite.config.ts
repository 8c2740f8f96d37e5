import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import type { Rollup } from 'vite'
import vue from '@vitejs/plugin-vue'

const alias = {
  '@shared': resolve(__dirname, 'shared'),
  '@migrations': resolve(__dirname, 'migrations'),
  '@services': resolve(__dirname, 'electron/services'),
}

/**
 * Rollup's notice that a dependency's comment holds an annotation (`@__PURE__`,
 * `#__NO_SIDE_EFFECTS__`) where none can apply: zod 4 mentions them in prose
 * comments. Rollup drops the comment and the bundle is the same, so it is noise
 * to whoever builds. Only that code, only from node_modules: our own code and
 * every other warning still show.
 */
function onwarn(warning: Rollup.RollupLog, warn: (w: Rollup.RollupLog) => void): void {
  if (warning.code === 'INVALID_ANNOTATION' && /[\\/]node_modules[\\/]/.test(warning.id ?? '')) return
  warn(warning)
}

/**
 * electron/ + renderer/ layout (not electron-vite's default src/ layout), so every
 * input is named explicitly. The main build also emits the CLI (out/main/cli.js),
 * which is the `mlflow-desk` bin and the local HTTP transport for machines without
 * an Electron binary. Electron 45 runs Node 22, and the CLI asks for Node 22 or 24 LTS:
 * hence the node22 target.
 */
export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      target: 'node22',
      outDir: 'out/main',
      rollupOptions: {
        onwarn,
        input: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          cli: resolve(__dirname, 'electron/cli/index.ts'),
        },
        output: {
          banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
        },
      },
    },
  },
  preload: {
    resolve: { alias },
    build: {
      outDir: 'out/preload',
      // The preload runs sandboxed: it may require only 'electron', so shared/ code
      // (channel names) is bundled into it and the output is CommonJS.
      externalizeDeps: false,
      rollupOptions: {
        onwarn,
        input: { index: resolve(__dirname, 'electron/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    resolve: { alias: { '@shared': resolve(__dirname, 'shared'), '@': resolve(__dirname, 'renderer/src') } },
    plugins: [vue()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { onwarn, input: { index: resolve(__dirname, 'renderer/index.html') } },
      // electron-vite leaves the renderer unminified; minified, each window parses half the code
      // (the first chunk's budget is checked by test/unit/renderer/bundleBudget.test.ts).
      minify: 'esbuild',
      chunkSizeWarningLimit: 2000,
    },
  },
})
