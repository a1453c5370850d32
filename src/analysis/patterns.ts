import type { PatternParameters } from '../config/types.js'
import { lshBandHashes, shingleSpace } from './band-hashes.js'
import { FNV32_OFFSET, FNV32_PRIME, final32 } from './hash.js'
import { jaccardAtLeast, shingleBound, writeShingles } from './minhash.js'
import { isWordTokenAt } from './text-keys.js'
import { UnionFind } from './union-find.js'
import { DEFAULT_PATTERNS } from '../config/defaults.js'

// A module-scope binding: inside Jest's vm context every lookup of the global `Math` goes through an
// interceptor (about 200 ns), which made hashing-heavy tests some 50 times slower. Plain Node is unaffected.
const { imul } = Math
// Characters are read as hash.ts reads them (see there): keys come in several string representations.
const charCodeAt = String.prototype.charCodeAt

/**
 * DESIGN.md level 5: word 3-grams verified at Jaccard 0.5, with MinHash LSH as the candidate filter. DESIGN
 * names 128 functions and 25 bands of 5 rows; 25 x 5 uses 125 of them and its S-curve turns at
 * (1/25)^(1/5) = 0.53, above the 0.5 it must find: a pair at exactly 0.5 becomes a candidate only 55% of the
 * time. 32 bands of 4 rows use all 128 functions and turn at (1/32)^(1/4) = 0.42 (87% at 0.5, 99% at 0.6).
 * Measured with MinHash alone on 2,000 keys with planted near-duplicates at Jaccard 0.5-0.9, the share of
 * pairs >= 0.5 that end in one pattern rose from 0.89-0.91 to 0.975-0.988; 200k keys took 5-50% longer,
 * depending on how many candidates fail verification. Verification is exact either way, so the bands change
 * recall and time, never precision. The values live in src/config/defaults.ts, the config's defaults.
 */
export const DEFAULT_PATTERN_PARAMETERS: PatternParameters = DEFAULT_PATTERNS

// Each band's keys are ordered by band hash with a radix sort: linear time, and stable, so the members of a
// bucket come out in increasing key order and the joins are deterministic. 11-bit digits keep the counting
// array (2,048 entries) in L1 cache; three passes cover the 32 bits.
const RADIX_BITS = 11
const RADIX_BUCKETS = 1 << RADIX_BITS
const RADIX_PASSES_PER_WORD = 3

/**
 * A dense pattern id per distinct template key (0..k-1 in order of first appearance, so the same keys in the
 * same order always get the same ids). Keys are joined when they share a MinHash LSH bucket in some band and
 * their exact shingle Jaccard is at least `params.jaccard`, or when they are one word swap apart (see
 * joinOneWordSwaps); patterns are the connected components of those joins.
 *
 * Giant buckets: a template with thousands of instances puts them all in the same bucket of most bands.
 * Comparing every pair would be quadratic; joining members without verification would chain unrelated keys
 * that merely share a band value. Instead every verified pair of a bucket still ends in one pattern, at one
 * comparison per member when the members verify: members are kept in groups that each lie inside one
 * component, and a new member is compared with a group only when it is not already in that group's
 * component, and only until one member verifies. Why nothing is lost: if x and a later y verify, then when y
 * arrives x sits in some group g; either y is already in g's component, or y is compared with g's members
 * until one verifies, which joins y to g's component and so to x. Only a bucket whose members mostly fail
 * verification costs a comparison per pair, and those are candidate pairs any exact check has to look at.
 */
