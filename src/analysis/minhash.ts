import { hash32, hash32OfSlice } from './hash.js'

// A module-scope binding: inside Jest's vm context every lookup of the global `Math` goes through an
// interceptor (about 200 ns), which made hashing-heavy tests some 50 times slower. Plain Node is unaffected.
const { imul } = Math

/**
 * The shingle set of a template key: hashes of its word n-grams, sorted and unique. A key shorter than `size`
 * tokens is one shingle of the whole key, so short rows still take part (text-dedup skips them; prompts are
 * often that short). The empty key is one shingle of ''.
 */
export function shingles(key: string, size: number): Uint32Array {
  const out = new Uint32Array(shingleBound(key, size))
  const count = writeShingles(key, size, out, 0)
  return count === out.length ? out : out.slice(0, count)
}

/** The most shingles a key can have: its n-grams, or the one shingle of a short key. */
export function shingleBound(key: string, size: number): number {
  if (key === '') return 1
  let tokens = 1
  for (let at = key.indexOf(' '); at !== -1; at = key.indexOf(' ', at + 1)) tokens++
  return tokens < size || size < 1 ? 1 : tokens - size + 1
}

/**
 * Writes the key's shingle set (see shingles) to `out` from `at`, sorted and unique, and returns its size. The
 * clustering writes every key's set into one shared buffer this way, with no array per key.
 */
export function writeShingles(key: string, size: number, out: Uint32Array, at: number): number {
  if (size < 1) {
    out[at] = hash32(key)
    return 1
  }
  // An n-gram is a substring of the key (tokens are separated by single spaces), hashed in place; the starts of
  // the last `size` tokens are kept in a ring.
  const starts = ringFor(size)
  let tokens = 0
  let count = 0
  for (let start = 0; ;) {
    const space = key.indexOf(' ', start)
    const end = space === -1 ? key.length : space
    starts[tokens % size] = start
    tokens++
    if (tokens >= size) out[at + count++] = hash32OfSlice(key, starts[tokens % size]!, end)
    if (space === -1) break
    start = space + 1
  }
  if (key === '' || tokens < size) {
    out[at] = hash32(key)
    return 1
  }
  const set = out.subarray(at, at + count).sort()
  let write = 0
  for (let read = 0; read < count; read++) {
    if (read === 0 || set[read] !== set[write - 1]) set[write++] = set[read]!
  }
  return write
}

let ring = new Int32Array(8)
function ringFor(size: number): Int32Array {
  if (ring.length < size) ring = new Int32Array(size)
  return ring
}

/** `count` pseudo-random 32-bit salts from a seed (splitmix32), one per MinHash function. */
export function minHashSalts(count: number, seed: number): Uint32Array {
  const salts = new Uint32Array(count)
  let state = seed >>> 0
  for (let i = 0; i < count; i++) {
    state = (state + 0x9e3779b9) >>> 0
    let z = state
    z = imul(z ^ (z >>> 16), 0x85ebca6b)
    z = imul(z ^ (z >>> 13), 0xc2b2ae35)
    salts[i] = (z ^ (z >>> 16)) >>> 0
  }
  return salts
}

/**
 * Writes the MinHash signature of a shingle set (a slice of `data`) into `out`, one minimum per salt. Each
 * function is the murmur3 finaliser applied to shingle XOR salt: a bijection on 32 bits, so distinct shingles
 * never tie, and the finaliser's avalanche makes the functions behave as independent permutations.
 */
export function writeMinHashSignature(
  data: Uint32Array,
  start: number,
  end: number,
  salts: Uint32Array,
  out: Uint32Array
): void {
  for (let f = 0; f < salts.length; f++) {
    const salt = salts[f]!
    let min = 0xffffffff
    for (let i = start; i < end; i++) {
      let h = data[i]! ^ salt
      h = imul(h ^ (h >>> 16), 0x85ebca6b)
      h = imul(h ^ (h >>> 13), 0xc2b2ae35)
      h = (h ^ (h >>> 16)) >>> 0
      if (h < min) min = h
    }
    out[f] = min
  }
}

/** Exact Jaccard similarity of two sorted, unique shingle sets. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  return jaccardOfSlices(a, 0, a.length, b, 0, b.length)
}

/** Exact Jaccard similarity of two sorted, unique slices, by one merge pass. */
export function jaccardOfSlices(
  a: Uint32Array,
  aStart: number,
  aEnd: number,
  b: Uint32Array,
  bStart: number,
  bEnd: number
): number {
  let i = aStart
  let j = bStart
  let shared = 0
  while (i < aEnd && j < bEnd) {
    const x = a[i]!
    const y = b[j]!
    if (x === y) {
      shared++
      i++
      j++
    } else if (x < y) {
      i++
    } else {
      j++
    }
  }
  const union = aEnd - aStart + (bEnd - bStart) - shared
  return union === 0 ? 1 : shared / union
}

/**
 * Whether two sorted, unique slices have Jaccard similarity >= threshold. Same answer as jaccardOfSlices, but
 * the merge stops as soon as the shared count can no longer reach the threshold, which is most of the work
 * when candidates fail.
 */
export function jaccardAtLeast(
  data: Uint32Array,
  aStart: number,
  aEnd: number,
  bStart: number,
  bEnd: number,
  threshold: number
): boolean {
  const total = aEnd - aStart + (bEnd - bStart)
  // The fewest shared shingles that pass: the least s with s / (total - s) >= threshold.
  let needed = ((threshold * total) / (1 + threshold)) | 0
  while (needed < total && needed / (total - needed) < threshold) needed++
  let i = aStart
  let j = bStart
  let shared = 0
  while (i < aEnd && j < bEnd) {
    const x = data[i]!
    const y = data[j]!
    if (x === y) {
      shared++
      i++
      j++
    } else {
      if (x < y) i++
      else j++
      const left = aEnd - i < bEnd - j ? aEnd - i : bEnd - j
      if (shared + left < needed) return false
    }
  }
  return shared >= needed
}
