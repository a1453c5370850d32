import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { contentHash, MAX_NESTING } from '../src/readers/content-hash.js'

/**
 * The oracle: JSON with object keys sorted at every depth (what the content string used to be). Two records
 * are the same content exactly when these strings are equal.
 */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(item => sortedJson(item ?? null)).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>
    const fields = Object.keys(record)
      .sort()
      .filter(key => record[key] !== undefined)
      .map(key => `${JSON.stringify(key)}:${sortedJson(record[key])}`)
    return `{${fields.join(',')}}`
  }
  if (typeof value === 'bigint') return value.toString()
  return JSON.stringify(value) ?? 'null'
}

/** The same value with every object's keys in another order. */
function reordered(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map(item => reordered(item, random))
  if (typeof value !== 'object' || value === null) return value
  const entries = Object.entries(value as Record<string, unknown>)
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[entries[i], entries[j]] = [entries[j]!, entries[i]!]
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, reordered(item, random)]))
}

describe('contentHash', () => {
  it('is equal for equal records whatever their key order, at every depth', () => {
    const sorted = JSON.parse('{"a":1,"b":{"c":[true,null,"é"],"d":2.5},"e":"x"}') as unknown
    const shuffled = JSON.parse('{"e":"x","b":{"d":2.5,"c":[true,null,"é"]},"a":1}') as unknown
    expect(contentHash(shuffled)).toBe(contentHash(sorted))
    // Integer-like keys are listed first by JavaScript whatever the text's order.
    expect(contentHash(JSON.parse('{"9":0,"10":1}'))).toBe(contentHash(JSON.parse('{"10":1,"9":0}')))
  })

  it('tells apart values that differ anywhere, including in structure alone', () => {
    const distinct: unknown[] = [
      [2, 1],
      [1, 2],
      [[1], 2],
      [1, [2]],
      ['ab'],
      ['a', 'b'],
      { a: 'b' },
      { ab: '' },
      ['a', 'b', ''],
      '1',
      1,
      true,
      'true',
      null,
      'null',
      {},
      [],
      [[]],
      { a: {} },
      { a: [] },
      1.5,
      -1.5
    ]
    const hashes = new Set(distinct.map(contentHash))
    expect(hashes.size).toBe(distinct.length)
  })

  it('treats values as their JSON text does', () => {
    // A missing key and an undefined one, null and undefined in an array, 0 and -0, a bigint and its number.
    expect(contentHash({ a: 1, u: undefined })).toBe(contentHash({ a: 1 }))
    expect(contentHash([undefined, 1])).toBe(contentHash([null, 1]))
    expect(contentHash(-0)).toBe(contentHash(0))
    expect(contentHash({ a: 10n })).toBe(contentHash({ a: 10 }))
    expect(contentHash(2n ** 64n)).not.toBe(contentHash(Number(2n ** 64n)))
    expect(contentHash(Number.NaN)).toBe(contentHash(null))
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 })
    expect(contentHash(bare)).toBe(contentHash({ a: 2, b: 1 }))
  })

  it('is equal exactly when the sorted-key JSON texts are equal (random records)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.integer(), (a, b, seed) => {
        let state = seed >>> 0
        const random = (): number => {
          state = (Math.imul(state, 1664525) + 1013904223) >>> 0
          return state / 4294967296
        }
        expect(contentHash(reordered(a, random))).toBe(contentHash(a))
        expect(contentHash(a) === contentHash(b)).toBe(sortedJson(a) === sortedJson(b))
      }),
      { numRuns: 500 }
    )
  })
})

describe('contentHash on deep nesting', () => {
  const nested = (levels: number): unknown => {
    let value: unknown = 'leaf'
    for (let i = 0; i < levels; i++) value = i % 2 ? { a: value } : [value]
    return value
  }

  it('hashes up to MAX_NESTING levels of arrays and objects, and answers null past them', () => {
    expect(typeof contentHash(nested(MAX_NESTING))).toBe('number')
    expect(contentHash(nested(MAX_NESTING))).not.toBe(contentHash(nested(MAX_NESTING - 1)))
    expect(contentHash(nested(MAX_NESTING + 1))).toBeNull()
  })

  it('answers null, without a stack overflow, for 100,000 levels that JSON.parse reads', () => {
    const value: unknown = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)
    expect(contentHash(value)).toBeNull()
    // And the next record is hashed from a clean start.
    expect(contentHash({ prompt: 'x' })).toBe(contentHash(JSON.parse('{"prompt":"x"}')))
  })
})
