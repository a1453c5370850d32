// MinHash LSH band hashes for every distinct template key, on two threads when there are enough keys. At a
// million rows (about 600k keys) the signatures are the largest single cost of clustering, some 5 s on one
// core, and nothing else runs while they are computed: a helper thread takes half of them. Both threads run
// the same function over blocks of keys handed out by a shared counter, so the numbers are the same whoever
// computes a block, and a helper that fails or stalls only means the main thread does its blocks too.

import { Worker } from 'node:worker_threads'
import type { PatternParameters } from '../config/types.js'
import { minHashSalts } from './minhash.js'

/** Keys per block handed out: a few milliseconds of work, small enough that both threads finish together. */
const BLOCK_KEYS = 1024
/**
 * Below this many keys one thread is used: the keys take under half a second, and starting a helper thread
 * costs some 30 ms.
 */
export const MIN_KEYS_FOR_HELPER = 50_000
/** A block takes milliseconds; a helper that has not finished one in this long is given up. */
const HELPER_STALL_MS = 5_000
/** How often the main thread looks at the helper's state while it waits for a block. */
const WAIT_SLICE_MS = 50

const RUNNING = 0
const FAILED = 1

/**
 * Computes the band hashes of the keys in each block below `blockLimit` it takes from `next`, and marks the
 * block in `done`.
 * Self-contained (no name from outside but Math and Atomics), because the helper thread runs its source text.
 * The signature is writeMinHashSignature's: the murmur3 finaliser of shingle XOR salt, one minimum per salt;
 * each band of `rowsPerBand` minima is folded into one 32-bit hash, stored band-major.
 */
function bandHashBlocks(
  data: Uint32Array,
  offsets: Int32Array,
  salts: Uint32Array,
  bands: number,
  rowsPerBand: number,
  out: Uint32Array,
  next: Int32Array,
  done: Int32Array,
  blockKeys: number,
  blockLimit: number
): void {
  const imul = Math.imul
  const count = offsets.length - 1
  const functions = salts.length
  const signature = new Uint32Array(functions)
  for (let block = Atomics.add(next, 0, 1); block < blockLimit; block = Atomics.add(next, 0, 1)) {
    const last = Math.min(count, (block + 1) * blockKeys)
    for (let key = block * blockKeys; key < last; key++) {
      const start = offsets[key]!
      const end = offsets[key + 1]!
      // Four functions per pass over the shingles: four independent chains of multiplications, which the
      // processor overlaps (20% less time than one function per pass, measured on 200k keys of 17 shingles).
      let f = 0
      for (; f + 4 <= functions; f += 4) {
        const salt0 = salts[f]!
        const salt1 = salts[f + 1]!
        const salt2 = salts[f + 2]!
        const salt3 = salts[f + 3]!
        let min0 = 0xffffffff
        let min1 = 0xffffffff
        let min2 = 0xffffffff
        let min3 = 0xffffffff
        for (let i = start; i < end; i++) {
          const shingle = data[i]!
          let h = shingle ^ salt0
          h = imul(h ^ (h >>> 16), 0x85ebca6b)
          h = imul(h ^ (h >>> 13), 0xc2b2ae35)
          h = (h ^ (h >>> 16)) >>> 0
          if (h < min0) min0 = h
          h = shingle ^ salt1
          h = imul(h ^ (h >>> 16), 0x85ebca6b)
          h = imul(h ^ (h >>> 13), 0xc2b2ae35)
          h = (h ^ (h >>> 16)) >>> 0
          if (h < min1) min1 = h
          h = shingle ^ salt2
          h = imul(h ^ (h >>> 16), 0x85ebca6b)
          h = imul(h ^ (h >>> 13), 0xc2b2ae35)
          h = (h ^ (h >>> 16)) >>> 0
          if (h < min2) min2 = h
          h = shingle ^ salt3
          h = imul(h ^ (h >>> 16), 0x85ebca6b)
          h = imul(h ^ (h >>> 13), 0xc2b2ae35)
          h = (h ^ (h >>> 16)) >>> 0
          if (h < min3) min3 = h
        }
        signature[f] = min0
        signature[f + 1] = min1
        signature[f + 2] = min2
        signature[f + 3] = min3
      }
      for (; f < functions; f++) {
        const salt = salts[f]!
        let min = 0xffffffff
        for (let i = start; i < end; i++) {
          let h = data[i]! ^ salt
          h = imul(h ^ (h >>> 16), 0x85ebca6b)
          h = imul(h ^ (h >>> 13), 0xc2b2ae35)
          h = (h ^ (h >>> 16)) >>> 0
          if (h < min) min = h
        }
        signature[f] = min
      }
      for (let band = 0; band < bands; band++) {
        let h = 0x811c9dc5
        for (let row = band * rowsPerBand; row < (band + 1) * rowsPerBand; row++) {
          h = imul(h ^ signature[row]!, 0x01000193)
          h ^= h >>> 15
        }
        h = imul(h ^ (h >>> 16), 0x85ebca6b)
        h = imul(h ^ (h >>> 13), 0xc2b2ae35)
        out[band * count + key] = (h ^ (h >>> 16)) >>> 0
      }
    }
    Atomics.store(done, block, 1)
  }
}