export function clusterPatterns(keys: readonly string[], params: PatternParameters): Int32Array {
  validateParameters(params)
  const count = keys.length
  const sets = shingleSets(keys, params)
  const components = new UnionFind(count)
  // Word swaps are joined while the helper thread starts on the signatures. Joins only ever follow verified
  // pairs and swaps, and every verified pair of a bucket ends in one pattern whatever is joined before, so the
  // order changes nothing in the patterns.
  const bandHashes = lshBandHashes(sets.data, sets.offsets, params, undefined, () =>
    joinOneWordSwaps(keys, components)
  )
  const { data, offsets } = sets
  const threshold = params.jaccard
  const verify = (a: number, b: number): boolean => {
    const aStart = offsets[a]!
    const aEnd = offsets[a + 1]!
    const bStart = offsets[b]!
    const bEnd = offsets[b + 1]!
    // Jaccard is at most smaller size / larger size, so most dissimilar pairs need no merge pass.
    const aSize = aEnd - aStart
    const bSize = bEnd - bStart
    if ((aSize < bSize ? aSize : bSize) < threshold * (aSize < bSize ? bSize : aSize)) return false
    return jaccardAtLeast(data, aStart, aEnd, bStart, bEnd, threshold)
  }
  const buckets = new BucketJoiner(components, verify)
  const sorter = new RadixSorter(count)
  const sortedHashes = new Uint32Array(count)
  const members = new Int32Array(count)
  for (let band = 0; band < params.bands; band++) {
    sortedHashes.set(bandHashes.subarray(band * count, (band + 1) * count))
    for (let i = 0; i < count; i++) members[i] = i
    sorter.sort(sortedHashes, members)
    let runStart = 0
    while (runStart < count) {
      const bucket = sortedHashes[runStart]!
      let runEnd = runStart + 1
      while (runEnd < count && sortedHashes[runEnd] === bucket) runEnd++
      if (runEnd - runStart > 1) buckets.join(members.subarray(runStart, runEnd))
      runStart = runEnd
    }
  }
  return components.denseIds()
}

/**
 * A stable LSD radix sort of 32-bit hashes carrying an index payload. The hashes move with their payload, so
 * every pass reads sequentially; 11-bit digits keep the counting array (2,048 entries) in L1 cache.
 */
class RadixSorter {
  private hashBuffer: Uint32Array
  private payloadBuffer: Int32Array
  private readonly counts = new Int32Array(RADIX_BUCKETS)

  constructor(capacity: number) {
    this.hashBuffer = new Uint32Array(capacity)
    this.payloadBuffer = new Int32Array(capacity)
  }

  /** Sorts `hashes` ascending in place and applies the same permutation to `payload`. */
  sort(hashes: Uint32Array, payload: Int32Array): void {
    const size = hashes.length
    if (this.hashBuffer.length < size) {
      this.hashBuffer = new Uint32Array(size)
      this.payloadBuffer = new Int32Array(size)
    }
    let fromHashes = hashes
    let fromPayload = payload
    let toHashes = this.hashBuffer.subarray(0, size)
    let toPayload = this.payloadBuffer.subarray(0, size)
    const counts = this.counts
    for (let pass = 0; pass < RADIX_PASSES_PER_WORD; pass++) {
      const shift = pass * RADIX_BITS
      counts.fill(0)
      for (let i = 0; i < size; i++) counts[(fromHashes[i]! >>> shift) & (RADIX_BUCKETS - 1)]!++
      let position = 0
      for (let digit = 0; digit < RADIX_BUCKETS; digit++) {
        const bucketSize = counts[digit]!
        counts[digit] = position
        position += bucketSize
      }
      for (let i = 0; i < size; i++) {
        const hash = fromHashes[i]!
        const at = counts[(hash >>> shift) & (RADIX_BUCKETS - 1)]!++
        toHashes[at] = hash
        toPayload[at] = fromPayload[i]!
      }
      ;[fromHashes, toHashes] = [toHashes, fromHashes]
      ;[fromPayload, toPayload] = [toPayload, fromPayload]
    }
    if (fromHashes !== hashes) {
      hashes.set(fromHashes)
      payload.set(fromPayload)
    }
  }
}

function validateParameters(params: PatternParameters): void {
  for (const name of ['shingleSize', 'bands', 'rowsPerBand'] as const) {
    const value = params[name]
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`pattern parameter ${name} must be a positive integer, got ${value}`)
    }
  }
  if (!(params.jaccard > 0 && params.jaccard <= 1)) {
    throw new Error(`pattern parameter jaccard must be in (0, 1], got ${params.jaccard}`)
  }
  if (!Number.isInteger(params.seed))
    throw new Error(`pattern parameter seed must be an integer, got ${params.seed}`)
}

/** All shingle sets in one flat array: key i owns data[offsets[i]] .. data[offsets[i + 1] - 1]. */
interface ShingleSets {
  data: Uint32Array
  offsets: Int32Array
}

