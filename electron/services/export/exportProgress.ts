const WINDOW_MS = 5000

import type { ExportProgress } from '@shared/domain/exports'

export type { ExportProgress }

/** Counts an export's work and throttles progress events (at most one per `everyMs`, plus phase changes and the end). */
export class ProgressTracker {
  private p: ExportProgress = {
    phase: 'metadata',
    files_done: 0,
    files_total: 0,
    bytes_done: 0,
    bytes_total: 0,
    listing_done: false,
    rate: 0,
    eta_seconds: null,
  }
  private samples: Array<[number, number]> = []
  private downloaded = 0
  private last = 0

  constructor(
    private readonly listener: ((p: ExportProgress) => void) | undefined,
    private readonly everyMs = 200,
    private readonly now: () => number = () => performance.now(),
  ) {}

  phase(phase: ExportProgress['phase']): void {
    this.p.phase = phase
    this.emit(true)
  }
  found(bytes: number): void {
    this.p.files_total++
    this.p.bytes_total += bytes
    this.emit(false)
  }
  listed(): void {
    this.p.listing_done = true
    this.emit(true)
  }
  /** Bytes written by a download (count toward the rate). */
  bytes(n: number): void {
    this.downloaded += n
    this.p.bytes_done += n
    this.emit(false)
  }
  /** A download restarts (a retry, or a partial write rolled back): its bytes no longer count as done. */
  rollback(n: number): void {
    this.p.bytes_done -= n
  }
  /** A file verified on disk and skipped: done without a download. */
  skipped(bytes: number): void {
    this.p.bytes_done += bytes
    this.p.files_done++
    this.emit(false)
  }
  fileDone(): void {
    this.p.files_done++
    this.emit(false)
  }
  /** A listed file that turned out missing: it leaves the totals. */
  dropped(bytes: number): void {
    this.p.files_total--
    this.p.bytes_total -= bytes
    this.emit(false)
  }
  snapshot(): ExportProgress {
    const t = this.now()
    this.samples.push([t, this.downloaded])
    while (this.samples.length > 2 && t - this.samples[0][0] > WINDOW_MS) this.samples.shift()
    const [t0, b0] = this.samples[0]
    const rate = t - t0 > 0 ? ((this.downloaded - b0) * 1000) / (t - t0) : 0
    const left = Math.max(0, this.p.bytes_total - this.p.bytes_done)
    return { ...this.p, rate, eta_seconds: this.p.listing_done && rate > 0 ? left / rate : this.p.listing_done && left === 0 ? 0 : null }
  }
  private emit(force: boolean): void {
    if (!this.listener) return
    const t = this.now()
    if (!force && t - this.last < this.everyMs) return
    this.last = t
    this.listener(this.snapshot())
  }
}
