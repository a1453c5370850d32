import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import {
  defaultBandHashKernel,
  lshBandHashes,
  shingleSpace,
  type BandHashKernel
} from '../src/analysis/band-hashes.js'
import { BAND_HASHES_WASM } from '../src/analysis/band-hashes-wasm.js'
import { minHashSalts, shingles, writeMinHashSignature } from '../src/analysis/minhash.js'
import { DEFAULT_PATTERN_PARAMETERS } from '../src/analysis/patterns.js'

/** Shingle sets of generated keys, flat: key k owns data[offsets[k]] .. data[offsets[k + 1] - 1]. */
function flatSets(count: number): { data: Uint32Array; offsets: Int32Array; sets: Uint32Array[] } {
  const words = 'what is the best way to cook rice pasta beans for two people at home quickly'.split(' ')
  const sets = Array.from({ length: count }, (_, k) => {
    const length = 1 + ((k * 7) % 23)
    const key = Array.from({ length }, (_, t) => words[(k * 31 + t * t * 13 + t) % words.length]).join(' ')
    return shingles(`${key} ${k % 97}`, DEFAULT_PATTERN_PARAMETERS.shingleSize)
  })
  const offsets = new Int32Array(count + 1)
  sets.forEach((set, k) => (offsets[k + 1] = offsets[k]! + set.length))
  const data = new Uint32Array(offsets[count]!)
  sets.forEach((set, k) => data.set(set, offsets[k]!))
  return { data, offsets, sets }
}

describe.each<BandHashKernel>(['wasm', 'js'])('lshBandHashes with the %s kernel', kernel => {
  const params = DEFAULT_PATTERN_PARAMETERS
  const hashesOf = (
    data: Uint32Array,
    offsets: Int32Array,
    p = params,
    minKeysForHelper = Number.MAX_SAFE_INTEGER
  ): Uint32Array => lshBandHashes(data, offsets, p, minKeysForHelper, undefined, kernel)

  it('folds each band of the MinHash signature into one hash, band-major', () => {
    const { data, offsets, sets } = flatSets(50)
    const hashes = hashesOf(data, offsets)
    const salts = minHashSalts(params.bands * params.rowsPerBand, params.seed)
    const signature = new Uint32Array(salts.length)
    expect(hashes.length).toBe(params.bands * sets.length)
    // Two keys with equal signatures get equal band hashes, and a signature change moves its band's hash.
    const bandsOf = (k: number): number[] =>
      Array.from({ length: params.bands }, (_, band) => hashes[band * sets.length + k]!)
    const signatureOf = (k: number): string => {
      writeMinHashSignature(sets[k]!, 0, sets[k]!.length, salts, signature)
      return signature.join(',')
    }
    for (let a = 0; a < sets.length; a++) {
      for (let b = a + 1; b < sets.length; b++) {
        expect(bandsOf(a).join() === bandsOf(b).join()).toBe(signatureOf(a) === signatureOf(b))
      }
    }
  })

  it('gives each band the fold of its rows of writeMinHashSignature, whatever the number of functions', () => {
    // The fold as documented: FNV-style over the band's minima, then the murmur3 finaliser.
    const imul = Math.imul
    const fold = (minima: Uint32Array): number => {
      let h = 0x811c9dc5
      for (const min of minima) {
        h = imul(h ^ min, 0x01000193)
        h ^= h >>> 15
      }
      h = imul(h ^ (h >>> 16), 0x85ebca6b)
      h = imul(h ^ (h >>> 13), 0xc2b2ae35)
      return (h ^ (h >>> 16)) >>> 0
    }
    const { data, offsets, sets } = flatSets(40)
    // 128 functions (sixteen and four at a time), 20 (sixteen, then four), 15 and 6 (with functions left
    // over), and 1.
    for (const [bands, rowsPerBand] of [
      [32, 4],
      [5, 4],
      [5, 3],
      [3, 2],
      [1, 1]
    ] as const) {
      const p = { ...params, bands, rowsPerBand }
      const hashes = hashesOf(data, offsets, p)
      const salts = minHashSalts(bands * rowsPerBand, p.seed)
      const signature = new Uint32Array(salts.length)
      sets.forEach((set, k) => {
        writeMinHashSignature(set, 0, set.length, salts, signature)
        for (let band = 0; band < bands; band++) {
          const expected = fold(signature.subarray(band * rowsPerBand, (band + 1) * rowsPerBand))
          expect(hashes[band * sets.length + k]).toBe(expected)
        }
      })
    }
  })

  it('gives the same hashes when a helper thread shares the work', () => {
    const { data, offsets } = flatSets(6000)
    const alone = hashesOf(data, offsets)
    const shared = hashesOf(data, offsets, params, 1)
    expect(Array.from(shared)).toEqual(Array.from(alone))
  })

  it('handles no keys and a single key', () => {
    expect(hashesOf(new Uint32Array(0), new Int32Array(1)).length).toBe(0)
    const one = hashesOf(Uint32Array.of(42), Int32Array.of(0, 1), params, 1)
    expect(one.length).toBe(params.bands)
  })
})

