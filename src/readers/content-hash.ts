// The content hash of a record: what tells an unchanged row from a changed one. Equal records get equal hashes
// whatever their key order or formatting, because the parsed value is hashed, not its text.
//
// The value is walked and fed to one hash53-style pair of lanes as a prefix-free stream (a tag per value,
// strings with their length, an end tag per array and object), with object keys in sorted order. This gives
// the same equalities as hashing the record's sorted-key JSON, without building that string: at a million
// rows per side, JSON.stringify and its sort took about 3.5 s of the reading thread, the busiest thread of the
// head side.

import { final53 } from '../analysis/hash.js'

// A module-scope binding: inside Jest's vm context every lookup of the global `Math` goes through an
// interceptor. Plain Node is unaffected.
const { imul } = Math
// Called with `.call` for the same reason as in analysis/hash.ts: one known function whatever the string's
// representation, instead of a generic property load per character.
const charCodeAt = String.prototype.charCodeAt

const NULL = 0x10001
const FALSE = 0x10002
const TRUE = 0x10003
const NUMBER = 0x10004
const STRING = 0x10005
const BIG = 0x10006
const ARRAY = 0x10007
const OBJECT = 0x10008
const END = 0x10009

const float = new Float64Array(1)
const floatWords = new Uint32Array(float.buffer)

/** The two lanes, kept here between feeds; `contentHash` is not re-entrant and never needs to be. */
let h1 = 0
let h2 = 0

function feed(word: number): void {
  h1 = imul(h1 ^ word, 0xcc9e2d51)
  h1 = (h1 << 13) | (h1 >>> 19)
  h2 = imul(h2 ^ word, 0x1b873593)
  h2 = (h2 << 17) | (h2 >>> 15)
}

function feedString(text: string): void {
  const length = text.length
  feed(STRING)
  feed(length)
  let a = h1
  let b = h2
  for (let i = 0; i < length; i++) {
    const c = charCodeAt.call(text, i)
    a = imul(a ^ c, 0xcc9e2d51)
    a = (a << 13) | (a >>> 19)
    b = imul(b ^ c, 0x1b873593)
    b = (b << 17) | (b >>> 15)
  }
  h1 = a
  h2 = b
}

function feedNumber(value: number): void {
  // JSON has no NaN or infinities (JSON.stringify writes them as null), and -0 is written as 0.
  if (!Number.isFinite(value)) {
    feed(NULL)
    return
  }
  float[0] = value === 0 ? 0 : value
  feed(NUMBER)
  feed(floatWords[0]!)
  feed(floatWords[1]!)
}

/**
 * Deepest nesting of arrays and objects a record may have. The walk below recurses once per level, and a line of
 * 100,000 nested brackets (which JSON.parse reads) overflowed the stack and stopped the whole check; training
 * records nest a few levels.
 */
export const MAX_NESTING = 1000

/** Thrown inside the walk when a record nests deeper than MAX_NESTING; contentHash answers null. */
const TOO_DEEP = new Error('nested too deep')

function feedValue(value: unknown, depth: number): void {
  switch (typeof value) {
    case 'string':
      feedString(value)
      return
    case 'number':
      feedNumber(value)
      return
    case 'boolean':
      feed(value ? TRUE : FALSE)
      return
    case 'bigint': {
      // Parquet's 64-bit integers: equal to the number when one holds them exactly, as in their JSON text.
      const asNumber = Number(value)
      if (Number.isSafeInteger(asNumber)) feedNumber(asNumber)
      else {
        feed(BIG)
        feedString(value.toString())
      }
      return
    }
    case 'object':
      break
    default:
      // undefined, functions and symbols: JSON writes them as null in arrays.
      feed(NULL)
      return
  }
  if (value === null) {
    feed(NULL)
    return
  }
  if (depth === MAX_NESTING) throw TOO_DEEP
  if (Array.isArray(value)) {
    feed(ARRAY)
    for (let i = 0; i < value.length; i++) feedValue(value[i], depth + 1)
    feed(END)
    return
  }
  const record = value as Record<string, unknown>
  let keys = Object.keys(record)
  for (let i = 1; i < keys.length; i++) {
    if (!(keys[i - 1]! < keys[i]!)) {
      keys = keys.slice().sort()
      break
    }
  }
  feed(OBJECT)
  for (const key of keys) {
    const item = record[key]
    // A key whose value is undefined is left out, as JSON.stringify leaves it out.
    if (item === undefined) continue
    feedString(key)
    feedValue(item, depth + 1)
  }
  feed(END)
}

/**
 * A 53-bit hash of a parsed record, equal for equal records whatever their key order; null when arrays and
 * objects nest deeper than MAX_NESTING levels.
 */
export function contentHash(record: unknown): number | null {
  h1 = 0x9e3779b1
  h2 = 0x85ebca6b
  try {
    feedValue(record, 0)
  } catch (error) {
    if (error === TOO_DEEP) return null
    throw error
  }
  return final53(h1, h2)
}