function shingleSets(keys: readonly string[], params: PatternParameters): ShingleSets {
  // Sized once, where the band-hash kernel reads them (shingleSpace), for the most shingles the keys can have (a
  // key of t tokens has at most t - size + 1, and at least one): neither thread reads a copy, and no buffer is
  // grown and copied. Growing it took three buffers at once (old, doubled and shared), some 150 MB for the 9.8M
  // shingles of the 1M-row benchmark. Repeated shingles within a key leave a little of it unused.
  const size = params.shingleSize
  let bound = 0
  for (const key of keys) bound += shingleBound(key, size)
  const { data, offsets } = shingleSpace(keys.length, bound, params)
  let used = 0
  for (let i = 0; i < keys.length; i++) {
    used += writeShingles(keys[i]!, size, data, used)
    offsets[i + 1] = used
  }
  return { data: data.subarray(0, used), offsets }
}

/** Joins the verified pairs of one bucket at a time; scratch arrays are reused across buckets. */
class BucketJoiner {
  private groupHead = new Int32Array(16)
  private groupTail = new Int32Array(16)
  private nextInGroup = new Int32Array(16)
  private liveGroups = new Int32Array(16)

  constructor(
    private readonly components: UnionFind,
    private readonly verify: (a: number, b: number) => boolean
  ) {}

  /** `members` share a bucket, in increasing key order. */
  join(members: Int32Array): void {
    const components = this.components
    const size = members.length
    if (size === 2) {
      const a = members[0]!
      const b = members[1]!
      if (components.find(a) !== components.find(b) && this.verify(a, b)) components.union(a, b)
      return
    }
    this.ensureCapacity(size)
    const { groupHead, groupTail, nextInGroup, liveGroups } = this
    let groups = 0
    let live = 0
    for (let p = 0; p < size; p++) {
      const x = members[p]!
      let joined = -1
      let kept = 0
      for (let l = 0; l < live; l++) {
        const g = liveGroups[l]!
        let connected = components.find(x) === components.find(members[groupHead[g]!]!)
        for (let q = groupHead[g]!; !connected && q !== -1; q = nextInGroup[q]!) {
          if (this.verify(x, members[q]!)) {
            components.union(x, members[q]!)
            connected = true
          }
        }
        if (connected && joined !== -1) {
          // x links this group to the one it joined first: one component now, so one group.
          nextInGroup[groupTail[joined]!] = groupHead[g]!
          groupTail[joined] = groupTail[g]!
          continue
        }
        if (connected) joined = g
        liveGroups[kept++] = g
      }
      live = kept
      nextInGroup[p] = -1
      if (joined === -1) {
        groupHead[groups] = p
        groupTail[groups] = p
        liveGroups[live++] = groups++
      } else {
        nextInGroup[groupTail[joined]!] = p
        groupTail[joined] = p
      }
    }
  }

  private ensureCapacity(size: number): void {
    if (this.groupHead.length >= size) return
    const capacity = Math.max(size, this.groupHead.length * 2)
    this.groupHead = new Int32Array(capacity)
    this.groupTail = new Int32Array(capacity)
    this.nextInGroup = new Int32Array(capacity)
    this.liveGroups = new Int32Array(capacity)
  }
}

/**
 * Word slots that MinHash misses. Each occurrence of a slot word changes up to `shingleSize` shingles, so a
 * template whose object word recurs ("{name} has 3 {obj} ... how many {obj} does {name} have") or a short one
 * (`list <n> creative ways to reuse old {obj} at home`) falls under the Jaccard threshold, and every object
 * word would become a pattern of its own. Keys that become equal when one word is swapped for another at
 * every position it occurs are therefore one pattern too, when the word recurs or the key has at least
 * MIN_TOKENS_FOR_ONE_WORD_SWAP tokens. Keys of 11 or more tokens that differ in one word already reach
 * Jaccard 0.5 by 3-gram shingles; the rule extends that to keys of 8-10 tokens. Shorter keys are left to
 * MinHash, so "what is love" and "what is life" stay two patterns.
 */
const MIN_TOKENS_FOR_ONE_WORD_SWAP = 8
const MIN_OCCURRENCES_FOR_SWAP = 2
/**
 * Longer keys are left to MinHash alone: there a swapped word, even one that recurs a few dozen times, keeps
 * Jaccard above 0.5. The cap also bounds the insertion sort of a key's words.
 */
const MAX_TOKENS_FOR_ONE_WORD_SWAP = 256
/** Stands for the swapped word in the masked-key hash. */
const SWAPPED_WORD = 0x5bd1e995

