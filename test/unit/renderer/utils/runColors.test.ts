import Color from 'color'
import { darkTheme, lightTheme } from 'naive-ui'
import { describe, expect, it } from 'vitest'
import { RUN_PALETTE, UNKNOWN_RUN_COLOR, colorOf } from '@/utils/runColors'

/** What a run's line is drawn on: naive-ui's card (charts) and page body, in each theme the app uses. */
const BACKGROUNDS = {
  'light card': lightTheme.common.cardColor,
  'light body': lightTheme.common.bodyColor,
  'dark card': darkTheme.common.cardColor,
  'dark body': darkTheme.common.bodyColor,
}

/** WCAG 2.1, 1.4.11 (non-text contrast): lines and marks need 3:1 against what is beside them. */
const MIN_CONTRAST = 3

describe('run colours', () => {
  it.each(Object.entries(BACKGROUNDS))('every colour reads on the %s (%s) at 3:1 or more', (_name, background) => {
    const weak = [...RUN_PALETTE, UNKNOWN_RUN_COLOR]
      .map((c) => ({ color: c, ratio: Color(c).contrast(Color(background)) }))
      .filter((c) => c.ratio < MIN_CONTRAST)
      .map((c) => `${c.color} ${c.ratio.toFixed(2)}:1`)
    expect(weak).toEqual([])
  })

  it('the 20 colours are 20, and a run keeps its position’s colour in every chart', () => {
    expect(new Set(RUN_PALETTE.map((c) => c.toLowerCase())).size).toBe(20)
    const of = colorOf(['a', 'b', 'a', 'c'])
    expect([of('a'), of('b'), of('c'), of('zz')]).toEqual([RUN_PALETTE[0], RUN_PALETTE[1], RUN_PALETTE[2], UNKNOWN_RUN_COLOR])
  })
})
