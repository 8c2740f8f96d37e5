/**
 * Deterministic randomness for the demo store. The same seed must give the
 * same store byte for byte (tests compare checksums), so nothing here touches
 * Math.random or the clock.
 *
 * sfc32 keeps 128 bits of state: per-run streams seeded from (seed, run index)
 * cannot collide the way a 32-bit generator's states would over 100k runs.
 */

/** 32-bit FNV-1a: turns the textual salts ('params', 'metrics') into numbers. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** A strong 32-bit integer mix (murmur3 finaliser); also used for cheap per-step jitter. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b)
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35)
  return (x ^ (x >>> 16)) >>> 0
}

export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(parts: ReadonlyArray<number | string>) {
    let h = 0x9e3779b9
    const state: number[] = []
    for (let i = 0; i < 4; i++) {
      for (const p of parts) h = mix32(h ^ (typeof p === 'string' ? fnv1a(p) : mix32(p >>> 0) ^ Math.floor(p / 2 ** 32)))
      h = mix32(h + i + 0x6d2b79f5)
      state.push(h)
    }
    ;[this.a, this.b, this.c, this.d] = state
    for (let i = 0; i < 12; i++) this.u32()
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  float(min: number, max: number): number {
    return min + this.next() * (max - min)
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]
  }

  /** Standard normal (Box-Muller). */
  gauss(): number {
    const u = 1 - this.next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next())
  }

  hex(length: number): string {
    let s = ''
    while (s.length < length) s += this.u32().toString(16).padStart(8, '0')
    return s.slice(0, length)
  }

  /** Like Python's uuid.uuid4().hex, which is how MLflow makes run ids: version nibble 4, RFC 4122 variant. */
  uuidHex(): string {
    const h = this.hex(32).split('')
    h[12] = '4'
    h[16] = '89ab'[this.u32() & 3]
    return h.join('')
  }
}

/** An independent stream for one purpose, e.g. rngFor(seed, 'metrics', runIndex, keyIndex). */
export function rngFor(seed: number, ...salts: Array<number | string>): Rng {
  return new Rng([seed, ...salts])
}

const ADJECTIVES = [
  'bright',
  'calm',
  'clever',
  'dusky',
  'eager',
  'gentle',
  'hollow',
  'icy',
  'jolly',
  'lucid',
  'mellow',
  'nimble',
  'plucky',
  'quiet',
  'rusty',
  'sunny',
  'tidy',
  'amber',
  'brisk',
  'fuzzy',
  'bold',
  'shy',
  'swift',
  'wise',
]
const NOUNS = [
  'fox',
  'otter',
  'maple',
  'comet',
  'lantern',
  'harbor',
  'river',
  'meadow',
  'falcon',
  'nebula',
  'orchid',
  'quartz',
  'saddle',
  'tundra',
  'willow',
  'yak',
  'zephyr',
  'pepper',
  'violet',
  'pine',
  'owl',
  'finch',
  'reef',
  'dune',
]

/** MLflow's generated run names look like 'bright-fox-123'. */
export function runName(rng: Rng): string {
  return `${rng.pick(ADJECTIVES)}-${rng.pick(NOUNS)}-${rng.int(1, 999)}`
}

/**
 * Values that trip naive writers and readers: COPY's special characters
 * (backslash, tab, newline, carriage return), quotes, the literal text \N
 * (which must stay text, not become NULL), and scripts beyond Latin-1.
 */
export const TRICKY_TEXTS: readonly string[] = [
  'tab\tand\nnewline',
  'windows\r\nline end',
  'back\\slash C:\\runs\\new',
  'literal \\N is not null',
  'quote \' and " mix',
  'кириллица тест',
  '数据集 训练 验证',
  'emoji 🚀🔥✅',
  'עברית ltr/rtl',
  'Ünïcödé ßtraße',
]
