import { describe, expect, it } from '@jest/globals'
import { hash32, hash53, hash53OfJoined, hash53OfSlice } from '../src/analysis/hash.js'

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
  it('keeps its values (every stored count and report depends on them)', () => {
    const pinned: [string, number, number, number][] = [
      ['', 4022882011303354, 2675364375702771, 2872998923],
      ['a', 7154112741909005, 8655763778300779, 444641715],
      ['what is <n> + <n>', 4983286781064945, 2932740643180803, 1931344203],
      ['é', 5487469336365346, 4801953279166170, 3136788073],
      ['你好 world', 8737868016231480, 320673251021327, 1937365808],
      ['x'.repeat(1000), 944124125959465, 3627131014781860, 1841099346]
    ]
    for (const [text, h53, h53Seeded, h32] of pinned) {
      expect(hash53(text)).toBe(h53)
      expect(hash53(text, 7)).toBe(h53Seeded)
      expect(hash32(text)).toBe(h32)
    }
  })
  it('gives the same value whatever the string representation (flat, concatenated, sliced, two-byte)', () => {
    // Called with many representations, a per-character `text.charCodeAt` would go through a generic lookup.
    const flat = 'the quick brown fox jumps over the lazy dog, twice'
    const twoByte = 'the quick brown fox jumps — over the lazy dog, twice'
    const forms = (text: string): string[] => [
      text,
      text.slice(0, 20) + text.slice(20),
      `  ${text}  `.trim(),
      `${text}!`.slice(0, -1),
      Object.keys({ [text]: 1 })[0] as string,
      [...text].join('')
    ]
    for (let round = 0; round < 3; round++) {
      for (const text of [flat, twoByte]) {
        for (const form of forms(text)) {
          expect(hash53(form)).toBe(hash53(text))
          expect(hash32(form)).toBe(hash32(text))
          expect(hash53OfJoined(form.split(' '), 0, form.split(' ').length)).toBe(hash53(text))
        }
      }
    }
  })
  it('changes with the seed', () => {
    expect(hash53('abc', 1)).not.toBe(hash53('abc', 2))
    expect(hash32('abc', 1)).not.toBe(hash32('abc', 2))
  })
})

describe('hash53OfSlice', () => {
  it('equals hash53 of the slice, for any range and seed', () => {
    const text = "a é 你好 Bob's <n>"
    for (let start = 0; start <= text.length; start++) {
      for (let end = start; end <= text.length; end++) {
        expect(hash53OfSlice(text, start, end)).toBe(hash53(text.slice(start, end)))
        expect(hash53OfSlice(text, start, end, 7)).toBe(hash53(text.slice(start, end), 7))
      }
    }
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