const HELPER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const bandHashBlocks = ${bandHashBlocks.toString()}
parentPort.once('message', job => {
  try {
    const { data, offsets, salts, bands, rowsPerBand, out, next, done, blockKeys, blocks } = job
    bandHashBlocks(data, offsets, salts, bands, rowsPerBand, out, next, done, blockKeys, blocks)
  } catch {
    Atomics.store(job.state, 0, ${FAILED})
  }
  parentPort.close()
})
`

/**
 * One 32-bit hash per band per key, band-major: hashes[band * count + key], for the shingle sets
 * data[offsets[k]] .. data[offsets[k + 1] - 1]. Only band hashes are kept, not whole signatures. Two keys with
 * different band values rarely share a hash (about 5 pairs per band at 200k keys); such a pair is only an extra
 * candidate, rejected by verification. With `minKeysForHelper` keys or more, a helper thread shares the work.
 * `meanwhile` is other work for this thread, done while the helper starts on the blocks: the two threads then
 * share what is left.
 */
export function lshBandHashes(
  data: Uint32Array,
  offsets: Int32Array,
  params: PatternParameters,
  minKeysForHelper = MIN_KEYS_FOR_HELPER,
  meanwhile: () => void = () => undefined
): Uint32Array {
  const { bands, rowsPerBand } = params
  const count = offsets.length - 1
  const salts = minHashSalts(bands * rowsPerBand, params.seed)
  const blocks = Math.ceil(count / BLOCK_KEYS)
  const helper = count >= minKeysForHelper ? startHelper() : null
  if (helper === null) {
    meanwhile()
    const out = new Uint32Array(bands * count)
    const next = new Int32Array(1)
    bandHashBlocks(
      data,
      offsets,
      salts,
      bands,
      rowsPerBand,
      out,
      next,
      new Int32Array(blocks),
      BLOCK_KEYS,
      blocks
    )
    return out
  }
  const job = {
    data: sharedCopy(data),
    offsets: sharedCopy(offsets),
    salts: sharedCopy(salts),
    bands,
    rowsPerBand,
    out: new Uint32Array(new SharedArrayBuffer(bands * count * Uint32Array.BYTES_PER_ELEMENT)),
    next: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)),
    done: new Int32Array(new SharedArrayBuffer(blocks * Int32Array.BYTES_PER_ELEMENT)),
    state: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)),
    blockKeys: BLOCK_KEYS,
    blocks
  }
  helper.postMessage(job)
  meanwhile()
  const { out, next, done, state } = job
  bandHashBlocks(job.data, job.offsets, job.salts, bands, rowsPerBand, out, next, done, BLOCK_KEYS, blocks)
  // Blocks the helper took: wait for each, or compute it here if the helper failed or stalled (a block both
  // threads compute gets the same values from both).
  let deadline = Date.now() + HELPER_STALL_MS
  for (let block = 0; block < blocks; block++) {
    while (Atomics.load(done, block) === 0 && Atomics.load(state, 0) === RUNNING && Date.now() < deadline) {
      Atomics.wait(done, block, 0, WAIT_SLICE_MS)
    }
    if (Atomics.load(done, block) === 0) {
      Atomics.store(state, 0, FAILED)
      const only = new Int32Array([block])
      bandHashBlocks(
        job.data,
        job.offsets,
        job.salts,
        bands,
        rowsPerBand,
        out,
        only,
        done,
        BLOCK_KEYS,
        block + 1
      )
    }
    deadline = Date.now() + HELPER_STALL_MS
  }
  void helper.terminate()
  return out
}

function startHelper(): Worker | null {
  try {
    const worker = new Worker(HELPER_SOURCE, { eval: true })
    worker.unref()
    // A helper that cannot run (for example when a coverage tool rewrote the function it runs) is simply not
    // waited for; without a listener its error would end the process.
    worker.on('error', () => undefined)
    return worker
  } catch {
    return null
  }
}

/** The array itself when it is already shared memory, else a copy in shared memory. */
function sharedCopy<T extends Uint32Array | Int32Array>(array: T): T {
  if (array.buffer instanceof SharedArrayBuffer) return array
  const shared = new (array.constructor as new (buffer: SharedArrayBuffer) => T)(
    new SharedArrayBuffer(array.byteLength)
  )
  shared.set(array)
  return shared
}
