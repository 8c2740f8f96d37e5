interface Running {
  controller: AbortController
  settled: Promise<unknown>
}

/**
 * What runs where: per window (its WindowSession) and per job ("tab:<id>",
 * "export:<id>"), the abort controller that cancels it. A new run on a busy tab
 * cancels the old one and waits for it to let go of its connection.
 */
export class RunningJobs {
  private readonly jobs = new WeakMap<object, Map<string, Running>>()

  private of(owner: object): Map<string, Running> {
    let m = this.jobs.get(owner)
    if (!m) this.jobs.set(owner, (m = new Map()))
    return m
  }

  /**
   * Run `work` as `job` of `owner`. Its signal aborts on cancel(job), cancelAll(owner), a new run of
   * the same job, and when `call` aborts (the call that started it went away: the renderer aborted
   * it, the HTTP request closed).
   */
  async run<T>(owner: object, job: string, work: (signal: AbortSignal) => Promise<T>, call?: AbortSignal): Promise<T> {
    const jobs = this.of(owner)
    const previous = jobs.get(job)
    if (previous) {
      previous.controller.abort()
      await previous.settled.catch(() => undefined)
    }
    const controller = new AbortController()
    const onCallAbort = () => controller.abort()
    if (call?.aborted) controller.abort()
    else call?.addEventListener('abort', onCallAbort, { once: true })
    const settled = work(controller.signal)
    const entry = { controller, settled }
    jobs.set(job, entry)
    try {
      return await settled
    } finally {
      call?.removeEventListener('abort', onCallAbort)
      if (jobs.get(job) === entry) jobs.delete(job)
    }
  }

  /** Cancel one job; false when it is not running. */
  cancel(owner: object, job: string): boolean {
    const entry = this.jobs.get(owner)?.get(job)
    entry?.controller.abort()
    return !!entry
  }

  /** Cancel everything a window runs (it switched profile or closed). */
  cancelAll(owner: object): void {
    for (const entry of this.jobs.get(owner)?.values() ?? []) entry.controller.abort()
  }
}
