import { gzipSync } from 'node:zlib'
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { CompressionMeter, DistinctN } from '../src/analysis/diversity.js'
import { hash53OfAsciiWordRanges, hash53OfJoined } from '../src/analysis/hash.js'
import { distinctNText, normalisedKey, wordTokens } from '../src/analysis/text-keys.js'
import { effectiveCount } from '../src/analysis/pattern-stats.js'
import { mulberry32 } from '../src/analysis/random.js'

const WORDS = 'the a of to and in is it you that he was for on are with as his they be at one have this from'
  .concat(' or had by word but what some we can out other were all there when up use your how said an each')
  .split(' ')

function sentences(count: number, seed: number): string[] {
  const next = mulberry32(seed)
  return Array.from({ length: count }, (_, i) => {
    const length = 3 + Math.floor(next() * 20)
    const words = Array.from({ length }, () => WORDS[Math.floor(next() * WORDS.length)]!)
    return `${words.join(' ')} ${Math.floor(next() * 1e6)} #${i}`
  })
}

function meterOf(texts: string[], cap?: number): CompressionMeter {
  const meter = new CompressionMeter(cap)
  for (const text of texts) meter.add(text)
  return meter
}

describe('effectiveCount', () => {
  it('is the pattern count when patterns are equal in size, and near 1 when one dominates', () => {
    expect(effectiveCount([5, 5, 5, 5])).toBeCloseTo(4)
    expect(effectiveCount([1])).toBeCloseTo(1)
    expect(effectiveCount([9_997, 1, 1, 1])).toBeLessThan(1.01)
  })
  it('matches exp(entropy) on an uneven case', () => {
    const sizes = [6, 3, 1]
    const entropy = -sizes.map(s => s / 10).reduce((sum, p) => sum + p * Math.log(p), 0)
    expect(effectiveCount(sizes)).toBeCloseTo(Math.exp(entropy), 10)
  })
  it('reads any iterable and ignores empty patterns; null when there are no rows', () => {
    expect(
      effectiveCount(
        new Map([
          ['a', 2],
          ['b', 2]
        ]).values()
      )
    ).toBeCloseTo(2)
    expect(effectiveCount([0, 4, 0])).toBeCloseTo(1)
    expect(effectiveCount([])).toBeNull()
    expect(effectiveCount([0])).toBeNull()
  })
})

describe('CompressionMeter', () => {
  it('finds 100 identical texts far more compressible than 100 distinct ones', () => {
    const identical = meterOf(
      Array.from({ length: 100 }, () => 'What is the capital of France? Answer briefly.')
    )
    const distinct = meterOf(sentences(100, 1))
    expect(identical.result()!).toBeGreaterThan(20)
    expect(distinct.result()!).toBeLessThan(4)
  })

  it('matches one gzip stream of the joined texts across many 1 MiB chunks', () => {
    const mixed = [
      ...sentences(30_000, 2),
      ...Array.from({ length: 40_000 }, (_, i) => `Tom has ${i % 97} apples.`)
    ]
    // A 16 KiB random block repeated: only the history carried into each chunk lets deflate refer back to
    // it, so a meter that compressed chunks independently would come out about half as high here.
    const next = mulberry32(4)
    const block = Array.from({ length: 16 * 1024 }, () => String.fromCharCode(33 + Math.floor(next() * 90)))
    const repeated = Array.from({ length: 250 }, () => block.join(''))
    for (const texts of [mixed, repeated]) {
      const joined = Buffer.from(texts.join('\n'))
      expect(joined.length).toBeGreaterThan(2 * 1024 * 1024)
      const expected = joined.length / gzipSync(joined).length
      const ratio = meterOf(texts).result()!
      expect(Math.abs(ratio / expected - 1)).toBeLessThan(0.01)
    }
  })

  it('counts UTF-8 bytes and is null when nothing was fed', () => {
    expect(new CompressionMeter().result()).toBeNull()
    expect(meterOf(['']).result()).toBeNull()
    const text = 'héllo wörld 你好'
    const expected = Buffer.byteLength(text) / gzipSync(Buffer.from(text)).length
    expect(meterOf([text]).result()).toBeCloseTo(expected, 10)
  })

  it('stops feeding texts past the byte cap and says so', () => {
    const capped = meterOf(['a'.repeat(60), 'b'.repeat(60), 'c'.repeat(60)], 100)
    expect(capped.truncated).toBe(true)
    expect(capped.result()).toBeCloseTo(60 / gzipSync(Buffer.from('a'.repeat(60))).length, 10)
    expect(meterOf(['a'.repeat(60)], 100).truncated).toBe(false)
  })

  it('gives exactly the same ratio whether full chunks are deflated on the worker thread or here', () => {
    // More chunks than the worker may hold at once, so the meter also waits for answers while adding.
    const texts = sentences(120_000, 5)
    const onWorker = new CompressionMeter(undefined, true)
    const here = new CompressionMeter(undefined, false)
    for (const text of texts) {
      onWorker.add(text)
      here.add(text)
    }
    expect(Buffer.byteLength(texts.join('\n'))).toBeGreaterThan(6 * 1024 * 1024)
    expect(onWorker.result()).toBe(here.result())
  })

  it('can be read more than once, and keeps counting after a read', () => {
    const meter = meterOf(sentences(50, 3))
    const first = meter.result()
    expect(meter.result()).toBe(first)
    meter.add('one more line')
    expect(meter.result()).not.toBe(first)
  })
})

