import { describe, expect, it } from '@jest/globals'
import { crossValidatedAuc, rocAuc } from '../src/analysis/realism/separability.js'

/** A seeded generator (LCG), so the generated sides are the same on every run. */
function generator(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 48271) % 2147483647
    return state / 2147483647
  }
}

/** Rows like the realism features: 4 yes/no flags with the given rate, and a log-length around `length`. */
function side(rows: number, flagRate: number, length: number, random: () => number): number[][] {
  return Array.from({ length: rows }, () => [
    ...Array.from({ length: 4 }, () => (random() < flagRate ? 1 : 0)),
    Math.log1p(length * (0.5 + random()))
  ])
}

describe('rocAuc', () => {
  it('matches the textbook example', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12)
  })

  it('is 1 for a perfect ranking, 0 for a reversed one', () => {
    expect(rocAuc([1, 2, 3, 4], [false, false, true, true])).toBe(1)
    expect(rocAuc([4, 3, 2, 1], [false, false, true, true])).toBe(0)
  })

  it('counts ties as half by averaging ranks', () => {
    expect(rocAuc([1, 1], [0, 1])).toBe(0.5)
    // Positive 2 ties with one negative and beats the other: (1 + 0.5) / 2; positive 3 beats both.
    expect(rocAuc([1, 2, 2, 3], [0, 0, 1, 1])).toBeCloseTo((1.5 + 2) / 4, 12)
  })

  it('is null when a class is missing', () => {
    expect(rocAuc([1, 2], [1, 1])).toBeNull()
    expect(rocAuc([], [])).toBeNull()
  })
})

describe('crossValidatedAuc', () => {
  it('stays near 0.5 for two sides drawn from the same distribution', () => {
    const random = generator(7)
    const auc = crossValidatedAuc(side(400, 0.3, 20, random), side(400, 0.3, 20, random), { seed: 1 })
    expect(auc).not.toBeNull()
    expect(auc!).toBeGreaterThanOrEqual(0.4)
    expect(auc!).toBeLessThanOrEqual(0.6)
  })

  it('is at least 0.9 for clearly different sides', () => {
    const random = generator(11)
    const auc = crossValidatedAuc(side(300, 0.1, 8, random), side(300, 0.7, 40, random), { seed: 1 })
    expect(auc!).toBeGreaterThanOrEqual(0.9)
  })

  it('does not let unequal side sizes or a constant feature get in the way', () => {
    const random = generator(5)
    const a = side(60, 0.1, 8, random).map(row => [...row, 1])
    const b = side(600, 0.7, 40, random).map(row => [...row, 1])
    expect(crossValidatedAuc(a, b, { seed: 3 })!).toBeGreaterThanOrEqual(0.9)
  })

  it('is deterministic for a seed', () => {
    const random = generator(13)
    const a = side(200, 0.3, 20, random)
    const b = side(200, 0.35, 22, random)
    expect(crossValidatedAuc(a, b, { seed: 42 })).toBe(crossValidatedAuc(a, b, { seed: 42 }))
    expect(crossValidatedAuc(a, b, { seed: 42, folds: 3 })).toBe(
      crossValidatedAuc(a, b, { seed: 42, folds: 3 })
    )
  })

  it('keeps finite weights when one feature separates the sides perfectly', () => {
    const a = Array.from({ length: 50 }, (_, i) => [0, i % 7])
    const b = Array.from({ length: 50 }, (_, i) => [1, i % 5])
    expect(crossValidatedAuc(a, b, { seed: 1 })).toBe(1)
  })

  it('is null when a side has fewer than 10 rows, and rejects malformed rows', () => {
    const random = generator(3)
    expect(crossValidatedAuc(side(9, 0.3, 20, random), side(100, 0.3, 20, random), { seed: 1 })).toBeNull()
    expect(crossValidatedAuc(side(100, 0.3, 20, random), [], { seed: 1 })).toBeNull()
    const ragged = side(20, 0.3, 20, random)
    ragged[3] = [1]
    expect(() => crossValidatedAuc(ragged, side(20, 0.3, 20, random), { seed: 1 })).toThrow('feature vector')
    const notFinite = side(20, 0.3, 20, random)
    notFinite[0]![0] = Number.NaN
    expect(() => crossValidatedAuc(notFinite, side(20, 0.3, 20, random), { seed: 1 })).toThrow('finite')
  })
})
