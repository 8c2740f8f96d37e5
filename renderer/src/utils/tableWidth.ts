import type { DataTableColumn } from 'naive-ui'

/**
 * What a table's columns need side by side (fixed widths, and the least the stretching ones take):
 * the table scrolls sideways only when its columns cannot fit at that width.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function tableWidth(columns: ReadonlyArray<DataTableColumn<any>>): number {
  return columns.reduce((sum, c) => sum + Number(('width' in c ? c.width : undefined) ?? ('minWidth' in c ? c.minWidth : undefined) ?? 0), 0)
}
