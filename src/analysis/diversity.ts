import { Buffer } from 'node:buffer'
import { DeflatedLengths } from './deflate-lengths.js'
import { hash53OfAsciiWordRanges, hash53OfJoined } from './hash.js'
import { Hash53Set } from './hash-table.js'
import { isAscii, wordTokens } from './text-keys.js'

/**
 * Texts past this many input bytes are not fed. Deflate costs about 50 ms per MiB on the benchmark VM; at 64 MiB
 * per side it took 6.3 s of CPU in a million-row check, on a 2-core runner already busy reading and counting.
 * On the 1M-row benchmark the ratio of the first 16 MiB and of the first 64 MiB differed by under 1%.
 */
export const COMPRESSION_INPUT_CAP_BYTES = 16 * 1024 * 1024
/** Input is compressed in chunks of about this size, so at most one chunk is held in memory. */
const COMPRESSION_CHUNK_BYTES = 1024 * 1024
/** Deflate looks back at most 32 KiB, the largest window zlib supports. */
const DEFLATE_WINDOW_BYTES = 32 * 1024
/** A gzip member adds a 10-byte header and an 8-byte trailer (CRC-32 and length) to the deflate stream. */
const GZIP_FRAMING_BYTES = 18

/**
 * Compression ratio of the texts joined by "\n": input bytes / gzip bytes (higher is more repetitive).
 *
 * Synchronous, with bounded memory. Node has no public synchronous streaming zlib API, and feeding an async
 * Gzip stream from a synchronous `add` would queue every text in memory until the event loop turns. Instead
 * texts are buffered into ~1 MiB chunks, and each chunk is raw-deflated with the previous 32 KiB of input as
 * its preset dictionary. Deflate never looks further back than 32 KiB, so each chunk sees exactly the history
 * one continuous gzip stream would see; the only differences are a few bytes of block framing per chunk. The
 * gzip header and trailer are added to the count. Once a text would take the input past the cap (16 MiB by
 * default), it and every later text are not fed.
 *
 * Full chunks are deflated on a worker thread (see deflate-lengths.ts) unless `offThread` is false; only their
 * sizes come back, so the ratio is the same either way.
 */
export class CompressionMeter {
  constructor(
    private readonly inputCapBytes = COMPRESSION_INPUT_CAP_BYTES,
    private readonly offThread = true
  ) {}

  private pending: string[] = []
  private pendingBytes = 0
  private inputBytes = 0
  private readonly compressed = new DeflatedLengths()
  private texts = 0
  private window: Buffer = Buffer.alloc(0)
  private capped = false

  add(text: string): void {
    if (this.capped) return
    const piece = this.texts === 0 ? text : `\n${text}`
    const bytes = Buffer.byteLength(piece)
    if (this.inputBytes + bytes > this.inputCapBytes) {
      this.capped = true
      return
    }
    this.texts++
    this.inputBytes += bytes
    this.pending.push(piece)
    this.pendingBytes += bytes
    if (this.pendingBytes >= COMPRESSION_CHUNK_BYTES) this.compressPending(this.offThread)
  }

  /** Whether texts were left out because the byte cap was reached. */
  get truncated(): boolean {
    return this.capped
  }

  /** Input bytes / gzip bytes; null when no bytes were fed. */
  result(): number | null {
    // The last, partial chunk is small: deflating it here is quicker than a round trip to the worker.
    this.compressPending(false)
    if (this.inputBytes === 0) return null
    return this.inputBytes / (this.compressed.sum() + GZIP_FRAMING_BYTES)
  }

  private compressPending(offThread: boolean): void {
    if (this.pendingBytes === 0) return
    const chunk = Buffer.from(this.pending.join(''))
    this.pending = []
    this.pendingBytes = 0
    this.compressed.add(chunk, this.window, offThread)
    const history = chunk.length >= DEFLATE_WINDOW_BYTES ? chunk : Buffer.concat([this.window, chunk])
    this.window = Buffer.from(history.subarray(Math.max(0, history.length - DEFLATE_WINDOW_BYTES)))
  }
}

/**
 * Distinct-n: distinct word n-grams / all word n-grams, counted within each text (never across two texts).
 * N-grams are kept as hash53 numbers. Counting stops after `maxNgrams` n-grams, which bounds the set.
 */
export class DistinctN {
  private readonly seen = new Hash53Set()
  private total = 0
  /** Where the last n tokens of an ASCII text start and end, as a ring (see addAscii). */
  private readonly starts: Int32Array
  private readonly ends: Int32Array
  /**
   * The n-gram hashes of an ASCII text, added to the set in a batch: the set's table is large and each add
   * mostly waits for memory, and a run of adds with nothing in between lets those waits overlap.
   */
  private readonly batch = new Float64Array(BATCH_SIZE)

  constructor(
    private readonly n = 2,
    private readonly maxNgrams = 2_000_000
  ) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`distinct-n needs a positive integer n, got ${n}`)
    this.starts = new Int32Array(n)
    this.ends = new Int32Array(n)
  }

  add(text: string): void {
    if (this.total >= this.maxNgrams) return
    if (isAscii(text)) {
      this.addAscii(text)
      return
    }
    const tokens = wordTokens(text)
    const n = this.n
    for (let i = 0; i + n <= tokens.length && this.total < this.maxNgrams; i++) {
      // Word tokens never contain a space, so the n-gram hashed as its tokens joined by spaces is unambiguous.
      this.seen.add(hash53OfJoined(tokens, i, i + n))
      this.total++
    }
  }

  /**
   * add for ASCII text, where wordTokens' tokens are the runs of letters and digits joined by single
   * apostrophes, lower-cased: the tokens are found with a character loop and each n-gram is hashed from its
   * ranges of the text, as hash53OfJoined hashes the token strings. The same n-grams in the same order, without
   * the lower-cased copy, the token strings or their array.
   */
  private addAscii(text: string): void {
    const { n, starts, ends, batch } = this
    const length = text.length
    let tokens = 0
    let batched = 0
    for (let i = 0; i < length;) {
      if (!isAsciiWordChar(charCodeAt.call(text, i))) {
        i++
        continue
      }
      let end = i + 1
      for (;;) {
        while (end < length && isAsciiWordChar(charCodeAt.call(text, end))) end++
        if (charCodeAt.call(text, end) !== APOSTROPHE || !isAsciiWordChar(charCodeAt.call(text, end + 1)))
          break
        end += 2
      }
      const slot = tokens % n
      starts[slot] = i
      ends[slot] = end
      tokens++
      i = end
      if (tokens >= n) {
        if (batched === BATCH_SIZE) batched = this.addBatch(batched)
        // Word tokens never contain a space, so the n-gram hashed as its tokens joined by spaces is unambiguous.
        batch[batched++] = hash53OfAsciiWordRanges(text, starts, ends, tokens % n, n)
        if (++this.total >= this.maxNgrams) break
      }
    }
    this.addBatch(batched)
  }

  /** Adds the first `count` hashes of the batch to the set; returns 0, the new batch length. */
  private addBatch(count: number): number {
    const { seen, batch } = this
    for (let k = 0; k < count; k++) seen.add(batch[k]!)
    return 0
  }

  /** Distinct / total n-grams; null when no text had n words. */
  result(): number | null {
    return this.total === 0 ? null : this.seen.size / this.total
  }
}

// See hash.ts: a known charCodeAt stays fast whatever string representations the callers pass.
const charCodeAt = String.prototype.charCodeAt
const APOSTROPHE = 0x27
const BATCH_SIZE = 256

function isAsciiWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)
}
