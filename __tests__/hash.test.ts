import { describe, expect, it } from '@jest/globals'
import { hash32, hash53, hash53OfJoined } from '../src/analysis/hash.js'

describe('hash53', () => {
  it('is deterministic and separates 100k distinct keys without collision', () => {
    expect(hash53('what is <n> + <n>')).toBe(hash53('what is <n> + <n>'))
    const seen = new Set<number>()
    for (let i = 0; i < 100_000; i++) seen.add(hash53(`row ${i} text`))
    expect(seen.size).toBe(100_000)
  })
  it('stays a safe integer', () => {
    for (const s of ['', 'a', 'é', '\u2028', 'x'.repeat(10_000)])
      expect(Number.isSafeInteger(hash53(s))).toBe(true)
  })
  it('changes with the seed', () => {
    expect(hash53('abc', 1)).not.toBe(hash53('abc', 2))
    expect(hash32('abc', 1)).not.toBe(hash32('abc', 2))
  })
})

describe('hash53OfJoined', () => {
  it('equals hash53 of the tokens joined by spaces, for any range and seed', () => {
    const tokens = ['what', 'is', '', 'é', '你好', 'x'.repeat(50), '<n>']
    for (let start = 0; start <= tokens.length; start++) {
      for (let end = start; end <= tokens.length; end++) {
        for (const seed of [0, 7]) {
          expect(hash53OfJoined(tokens, start, end, seed)).toBe(
            hash53(tokens.slice(start, end).join(' '), seed)
          )
        }
      }
    }
  })
})
