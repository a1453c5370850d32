// Jensen-Shannon divergence, the one yardstick for every shift in the realism report: symmetric, finite when a
// value occurs on one side only, and between 0 (same distribution) and 1 (nothing in common) in base 2.

/**
 * Jensen-Shannon divergence (base 2) between two distributions over the same outcomes, given as counts or
 * probabilities (each is normalised here). 0 when they are identical, 1 when they share no outcome. When
 * either side is all zeros there is nothing to compare and the result is 0.
 */
export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length)
    throw new Error(`jensenShannon needs equal lengths, got ${p.length} and ${q.length}`)
  let totalP = 0
  let totalQ = 0
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] ?? 0
    const qi = q[i] ?? 0
    if (!(pi >= 0 && qi >= 0)) throw new Error('jensenShannon needs non-negative values')
    totalP += pi
    totalQ += qi
  }
  if (totalP === 0 || totalQ === 0) return 0
  let sum = 0
  for (let i = 0; i < p.length; i++) {
    const pi = (p[i] ?? 0) / totalP
    const qi = (q[i] ?? 0) / totalQ
    const mi = (pi + qi) / 2
    if (pi > 0) sum += pi * Math.log2(pi / mi)
    if (qi > 0) sum += qi * Math.log2(qi / mi)
  }
  // Rounding can leave a hair outside [0, 1]; the measure itself never is.
  return Math.min(1, Math.max(0, sum / 2))
}

/** Jensen-Shannon divergence between two rates (0..1), each read as a yes/no distribution. */
export function bernoulliDivergence(rateA: number, rateB: number): number {
  return jensenShannon([rateA, 1 - rateA], [rateB, 1 - rateB])
}

/**
 * Bins beyond this hold every longer text together (the last bin starts above 2^20 words): no prompt or answer
 * in a training set is longer, and the histograms stay a fixed size.
 */
const LENGTH_BINS = 22

/**
 * The log-scale bin of a length in words: 0, 1, 2, 3-4, 5-8, 9-16, ... Doubling a length moves it one bin,
 * so a shift from 10 to 20 words weighs as much as one from 100 to 200.
 */
export function lengthBin(words: number): number {
  if (words <= 0) return 0
  return Math.min(LENGTH_BINS - 1, Math.ceil(Math.log2(words)) + 1)
}

/** Counts of lengths per `lengthBin`, over fixed shared bins so two sides can be compared directly. */
export function lengthHistogram(lengths: Iterable<number>): number[] {
  const counts = new Array<number>(LENGTH_BINS).fill(0)
  for (const length of lengths) {
    const bin = lengthBin(length)
    counts[bin] = (counts[bin] ?? 0) + 1
  }
  return counts
}

/** Jensen-Shannon divergence between two sides' length distributions, on shared log-scale bins. */
export function lengthDivergence(lengthsA: Iterable<number>, lengthsB: Iterable<number>): number {
  return jensenShannon(lengthHistogram(lengthsA), lengthHistogram(lengthsB))
}
