import { PNG } from 'pngjs'

export interface Line {
  values: readonly number[]
  rgb: readonly [number, number, number]
}

const MARGIN = 12

/**
 * A small line chart as a PNG, the kind of image a training script logs with
 * mlflow.log_figure. Non-finite values (NaN, +-inf) leave a gap in the line.
 */
export function linePlot(lines: readonly Line[], width = 320, height = 200): Buffer {
  const png = new PNG({ width, height })
  png.data.fill(255)
  const set = (x: number, y: number, [r, g, b]: readonly number[]) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return
    const i = (y * width + x) * 4
    png.data[i] = r
    png.data[i + 1] = g
    png.data[i + 2] = b
  }
  const grey = [200, 200, 200] as const
  for (let k = 0; k <= 4; k++) {
    const y = Math.round(MARGIN + (k * (height - 2 * MARGIN)) / 4)
    for (let x = MARGIN; x < width - MARGIN; x++) set(x, y, grey)
  }
  for (let y = MARGIN; y < height - MARGIN; y++) set(MARGIN, y, [90, 90, 90])

  const finite = lines.flatMap((l) => l.values.filter(Number.isFinite))
  const lo = finite.length ? Math.min(...finite) : 0
  const hi = finite.length ? Math.max(...finite) : 1
  const span = hi - lo || 1
  for (const line of lines) {
    const n = line.values.length
    let prev: [number, number] | null = null
    line.values.forEach((v, i) => {
      if (!Number.isFinite(v)) {
        prev = null
        return
      }
      const x = Math.round(MARGIN + (n > 1 ? i / (n - 1) : 0.5) * (width - 2 * MARGIN - 1))
      const y = Math.round(height - MARGIN - ((v - lo) / span) * (height - 2 * MARGIN - 1))
      if (prev) segment(prev[0], prev[1], x, y, (px, py) => (set(px, py, line.rgb), set(px, py + 1, line.rgb)))
      else set(x, y, line.rgb)
      prev = [x, y]
    })
  }
  // RGBA without row filters at the fastest deflate level: pngjs's filtering and RGB conversion run in JS and
  // would dominate the demo's seeding time; a mostly-white chart compresses well anyway.
  return PNG.sync.write(png, { colorType: 6, inputHasAlpha: true, filterType: 0, deflateLevel: 1 })
}

/** Bresenham's line from (x0, y0) to (x1, y1). */
function segment(x0: number, y0: number, x1: number, y1: number, plot: (x: number, y: number) => void): void {
  const dx = Math.abs(x1 - x0)
  const dy = -Math.abs(y1 - y0)
  const sx = x0 < x1 ? 1 : -1
  const sy = y0 < y1 ? 1 : -1
  let err = dx + dy
  for (;;) {
    plot(x0, y0)
    if (x0 === x1 && y0 === y1) return
    const e2 = 2 * err
    if (e2 >= dy) {
      err += dy
      x0 += sx
    }
    if (e2 <= dx) {
      err += dx
      y0 += sy
    }
  }
}
