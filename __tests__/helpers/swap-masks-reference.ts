// SwapMasks.of as it was before its fused pass over the characters (indexOf for each space, hash32OfSlice for
// each token), kept to check that the faster one gives the same hashes. Constants as in patterns.ts.
import { hash32OfSlice } from '../../src/analysis/hash.js'
import { isWordTokenAt } from '../../src/analysis/text-keys.js'

const MIN_TOKENS_FOR_ONE_WORD_SWAP = 8
const MIN_OCCURRENCES_FOR_SWAP = 2
const MAX_TOKENS_FOR_ONE_WORD_SWAP = 256
const SWAPPED_WORD = 0x5bd1e995
const LANE_1 = 0x27d4eb2f
const LANE_2 = 0x165667b1
const { imul } = Math

function positionTerm(tokenHash: number, position: number, lane: number): number {
  let h = tokenHash ^ imul(position + 1, lane)
  h = imul(h ^ (h >>> 16), 0x85ebca6b)
  h = imul(h ^ (h >>> 13), 0xc2b2ae35)
  return h ^ (h >>> 16)
}

/** The key's masked hashes as `hash1/hash2` strings, in the order SwapMasks.of writes them. */
export function referenceSwapMasks(key: string): string[] {
  const wordHashes: number[] = []
  const wordPositions: number[] = []
  let sum1 = 0
  let sum2 = 0
  let words = 0
  let length = 0
  for (let start = 0; ; length++) {
    if (length === MAX_TOKENS_FOR_ONE_WORD_SWAP) return []
    const space = key.indexOf(' ', start)
    const end = space === -1 ? key.length : space
    const h = hash32OfSlice(key, start, end)
    sum1 = (sum1 + positionTerm(h, length, LANE_1)) | 0
    sum2 = (sum2 + positionTerm(h, length, LANE_2)) | 0
    if (isWordTokenAt(key, start, end)) {
      let at = words++
      while (at > 0 && wordHashes[at - 1]! > h) {
        wordHashes[at] = wordHashes[at - 1]!
        wordPositions[at] = wordPositions[at - 1]!
        at--
      }
      wordHashes[at] = h
      wordPositions[at] = length
    }
    if (space === -1) break
    start = space + 1
  }
  length++
  sum1 = (sum1 + length) | 0
  sum2 = (sum2 + length) | 0
  const out: string[] = []
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
      out.push(`${masked1 >>> 0}/${masked2 >>> 0}`)
    }
    start = end
  }
  return out
}
