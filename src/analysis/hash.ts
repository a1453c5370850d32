// Fast non-cryptographic string hashes. Unique counts at each cascade level keep one number per distinct key
// instead of the key itself, so memory grows with distinct keys, not with bytes read.

// A module-scope binding: inside Jest's vm context every lookup of the global `Math` goes through an
// interceptor (about 200 ns), which made hashing-heavy tests some 50 times slower. Plain Node is unaffected.
const { imul } = Math

// Every character is read with this function called on the string, never with `text.charCodeAt(i)`. A string's
// `length` and `charCodeAt` are looked up on its map, and V8 has a map per representation (flat, internalized,
// concatenated, sliced, one or two bytes per character). A hash called with more than four of them, as this one
// is, turns both lookups into generic property loads, done once per character: in a full check that made
// hashing about four times slower. A known function called with `.call` needs no lookup at all, and the length
// is read once per string.
const charCodeAt = String.prototype.charCodeAt

/** hash53's two lane seeds (seed 0), for code that feeds its lanes itself (text-keys.ts writeKeyHashes). */
export const HASH53_SEED_1 = 0x9e3779b1
export const HASH53_SEED_2 = 0x85ebca6b

/**
 * A 53-bit hash of a string (two 32-bit multiplicative lanes, combined), safe as a JavaScript number and as a
 * Set or Map key. At a million distinct keys the chance of any collision is about 1 in 20,000.
 */
export function hash53(text: string, seed = 0): number {
  // hash53OfSlice's loop, kept here rather than called: this is the hottest function of a check, and a
  // version calling hash53OfSlice ran the 1M-row benchmark in 33-35.5 s against 31.5-32 s (two runs each, on
  // a noisy machine), so the copy stays.
  let h1 = 0x9e3779b1 ^ seed
  let h2 = 0x85ebca6b ^ seed
  const length = text.length
  for (let i = 0; i < length; i++) {
    const c = charCodeAt.call(text, i)
    h1 = imul(h1 ^ c, 0xcc9e2d51)
    h1 = (h1 << 13) | (h1 >>> 19)
    h2 = imul(h2 ^ c, 0x1b873593)
    h2 = (h2 << 17) | (h2 >>> 15)
  }
  return final53(h1, h2)
}

/** The two lanes mixed into one 53-bit number: the last step of every hash53 variant here. */
export function final53(h1: number, h2: number): number {
  h1 = imul(h1 ^ (h1 >>> 16), 0x85ebca6b) ^ imul(h2 ^ (h2 >>> 13), 0xc2b2ae35)
  h2 = imul(h2 ^ (h2 >>> 16), 0x85ebca6b) ^ imul(h1 ^ (h1 >>> 13), 0xc2b2ae35)
  h1 ^= h1 >>> 16
  h2 ^= h2 >>> 16
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}

/** hash53 of `text.slice(start, end)`, without building the slice. */
export function hash53OfSlice(text: string, start: number, end: number, seed = 0): number {
  let h1 = 0x9e3779b1 ^ seed
  let h2 = 0x85ebca6b ^ seed
  for (let i = start; i < end; i++) {
    const c = charCodeAt.call(text, i)
    h1 = imul(h1 ^ c, 0xcc9e2d51)
    h1 = (h1 << 13) | (h1 >>> 19)
    h2 = imul(h2 ^ c, 0x1b873593)
    h2 = (h2 << 17) | (h2 >>> 15)
  }
  return final53(h1, h2)
}

/**
 * hash53 of `tokens[start]` to `tokens[end - 1]` joined by single spaces, without building the joined string:
 * the same number as `hash53(tokens.slice(start, end).join(' '), seed)`. Distinct-n hashes millions of n-grams,
 * and the slice, the join and the string each cost more than the hashing.
 */
export function hash53OfJoined(tokens: readonly string[], start: number, end: number, seed = 0): number {
  let h1 = 0x9e3779b1 ^ seed
  let h2 = 0x85ebca6b ^ seed
  for (let t = start; t < end; t++) {
    if (t > start) {
      h1 = imul(h1 ^ SPACE, 0xcc9e2d51)
      h1 = (h1 << 13) | (h1 >>> 19)
      h2 = imul(h2 ^ SPACE, 0x1b873593)
      h2 = (h2 << 17) | (h2 >>> 15)
    }
    const text = tokens[t]!
    const length = text.length
    for (let i = 0; i < length; i++) {
      const c = charCodeAt.call(text, i)
      h1 = imul(h1 ^ c, 0xcc9e2d51)
      h1 = (h1 << 13) | (h1 >>> 19)
      h2 = imul(h2 ^ c, 0x1b873593)
      h2 = (h2 << 17) | (h2 >>> 15)
    }
  }
  return final53(h1, h2)
}
const SPACE = 0x20

/**
 * hash53OfJoined of `count` word tokens given as ranges of an ASCII `text`, each lower-cased: token k runs from
 * `starts[r]` to `ends[r] - 1` with r = (first + k) % starts.length (the ranges are a ring). Only for tokens of
 * ASCII letters, digits and apostrophes, where lower-casing is setting bit 0x20 (digits and the apostrophe have
 * it set already): the same number as hashing the lower-cased tokens joined by spaces, with no string built.
 */
export function hash53OfAsciiWordRanges(
  text: string,
  starts: Int32Array,
  ends: Int32Array,
  first: number,
  count: number,
  seed = 0
): number {
  let h1 = 0x9e3779b1 ^ seed
  let h2 = 0x85ebca6b ^ seed
  const ring = starts.length
  for (let k = 0; k < count; k++) {
    if (k > 0) {
      h1 = imul(h1 ^ SPACE, 0xcc9e2d51)
      h1 = (h1 << 13) | (h1 >>> 19)
      h2 = imul(h2 ^ SPACE, 0x1b873593)
      h2 = (h2 << 17) | (h2 >>> 15)
    }
    const r = (first + k) % ring
    const end = ends[r]!
    for (let i = starts[r]!; i < end; i++) {
      const c = charCodeAt.call(text, i) | LOWER_CASE_BIT
      h1 = imul(h1 ^ c, 0xcc9e2d51)
      h1 = (h1 << 13) | (h1 >>> 19)
      h2 = imul(h2 ^ c, 0x1b873593)
      h2 = (h2 << 17) | (h2 >>> 15)
    }
  }
  return final53(h1, h2)
}
const LOWER_CASE_BIT = 0x20

/** A 32-bit hash of a string, as an unsigned integer. */
export function hash32(text: string, seed = 0): number {
  return hash32OfSlice(text, 0, text.length, seed)
}

/**
 * hash32's steps, for code that feeds the characters itself (patterns.ts SwapMasks, which hashes each token of a
 * key as it finds the spaces): start at FNV32_OFFSET ^ seed, take each character as
 * `imul(h ^ code, FNV32_PRIME)`, and end with final32.
 */
export const FNV32_OFFSET = 0x811c9dc5
export const FNV32_PRIME = 0x01000193

/** The murmur3 finaliser that ends hash32, as an unsigned integer. */
export function final32(h: number): number {
  h ^= h >>> 16
  h = imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** hash32 of `text.slice(start, end)`, without building the slice. */
export function hash32OfSlice(text: string, start: number, end: number, seed = 0): number {
  let h = FNV32_OFFSET ^ seed
  for (let i = start; i < end; i++) {
    h = imul(h ^ charCodeAt.call(text, i), FNV32_PRIME)
  }
  return final32(h)
}