function joinOneWordSwaps(keys: readonly string[], components: UnionFind): void {
  // The hash of a key is a sum of one mixed term per (token, position), in two independent 32-bit lanes, so
  // masking a word subtracts its terms and adds the mask's: O(tokens) per key whatever the number of words.
  // Masked hashes are then radix-sorted and equal ones joined; no map of millions of entries is needed.
  //
  // A key gives one masked hash per distinct word: 9.8 million for the 584k keys of the 1M-row benchmark, 12
  // bytes each plus as much again to sort them. Almost all of them match nothing (695k passed the filter). So they are
  // computed twice: the first pass only marks each first hash in a bit filter (and a second filter once seen
  // again), the second keeps the hashes whose mark was seen twice. Those are every hash with an equal partner
  // and a few that share a filter bit by chance; the exact comparison below sorts the rest out, so the joins
  // are the same as with every hash kept.
  const masks = new SwapMasks()
  const filter = new SeenTwice(keys.length * EXPECTED_MASKS_PER_KEY)
  for (let i = 0; i < keys.length; i++) {
    const count = masks.of(keys[i]!)
    for (let m = 0; m < count; m++) filter.add(masks.hash1[m]!)
  }
  const candidates = new MaskedHashes()
  for (let i = 0; i < keys.length; i++) {
    const count = masks.of(keys[i]!)
    for (let m = 0; m < count; m++) {
      const hash1 = masks.hash1[m]!
      if (filter.seenTwice(hash1)) candidates.push(hash1, masks.hash2[m]!, i)
    }
  }
  candidates.joinEqual(components)
}

/** Sizes the filter: about this many masked hashes per key, and 8 filter bits per hash. */
const EXPECTED_MASKS_PER_KEY = 16
const FILTER_BITS_PER_HASH = 8
/** 2^27 bits: two 16 MiB filters at most, however many keys (a fuller filter only keeps more candidates). */
const MAX_FILTER_BITS_LOG2 = 27

/** Which 32-bit hashes were seen at least twice, up to collisions in a bit per (hash >>> shift). */
class SeenTwice {
  private readonly once: Int32Array
  private readonly twice: Int32Array
  private readonly shift: number

  constructor(expected: number) {
    const bits = Math.min(
      MAX_FILTER_BITS_LOG2,
      Math.max(10, Math.ceil(Math.log2(Math.max(1, expected * FILTER_BITS_PER_HASH))))
    )
    this.shift = 32 - bits
    this.once = new Int32Array(2 ** (bits - 5))
    this.twice = new Int32Array(2 ** (bits - 5))
  }

  add(hash: number): void {
    const bit = hash >>> this.shift
    const word = bit >>> 5
    const mask = 1 << (bit & 31)
    if (this.once[word]! & mask) this.twice[word]! |= mask
    else this.once[word]! |= mask
  }

  seenTwice(hash: number): boolean {
    const bit = hash >>> this.shift
    return (this.twice[bit >>> 5]! & (1 << (bit & 31))) !== 0
  }
}

/**
 * The masked hashes of one key at a time (see joinOneWordSwaps): for each distinct word, the key's hash with
 * that word swapped for a stand-in wherever it occurs. Tokens are read as ranges of the key, with no strings
 * or arrays built per key.
 */
export class SwapMasks {
  readonly hash1 = new Uint32Array(MAX_TOKENS_FOR_ONE_WORD_SWAP)
  readonly hash2 = new Uint32Array(MAX_TOKENS_FOR_ONE_WORD_SWAP)
  private readonly wordHashes = new Uint32Array(MAX_TOKENS_FOR_ONE_WORD_SWAP)
  private readonly wordPositions = new Uint16Array(MAX_TOKENS_FOR_ONE_WORD_SWAP)

