import { describe, expect, it } from 'vitest'
import { BUCKET_MS, allOf, bucketFor, errorFilter, feedbackFilter, filterString, sessionFilter, timeFilter } from '@shared/domain/traceInsights'
import { bucketLabel, formatMs, formatPercent, tracesLink } from '@/utils/traceInsights'

describe('trace insights: buckets, filters and links', () => {
  it('chooses minutes up to 2 hours, hours up to 5 days, then days', () => {
    expect(bucketFor(0)).toBe('minute')
    expect(bucketFor(2 * BUCKET_MS.hour)).toBe('minute')
    expect(bucketFor(2 * BUCKET_MS.hour + 1)).toBe('hour')
    expect(bucketFor(5 * BUCKET_MS.day)).toBe('hour')
    expect(bucketFor(5 * BUCKET_MS.day + 1)).toBe('day')
  })

  it('quotes values in single quotes, double when the value holds a single one', () => {
    expect(filterString('sess-1')).toBe("'sess-1'")
    expect(filterString("it's")).toBe('"it\'s"')
  })

  it('a session filter reads request metadata or the 2.x tag; allOf parenthesizes an OR', () => {
    expect(sessionFilter('s1')).toBe("metadata.`mlflow.trace.session` = 's1' OR tags.`mlflow.trace.session` = 's1'")
    expect(allOf(timeFilter(1, 2), sessionFilter('s1'), null)).toBe(
      "trace.timestamp_ms >= 1 AND trace.timestamp_ms < 2 AND (metadata.`mlflow.trace.session` = 's1' OR tags.`mlflow.trace.session` = 's1')",
    )
    expect(allOf(errorFilter())).toBe("trace.status = 'ERROR'")
    expect(feedbackFilter('user thumbs', false)).toBe("(feedback.`user thumbs` IN ('false', 'no'))")
  })

  it("links to the experiment's Traces tab with the filter in the query", () => {
    expect(tracesLink(['1', '2'], "trace.status = 'ERROR'")).toEqual({ path: '/experiments/1,2/traces', query: { filter: "trace.status = 'ERROR'" } })
  })

  it('formats latencies, percentages and bucket labels', () => {
    expect(formatMs(0)).toBe('0 ms')
    expect(formatMs(640.4)).toBe('640 ms')
    expect(formatMs(1250)).toBe('1.25 s')
    expect(formatMs(125_000)).toBe('2 min 5 s')
    expect(formatMs(null)).toBe('—')
    expect(formatPercent(3, 88)).toBe('3.4%')
    expect(formatPercent(44, 88)).toBe('50%')
    expect(formatPercent(0, 0)).toBe('—')
    const start = new Date(2026, 11, 6, 14, 5).getTime()
    expect(bucketLabel(start, 'minute')).toBe('14:05')
    expect(bucketLabel(start, 'hour')).toMatch(/6.*14:05$/)
  })
})