describe('the WebAssembly kernel', () => {
  const params = DEFAULT_PATTERN_PARAMETERS

  it('runs on this Node, so the default is WebAssembly', () => {
    expect(defaultBandHashKernel()).toBe('wasm')
  })

  it('gives the hashes of the JavaScript kernel on random shingles, empty sets included', () => {
    let seed = 12345
    const random = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0)
    const count = 3000
    const offsets = new Int32Array(count + 1)
    // Every fifth key has no shingles: its minima stay at 2^32 - 1 in both kernels.
    for (let k = 0; k < count; k++) offsets[k + 1] = offsets[k]! + (k % 5 === 0 ? 0 : 1 + (random() % 40))
    const data = new Uint32Array(offsets[count]!).map(() => random())
    for (const [bands, rowsPerBand] of [
      [32, 4],
      [7, 3],
      [2, 1]
    ] as const) {
      const p = { ...params, bands, rowsPerBand }
      const wasm = lshBandHashes(data, offsets, p, 1, undefined, 'wasm')
      const js = lshBandHashes(data, offsets, p, Number.MAX_SAFE_INTEGER, undefined, 'js')
      expect(Buffer.from(wasm.buffer, wasm.byteOffset, wasm.byteLength)).toEqual(
        Buffer.from(js.buffer, js.byteOffset, js.byteLength)
      )
    }
  })

  it('runs the JavaScript kernel on the same memory where the module cannot be instantiated', () => {
    const { data, offsets } = flatSets(3000)
    const expected = lshBandHashes(data, offsets, params, Number.MAX_SAFE_INTEGER, undefined, 'js')
    const instance = WebAssembly.Instance
    // This thread cannot instantiate it; a helper thread, when there is one, still can.
    ;(WebAssembly as { Instance: unknown }).Instance = function () {
      throw new Error('instantiation refused')
    }
    try {
      for (const minKeysForHelper of [Number.MAX_SAFE_INTEGER, 1]) {
        const hashes = lshBandHashes(data, offsets, params, minKeysForHelper, undefined, 'wasm')
        expect(Array.from(hashes)).toEqual(Array.from(expected))
      }
    } finally {
      ;(WebAssembly as { Instance: unknown }).Instance = instance
    }
  })

  it('is the compiled band-hashes.wat (npm run wasm rebuilds it)', async () => {
    // @ts-expect-error -- a plain JavaScript module of the build scripts, without type declarations
    const { compileBandHashesWat, bandHashesModuleSource } = await import('../scripts/wasm-compile.mjs')
    const wat = readFileSync(new URL('../src/analysis/band-hashes.wat', import.meta.url), 'utf8')
    const bytes: Uint8Array = await compileBandHashesWat(wat)
    expect(Buffer.from(BAND_HASHES_WASM, 'base64').equals(Buffer.from(bytes))).toBe(true)
    const committed = readFileSync(new URL('../src/analysis/band-hashes-wasm.ts', import.meta.url), 'utf8')
    expect(committed).toBe(bandHashesModuleSource(bytes))
  })
})

describe('shingleSpace', () => {
  const params = DEFAULT_PATTERN_PARAMETERS

  it.each<BandHashKernel>(['wasm', 'js'])(
    'gives the hashes of copied sets to sets written in place (%s kernel)',
    kernel => {
      const { data, offsets } = flatSets(700)
      const space = shingleSpace(offsets.length - 1, data.length + 50, params, kernel)
      space.offsets.set(offsets)
      space.data.set(data)
      const inPlace = lshBandHashes(
        space.data.subarray(0, data.length),
        space.offsets,
        params,
        1,
        undefined,
        kernel
      )
      const copied = lshBandHashes(data, offsets, params, 1, undefined, kernel)
      expect(Array.from(inPlace)).toEqual(Array.from(copied))
      // Written in place, the hashes lie in the same memory as the sets: nothing was copied.
      expect(inPlace.buffer === space.data.buffer).toBe(kernel === 'wasm')
    }
  )
})