  /** Writes the key's masked hashes to hash1 and hash2 and returns how many there are. */
  of(key: string): number {
    const { wordHashes, wordPositions } = this
    const keyLength = key.length
    let sum1 = 0
    let sum2 = 0
    let words = 0
    let length = 0
    // The tokens of key.split(' '), empty ones included, each hashed as hash32OfSlice hashes it, in one pass
    // over the characters: finding each space with indexOf was the largest single cost of this loop.
    let start = 0
    let h = FNV32_OFFSET
    for (let i = 0; ; i++) {
      const c = i < keyLength ? charCodeAt.call(key, i) : END_OF_KEY
      if (c !== SPACE && c !== END_OF_KEY) {
        h = imul(h ^ c, FNV32_PRIME)
        continue
      }
      if (length === MAX_TOKENS_FOR_ONE_WORD_SWAP) return 0
      const tokenHash = final32(h)
      sum1 = (sum1 + positionTerm(tokenHash, length, LANE_1)) | 0
      sum2 = (sum2 + positionTerm(tokenHash, length, LANE_2)) | 0
      if (isWordTokenAt(key, start, i)) {
        // Insertion by word hash, so the occurrences of one word end up adjacent; keys are short.
        let at = words++
        while (at > 0 && wordHashes[at - 1]! > tokenHash) {
          wordHashes[at] = wordHashes[at - 1]!
          wordPositions[at] = wordPositions[at - 1]!
          at--
        }
        wordHashes[at] = tokenHash
        wordPositions[at] = length
      }
      if (c === END_OF_KEY) break
      start = i + 1
      h = FNV32_OFFSET
      length++
    }
    length++
    sum1 = (sum1 + length) | 0
    sum2 = (sum2 + length) | 0
    let count = 0
    for (let start = 0; start < words;) {
      const word = wordHashes[start]!
      let end = start
      let masked1 = sum1
      let masked2 = sum2
      for (; end < words && wordHashes[end] === word; end++) {
        const position = wordPositions[end]!
        masked1 =
          (masked1 - positionTerm(word, position, LANE_1) + positionTerm(SWAPPED_WORD, position, LANE_1)) | 0
        masked2 =
          (masked2 - positionTerm(word, position, LANE_2) + positionTerm(SWAPPED_WORD, position, LANE_2)) | 0
      }
      if (end - start >= MIN_OCCURRENCES_FOR_SWAP || length >= MIN_TOKENS_FOR_ONE_WORD_SWAP) {
        this.hash1[count] = masked1 >>> 0
        this.hash2[count] = masked2 >>> 0
        count++
      }
      start = end
    }
    return count
  }
}

const LANE_1 = 0x27d4eb2f
const LANE_2 = 0x165667b1
const SPACE = 0x20
const END_OF_KEY = -1

/** A well-mixed 32-bit term for a token hash at a position; lanes use different salts. */
function positionTerm(tokenHash: number, position: number, lane: number): number {
  let h = tokenHash ^ imul(position + 1, lane)
  h = imul(h ^ (h >>> 16), 0x85ebca6b)
  h = imul(h ^ (h >>> 13), 0xc2b2ae35)
  return h ^ (h >>> 16)
}

/** Growable (hash1, hash2, key) triples; keys whose two hashes both match are joined. */
class MaskedHashes {
  private hash1: Uint32Array
  private hash2: Uint32Array
  private owner: Int32Array
  private size = 0

  constructor(capacity = 4096) {
    this.hash1 = new Uint32Array(capacity)
    this.hash2 = new Uint32Array(capacity)
    this.owner = new Int32Array(capacity)
  }

  push(hash1: number, hash2: number, key: number): void {
    if (this.size === this.owner.length) {
      const capacity = this.size * 2
      this.hash1 = grownUint32(this.hash1, capacity)
      this.hash2 = grownUint32(this.hash2, capacity)
      const owner = new Int32Array(capacity)
      owner.set(this.owner)
      this.owner = owner
    }
    this.hash1[this.size] = hash1
    this.hash2[this.size] = hash2
    this.owner[this.size] = key
    this.size++
  }

  joinEqual(components: UnionFind): void {
    const size = this.size
    const hash1 = this.hash1.subarray(0, size)
    const entries = new Int32Array(size)
    for (let i = 0; i < size; i++) entries[i] = i
    new RadixSorter(size).sort(hash1, entries)
    // Within a run of equal first hashes, entries join the earlier entry with the same second hash. Runs
    // almost always hold one second hash; different ones only meet on a 32-bit collision of the first.
    const firstOfHash2 = new Map<number, number>()
    for (let start = 0; start < size;) {
      let end = start + 1
      while (end < size && hash1[end] === hash1[start]) end++
      if (end - start > 1) {
        firstOfHash2.clear()
        for (let e = start; e < end; e++) {
          const entry = entries[e]!
          const key = this.owner[entry]!
          const first = firstOfHash2.get(this.hash2[entry]!)
          if (first === undefined) firstOfHash2.set(this.hash2[entry]!, key)
          else components.union(first, key)
        }
      }
      start = end
    }
  }
}

function grownUint32(array: Uint32Array, capacity: number): Uint32Array {
  const grown = new Uint32Array(capacity)
  grown.set(array)
  return grown
}
