import { describe, expect, it } from '@jest/globals'
import { hash32, hash53 } from '../src/analysis/hash.js'

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
