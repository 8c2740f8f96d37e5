/**
 * PostgreSQL counts positions in bytes (parse tree locations, scanner tokens)
 * or in characters (error cursors); JavaScript strings count UTF-16 units.
 * These convert both to string indexes, free for plain ASCII text.
 */
export interface TextOffsets {
  /** A UTF-8 byte offset as a string index. */
  fromByte(byte: number): number
  /** A code point count as a string index. */
  fromCodePoint(cp: number): number
}

export function textOffsets(text: string): TextOffsets {
  if (/^[\x00-\x7f]*$/.test(text)) return { fromByte: (b) => b, fromCodePoint: (c) => c }
  const byteToIndex: number[] = []
  const cpToIndex: number[] = []
  let index = 0
  for (const ch of text) {
    const bytes = Buffer.byteLength(ch, 'utf8')
    for (let i = 0; i < bytes; i++) byteToIndex.push(index)
    cpToIndex.push(index)
    index += ch.length
  }
  byteToIndex.push(index)
  cpToIndex.push(index)
  const at = (table: number[], n: number) => table[Math.max(0, Math.min(n, table.length - 1))]
  return { fromByte: (b) => at(byteToIndex, b), fromCodePoint: (c) => at(cpToIndex, c) }
}
