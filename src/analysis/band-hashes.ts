// MinHash LSH band hashes for every distinct template key, on two threads when there are enough keys. At a
// million rows (about 600k keys) the signatures are the largest single cost of clustering, some 4 s on one
// core in JavaScript. The kernel is WebAssembly with SIMD (band-hashes.wat: four hash functions per operation,
// about 3x faster), with the same numbers from a JavaScript twin where WebAssembly cannot run. A helper thread
// takes half of the keys: both threads run the same kernel over blocks of keys handed out by a shared counter,
// so the numbers are the same whoever computes a block, and a helper that fails or stalls only means the main
// thread does its blocks too.

import { Worker } from 'node:worker_threads'
import type { PatternParameters } from '../config/types.js'
import { BAND_HASHES_WASM } from './band-hashes-wasm.js'
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
/** WebAssembly pages are 64 KiB, and a 32-bit memory has at most 65,536 of them (4 GiB). */
const WASM_PAGE_BYTES = 65_536
const WASM_MAX_PAGES = 65_536

const RUNNING = 0
const FAILED = 1

/** Which kernel computes the hashes: WebAssembly where it runs, else JavaScript; the numbers are the same. */
export type BandHashKernel = 'wasm' | 'js'

/**
 * The JavaScript kernel: the band hashes of keys first .. last - 1, into `out`; `signature` is scratch of one
 * u32 per function. Self-contained (no name from outside but Math), because the helper thread runs its source
 * text. The signature is writeMinHashSignature's: the murmur3 finaliser of shingle XOR salt, one minimum per
 * salt; each band of `rowsPerBand` minima is folded into one 32-bit hash, stored band-major.
 */
