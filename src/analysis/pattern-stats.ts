/**
 * The effective number of patterns: exp of the Shannon entropy of the pattern-size distribution. Equal sizes
 * give the pattern count itself; one dominant pattern pulls it towards 1, so "10M rows in 5,000 patterns" can
 * read as "really about 12". Sizes of zero or less are ignored; null when the total is 0.
 */
export function effectiveCount(sizes: Iterable<number>): number | null {
  // H = ln T - (1/T) * sum(s ln s), computed in one pass so the sizes can be a stream.
  let total = 0
  let sumSizeLogSize = 0
  for (const size of sizes) {
    if (!(size > 0)) continue
    total += size
    sumSizeLogSize += size * Math.log(size)
  }
  if (total === 0) return null
  const entropy = Math.log(total) - sumSizeLogSize / total
  return Math.exp(Math.max(0, entropy))
}