describe('DistinctN', () => {
  it('gives 2/3 for the bigrams of "a b a b"', () => {
    const meter = new DistinctN(2)
    meter.add('a b a b')
    expect(meter.result()).toBeCloseTo(2 / 3)
  })

  it('counts n-grams within each text, never across two texts', () => {
    const meter = new DistinctN(2)
    meter.add('a b')
    meter.add('c d')
    meter.add('b c')
    expect(meter.result()).toBe(1)
    const repeated = new DistinctN(2)
    for (let i = 0; i < 10; i++) repeated.add('Hello, World!')
    expect(repeated.result()).toBeCloseTo(1 / 10)
  })

  it('folds case and punctuation into the same n-gram', () => {
    const meter = new DistinctN(3)
    meter.add('The cat sat.')
    meter.add('the CAT, sat')
    expect(meter.result()).toBeCloseTo(1 / 2)
  })

  it('is null when no text has n words, and stops at maxNgrams', () => {
    const empty = new DistinctN(3)
    empty.add('too short')
    expect(empty.result()).toBeNull()
    const capped = new DistinctN(1, 3)
    capped.add('a b c')
    capped.add('d e f')
    expect(capped.result()).toBe(1)
    capped.add('a a a')
    expect(capped.result()).toBe(1)
  })

  it('counts exactly the n-gram hashes of wordTokens, on ASCII text (the fast path) as on any other', () => {
    // The reference: every n-gram of wordTokens hashed as its tokens joined by spaces, up to the cap.
    const reference = (texts: string[], n: number, cap: number): number | null => {
      const seen = new Set<number>()
      let total = 0
      for (const text of texts) {
        const tokens = wordTokens(text)
        for (let i = 0; i + n <= tokens.length && total < cap; i++) {
          seen.add(hash53OfJoined(tokens, i, i + n))
          total++
        }
      }
      return total === 0 ? null : seen.size / total
    }
    // Few distinct characters, so words repeat; apostrophes, digits, capitals, punctuation and line breaks
    // exercise every token boundary, and the odd non-ASCII character sends a text down the general path.
    const text = fc
      .array(fc.constantFrom(..."aAbB z09''  .,-\n\t_", "'", 'é', '’', '你'), { maxLength: 60 })
      .map(chars => chars.join(''))
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 12 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 40 }),
        (texts, n, cap) => {
          const meter = new DistinctN(n, cap)
          for (const t of texts) meter.add(t)
          expect(meter.result()).toBe(reference(texts, n, cap))
        }
      ),
      { seed: 20_250_101, numRuns: 400 }
    )
  })

  it('measures the same over distinctNText as over the normalised keys', () => {
    // The analysis feeds an ASCII text as it is, skipping its normalised key.
    const text = fc.oneof(
      fc
        .array(fc.constantFrom(..."aAbB z09''  .,-\n\t\r\v_", 'Ｈ', 'é', '’'), { maxLength: 40 })
        .map(chars => chars.join('')),
      fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map(c => String.fromCharCode(c)), maxLength: 30 })
    )
    fc.assert(
      fc.property(fc.array(text, { maxLength: 12 }), fc.integer({ min: 1, max: 3 }), (texts, n) => {
        const normalised = new DistinctN(n)
        const fed = new DistinctN(n)
        for (const t of texts) {
          normalised.add(normalisedKey(t))
          fed.add(distinctNText(t))
        }
        expect(fed.result()).toBe(normalised.result())
      }),
      { seed: 20_261_124, numRuns: 400 }
    )
    expect(distinctNText('Ｈｅｌｌｏ  World')).toBe('hello world')
    expect(distinctNText(' Hello\t World ')).toBe(' Hello\t World ')
  })

  it('hashes word ranges of ASCII text as hash53OfJoined hashes the lower-cased words', () => {
    const text = "Don't STOP me 42 now, it's x1"
    const words = ["don't", 'stop', 'me', '42', 'now', "it's", 'x1']
    const ranges: [number, number][] = [
      [0, 5],
      [6, 10],
      [11, 13],
      [14, 16],
      [17, 20],
      [22, 26],
      [27, 29]
    ]
    for (let n = 1; n <= 3; n++) {
      for (let at = 0; at + n <= words.length; at++) {
        // A ring of n slots, filled from slot `at % n` on, as DistinctN fills it.
        const starts = new Int32Array(n)
        const ends = new Int32Array(n)
        for (let k = 0; k < n; k++) {
          const [start, end] = ranges[at + k] as [number, number]
          starts[(at + k) % n] = start
          ends[(at + k) % n] = end
        }
        expect(hash53OfAsciiWordRanges(text, starts, ends, at % n, n)).toBe(hash53OfJoined(words, at, at + n))
      }
    }
  })

  it('rejects an n that is not a positive integer', () => {
    expect(() => new DistinctN(0)).toThrow(/positive integer/u)
  })
})
