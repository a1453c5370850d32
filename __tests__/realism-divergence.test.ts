import { describe, expect, it } from '@jest/globals'
import {
  bernoulliDivergence,
  jensenShannon,
  lengthBin,
  lengthDivergence,
  lengthHistogram
} from '../src/analysis/realism/divergence.js'

describe('jensenShannon', () => {
  it('is 0 for identical distributions, whether given as counts or probabilities', () => {
    expect(jensenShannon([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])).toBe(0)
    expect(jensenShannon([2, 3, 5], [0.2, 0.3, 0.5])).toBeCloseTo(0, 12)
  })

  it('is 1 for disjoint distributions', () => {
    expect(jensenShannon([1, 0], [0, 1])).toBeCloseTo(1, 12)
    expect(jensenShannon([5, 5, 0, 0], [0, 0, 3, 7])).toBeCloseTo(1, 12)
  })

  it('matches a hand-computed value', () => {
    // p = (1, 0), q = (1/2, 1/2), m = (3/4, 1/4):
    // KL(p||m) = log2(4/3) = 0.415037; KL(q||m) = 1/2 log2(2/3) + 1/2 log2(2) = 0.207519; JSD = 0.311278.
    expect(jensenShannon([1, 0], [0.5, 0.5])).toBeCloseTo(0.311278, 6)
    expect(jensenShannon([4, 0], [7, 7])).toBeCloseTo(0.311278, 6)
  })

  it('is symmetric and accepts typed arrays', () => {
    const p = Float64Array.from([1, 2, 3])
    const q = Float64Array.from([3, 1, 1])
    expect(jensenShannon(p, q)).toBeCloseTo(jensenShannon(q, p), 15)
    expect(jensenShannon(p, q)).toBeGreaterThan(0)
  })

  it('treats an empty side as nothing to compare, and rejects bad input', () => {
    expect(jensenShannon([0, 0], [1, 2])).toBe(0)
    expect(() => jensenShannon([1], [1, 2])).toThrow('equal lengths')
    expect(() => jensenShannon([-1, 2], [1, 2])).toThrow('non-negative')
    expect(() => jensenShannon([Number.NaN, 2], [1, 2])).toThrow('non-negative')
  })
})

describe('bernoulliDivergence', () => {
  it('compares two rates as yes/no distributions', () => {
    expect(bernoulliDivergence(0.3, 0.3)).toBe(0)
    expect(bernoulliDivergence(1, 0)).toBeCloseTo(1, 12)
    expect(bernoulliDivergence(1, 0.5)).toBeCloseTo(0.311278, 6)
    // A rate of 4% against none: the size of shift the report's gap threshold is set at.
    expect(bernoulliDivergence(0.04, 0)).toBeCloseTo(0.0203, 4)
  })
})

describe('length bins', () => {
  it('puts lengths in shared log-scale bins: 0, 1, 2, 3-4, 5-8, 9-16, ...', () => {
    const bins = [0, 1, 2, 3, 4, 5, 8, 9, 16, 17, 32, 33].map(lengthBin)
    expect(bins).toEqual([0, 1, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7])
    expect(lengthBin(-3)).toBe(0)
    expect(lengthBin(10 ** 12)).toBe(lengthHistogram([]).length - 1)
  })

  it('counts lengths per bin', () => {
    expect(lengthHistogram([1, 3, 4, 4, 100]).slice(0, 9)).toEqual([0, 1, 0, 3, 0, 0, 0, 0, 1])
  })

  it('sees no divergence within a bin and full divergence across distant bins', () => {
    expect(lengthDivergence([5, 6, 7], [8, 8, 5])).toBe(0)
    expect(lengthDivergence([2, 2], [40, 50])).toBeCloseTo(1, 12)
    const halfShifted = lengthDivergence([10, 10, 10, 10], [10, 10, 40, 40])
    expect(halfShifted).toBeCloseTo(jensenShannon([1, 0], [0.5, 0.5]), 12)
  })
})