function bandHashKeys(
  data: Uint32Array,
  offsets: Int32Array,
  salts: Uint32Array,
  bands: number,
  rowsPerBand: number,
  out: Uint32Array,
  first: number,
  last: number,
  signature: Uint32Array
): void {
  const imul = Math.imul
  const count = offsets.length - 1
  const functions = salts.length
  for (let key = first; key < last; key++) {
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
}

/**
 * What a thread needs to compute blocks of keys. Every array lives in shared memory, so the helper thread works
 * on the same ones: postMessage shares a SharedArrayBuffer or a shared WebAssembly.Memory instead of copying it.
 */
interface BandHashJob {
  count: number
  bands: number
  rowsPerBand: number
  functions: number
  blockKeys: number
  blocks: number
  /** The next block to take, whoever takes it. */
  next: Int32Array
  /** 1 for each block computed. */
  done: Int32Array
  /** RUNNING, or FAILED once the helper fails or is given up. */
  state: Int32Array
  /** The JavaScript kernel's arrays. */
  js?: { data: Uint32Array; offsets: Int32Array; salts: Uint32Array; out: Uint32Array }
  /** The WebAssembly kernel's module, memory and the byte offsets of its arrays; one signature per thread. */
  wasm?: {
    module: WebAssembly.Module
    memory: WebAssembly.Memory
    at: { salts: number; offsets: number; data: number; out: number; signatures: [number, number] }
  }
}

/**
 * A function computing the band hashes of keys first .. last - 1 on the calling thread (0: main, 1: helper).
 * Self-contained like bandHashKeys, which it is given, as the helper runs its source text too. Where the
 * WebAssembly module cannot be instantiated, the JavaScript kernel runs on the same memory: the same numbers.
 */
function blockRunner(
  job: BandHashJob,
  thread: 0 | 1,
  jsKernel: typeof bandHashKeys
): (first: number, last: number) => void {
  const { count, bands, rowsPerBand, functions } = job
  let arrays = job.js
  if (job.wasm) {
    const { module, memory, at } = job.wasm
    try {
      const instance = new WebAssembly.Instance(module, { env: { memory } })
      const bandHashes = instance.exports.bandHashes as (...args: number[]) => void
      const signature = at.signatures[thread]
      return (first, last) =>
        bandHashes(
          at.salts,
          functions,
          at.offsets,
          at.data,
          at.out,
          count,
          bands,
          rowsPerBand,
          first,
          last,
          signature
        )
    } catch {
      const buffer = memory.buffer
      const offsets = new Int32Array(buffer, at.offsets, count + 1)
      arrays = {
        data: new Uint32Array(buffer, at.data, offsets[count]),
        offsets,
        salts: new Uint32Array(buffer, at.salts, functions),
        out: new Uint32Array(buffer, at.out, bands * count)
      }
    }
  }
  const { data, offsets, salts, out } = arrays!
  const signature = new Uint32Array(functions)
  return (first, last) => jsKernel(data, offsets, salts, bands, rowsPerBand, out, first, last, signature)
}

/** Takes blocks from the shared counter until none is left, computes each and marks it done. Self-contained. */
function takeBlocks(job: BandHashJob, run: (first: number, last: number) => void): void {
  const { next, done, blocks, blockKeys, count } = job
  for (let block = Atomics.add(next, 0, 1); block < blocks; block = Atomics.add(next, 0, 1)) {
    run(block * blockKeys, Math.min(count, (block + 1) * blockKeys))
    Atomics.store(done, block, 1)
  }
}

const HELPER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const bandHashKeys = ${bandHashKeys.toString()}
const blockRunner = ${blockRunner.toString()}
const takeBlocks = ${takeBlocks.toString()}
parentPort.once('message', job => {
  try {
    takeBlocks(job, blockRunner(job, 1, bandHashKeys))
  } catch {
    Atomics.store(job.state, 0, ${FAILED})
  }
  parentPort.close()
})
`

/** The compiled kernel: undefined until first needed, null where WebAssembly (with SIMD) cannot run. */
let wasmModule: WebAssembly.Module | null | undefined

function bandHashModule(): WebAssembly.Module | null {
  if (wasmModule === undefined) {
    try {
      wasmModule = new WebAssembly.Module(Buffer.from(BAND_HASHES_WASM, 'base64'))
    } catch {
      wasmModule = null
    }
  }
  return wasmModule
}

/**
 * The kernel lshBandHashes uses by default: WebAssembly where this Node can compile the module (not under
 * `--jitless`, which leaves no WebAssembly global: compiling then throws, and bandHashModule gives null).
 */
export function defaultBandHashKernel(): BandHashKernel {
  return bandHashModule() !== null ? 'wasm' : 'js'
}

/**
 * One 32-bit hash per band per key, band-major: hashes[band * count + key], for the shingle sets
 * data[offsets[k]] .. data[offsets[k + 1] - 1]. Only band hashes are kept, not whole signatures. Two keys with
 * different band values rarely share a hash (about 5 pairs per band at 200k keys); such a pair is only an extra
 * candidate, rejected by verification. With `minKeysForHelper` keys or more, a helper thread shares the work.
 * `meanwhile` is other work for this thread, done while the helper starts on the blocks: the two threads then
 * share what is left. Both kernels give the same hashes.
 */
export function lshBandHashes(
  data: Uint32Array,
  offsets: Int32Array,
  params: PatternParameters,
  minKeysForHelper = MIN_KEYS_FOR_HELPER,
  meanwhile: () => void = () => undefined,
  kernel: BandHashKernel = defaultBandHashKernel()
): Uint32Array {
  const { bands, rowsPerBand } = params
  const count = offsets.length - 1
  const salts = minHashSalts(bands * rowsPerBand, params.seed)
  const blocks = Math.ceil(count / BLOCK_KEYS)
  const useHelper = count >= minKeysForHelper
  const shape = { count, bands, rowsPerBand, functions: salts.length, blockKeys: BLOCK_KEYS, blocks }
  const counters = {
    next: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)),
    done: new Int32Array(new SharedArrayBuffer(Math.max(1, blocks) * Int32Array.BYTES_PER_ELEMENT)),
    state: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT))
  }
  const job: BandHashJob =
    (kernel === 'wasm' ? wasmJob(data, offsets, salts, shape, counters) : null) ??
    jsJob(data, offsets, salts, shape, counters, useHelper)
  const helper = useHelper ? startHelper() : null
  helper?.postMessage(job)
  meanwhile()
  const run = blockRunner(job, 0, bandHashKeys)
  takeBlocks(job, run)
  if (helper !== null) {
    // Blocks the helper took: wait for each, or compute it here if the helper failed or stalled (a block both
    // threads compute gets the same values from both).
    const { done, state } = job
    let deadline = Date.now() + HELPER_STALL_MS
    for (let block = 0; block < blocks; block++) {
      while (Atomics.load(done, block) === 0 && Atomics.load(state, 0) === RUNNING && Date.now() < deadline) {
        Atomics.wait(done, block, 0, WAIT_SLICE_MS)
      }
      if (Atomics.load(done, block) === 0) {
        Atomics.store(state, 0, FAILED)
        run(block * BLOCK_KEYS, Math.min(count, (block + 1) * BLOCK_KEYS))
        Atomics.store(done, block, 1)
      }
      deadline = Date.now() + HELPER_STALL_MS
    }
    void helper.terminate()
  }
  if (job.wasm) return new Uint32Array(job.wasm.memory.buffer, job.wasm.at.out, bands * count)
  return job.js!.out
}

type JobShape = Pick<BandHashJob, 'count' | 'bands' | 'rowsPerBand' | 'functions' | 'blockKeys' | 'blocks'>
type JobCounters = Pick<BandHashJob, 'next' | 'done' | 'state'>

/** Where the WebAssembly kernel's arrays lie in its memory, in bytes. */
interface WasmLayout {
  memory: WebAssembly.Memory
  count: number
  bands: number
  functions: number
  at: { salts: number; offsets: number; data: number; out: number; signatures: [number, number] }
}

/** Layouts by the memory's buffer, so lshBandHashes knows shingle sets written in place (see shingleSpace). */
const layouts = new WeakMap<ArrayBufferLike, WasmLayout>()

/**
 * A memory for the WebAssembly kernel sized for `count` keys of at most `maxShingles` shingles in all: 16-byte
 * aligned regions for the salts, two signatures (one per thread), the offsets, the shingles and the hashes.
 * Null when the module cannot be compiled or the arrays do not fit in 4 GiB.
 */
function wasmLayout(count: number, maxShingles: number, bands: number, functions: number): WasmLayout | null {
  if (bandHashModule() === null) return null
  let end = 0
  const region = (bytes: number): number => {
    const at = end
    end += Math.ceil(bytes / 16) * 16
    return at
  }
  const u32 = Uint32Array.BYTES_PER_ELEMENT
  const at = {
    salts: region(functions * u32),
    signatures: [region(functions * u32), region(functions * u32)] as [number, number],
    offsets: region((count + 1) * u32),
    data: region(maxShingles * u32),
    out: region(bands * count * u32)
  }
  const pages = Math.max(1, Math.ceil(end / WASM_PAGE_BYTES))
  if (pages > WASM_MAX_PAGES) return null
  let memory: WebAssembly.Memory
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true })
  } catch {
    return null
  }
  const layout = { memory, count, bands, functions, at }
  layouts.set(memory.buffer, layout)
  return layout
}

/**
 * Where to write the shingle sets of `count` keys (at most `maxShingles` shingles in all) for lshBandHashes:
 * in the WebAssembly kernel's memory, so it reads them where they are instead of a copy (some 40 MB at a
 * million rows, held through clustering), else in shared memory for a helper thread. Fill `offsets` (count + 1
 * entries, starting at 0) and the first offsets[count] entries of `data`.
 */
export function shingleSpace(
  count: number,
  maxShingles: number,
  params: Pick<PatternParameters, 'bands' | 'rowsPerBand'>,
  kernel: BandHashKernel = defaultBandHashKernel()
): { data: Uint32Array; offsets: Int32Array } {
  const layout =
    kernel === 'wasm' ? wasmLayout(count, maxShingles, params.bands, params.bands * params.rowsPerBand) : null
  if (layout === null) {
    return {
      data: new Uint32Array(new SharedArrayBuffer(Math.max(1, maxShingles) * Uint32Array.BYTES_PER_ELEMENT)),
      offsets: new Int32Array(new SharedArrayBuffer((count + 1) * Int32Array.BYTES_PER_ELEMENT))
    }
  }
  const buffer = layout.memory.buffer
  return {
    data: new Uint32Array(buffer, layout.at.data, maxShingles),
    offsets: new Int32Array(buffer, layout.at.offsets, count + 1)
  }
}

/**
 * The WebAssembly kernel's job: on the memory the sets were written to by shingleSpace when they were, else on
 * a new one they are copied to. Null when the module cannot be compiled or the arrays do not fit in 4 GiB.
 */
function wasmJob(
  data: Uint32Array,
  offsets: Int32Array,
  salts: Uint32Array,
  shape: JobShape,
  counters: JobCounters
): BandHashJob | null {
  const module = bandHashModule()
  if (module === null) return null
  const { count, bands, functions } = shape
  let layout = layouts.get(data.buffer)
  const inPlace =
    layout !== undefined &&
    offsets.buffer === data.buffer &&
    data.byteOffset === layout.at.data &&
    offsets.byteOffset === layout.at.offsets &&
    layout.count === count &&
    layout.bands === bands &&
    layout.functions === functions
  if (!inPlace) {
    layout = wasmLayout(count, data.length, bands, functions) ?? undefined
    if (layout === undefined) return null
    new Int32Array(layout.memory.buffer, layout.at.offsets, offsets.length).set(offsets)
    new Uint32Array(layout.memory.buffer, layout.at.data, data.length).set(data)
  }
  const { memory, at } = layout!
  new Uint32Array(memory.buffer, at.salts, salts.length).set(salts)
  return { ...shape, ...counters, wasm: { module, memory, at } }
}

/** The JavaScript kernel's job: its arrays in shared memory when a helper will share them. */
function jsJob(
  data: Uint32Array,
  offsets: Int32Array,
  salts: Uint32Array,
  shape: JobShape,
  counters: JobCounters,
  shared: boolean
): BandHashJob {
  const outLength = shape.bands * shape.count
  const js = shared
    ? {
        data: sharedCopy(data),
        offsets: sharedCopy(offsets),
        salts: sharedCopy(salts),
        out: new Uint32Array(new SharedArrayBuffer(outLength * Uint32Array.BYTES_PER_ELEMENT))
      }
    : { data, offsets, salts, out: new Uint32Array(outLength) }
  return { ...shape, ...counters, js }
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
