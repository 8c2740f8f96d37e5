/**
 * Any JSON value as the nodes of a collapsible tree (naive-ui's n-tree): objects and arrays are
 * branches labelled with their key and size, scalars are leaves "key: value". Big containers list
 * their first `maxChildren` entries and say how many more there are, so a huge output stays light.
 */
export interface JsonNode {
  key: string
  label: string
  /** The path to it ($.messages[0].content), for copying. */
  path: string
  /** JSON of the value under this node, for copying. */
  value: unknown
  children?: JsonNode[]
  isLeaf: boolean
}

export const MAX_CHILDREN = 200

const scalar = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'undefined' : String(JSON.stringify(v)))

function child(path: string, k: string | number): string {
  return typeof k === 'number' ? `${path}[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`
}

function node(name: string, path: string, value: unknown, maxChildren: number): JsonNode {
  if (value !== null && typeof value === 'object') {
    const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value)
    const size = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`
    const children = entries.slice(0, maxChildren).map(([k, v]) => node(String(k), child(path, k), v, maxChildren))
    if (entries.length > maxChildren) {
      children.push({ key: `${path}…`, label: `… ${entries.length - maxChildren} more`, path, value: null, isLeaf: true })
    }
    return { key: path, label: name ? `${name} ${size}` : size, path, value, children, isLeaf: children.length === 0 }
  }
  return { key: path, label: name ? `${name}: ${scalar(value)}` : scalar(value), path, value, isLeaf: true }
}

/** The tree's top level: the entries of an object or array, or the one scalar. */
export function jsonTree(value: unknown, maxChildren = MAX_CHILDREN): JsonNode[] {
  const root = node('', '$', value, maxChildren)
  return root.children ?? [root]
}

/** The keys of the branches to open at first: those above `depth` levels (the whole tree for small values). */
export function openKeys(nodes: readonly JsonNode[], depth = 2): string[] {
  const out: string[] = []
  const walk = (list: readonly JsonNode[], d: number) => {
    for (const n of list) {
      if (!n.children || d >= depth) continue
      out.push(n.key)
      walk(n.children, d + 1)
    }
  }
  walk(nodes, 0)
  return out
}
