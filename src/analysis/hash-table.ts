// Sets and counters of hash53 values in flat typed arrays. A `Set<number>` of 53-bit hashes stores each value as
// a heap-allocated number (they do not fit a small integer) plus a table entry, and the garbage collector visits
// every one of them. Open addressing over a Float64Array holds 8 bytes per slot, at most three quarters of the
// slots used, and no object. At a million distinct keys this measured 17 bytes per key instead of 37 (at half
// the slots), and 3 to 5 times faster adds and lookups.

/** Marks an empty slot: hash53 values are never negative. */
const EMPTY = -1
/**
 * The table doubles past this share of occupied slots. At 0.5, the 1M-row check's five largest tables (1.1M
 * keys each) had 4M slots; at 0.75 they have 2M, and its peak RSS went from 960-1,090 to 870-940 MiB with no
 * loss of speed (eight slots share a cache line, so a longer probe mostly stays in the line it started in).
 */
const MAX_LOAD = 0.75
/** Keys a table is sized for at first: small, as for growable.ts's INITIAL_ENTRIES. */
const DEFAULT_CAPACITY = 16

/** The smallest power of two that holds `expected` keys under MAX_LOAD. */
function slotsFor(expected: number): number {
  let slots = 16
  while (slots * MAX_LOAD < expected) slots *= 2
  return slots
}

/** Home slot of a key: its low 32 bits (hash53's well-mixed first lane), masked to the table size. */
function homeSlot(key: number, mask: number): number {
  return (key >>> 0) & mask
}

/** Linear probing: the slot that holds `key`, or the empty slot where it belongs. */
function slotOf(keys: Float64Array, mask: number, key: number): number {
  let i = homeSlot(key, mask)
  for (;;) {
    const slot = keys[i]!
    if (slot === key || slot === EMPTY) return i
    i = (i + 1) & mask
  }
}

/** A table of twice the slots holding the same keys; `move(from, to)` carries each key's value along. */
function doubled(old: Float64Array, move: (from: number, to: number) => void): Float64Array {
  const keys = new Float64Array(old.length * 2).fill(EMPTY)
  const mask = keys.length - 1
  for (let from = 0; from < old.length; from++) {
    const key = old[from]!
    if (key === EMPTY) continue
    const to = slotOf(keys, mask, key)
    keys[to] = key
    move(from, to)
  }
  return keys
}

/** A set of hash53 values (non-negative safe integers). */
export class Hash53Set {
  private keys: Float64Array
  private mask: number
  private count = 0

  constructor(expected = DEFAULT_CAPACITY) {
    const slots = slotsFor(expected)
    this.keys = new Float64Array(slots).fill(EMPTY)
    this.mask = slots - 1
  }

  get size(): number {
    return this.count
  }

  /** Adds a key; true when it was not in the set. */
  add(key: number): boolean {
    const i = slotOf(this.keys, this.mask, key)
    if (this.keys[i] === key) return false
    this.keys[i] = key
    if (++this.count > this.keys.length * MAX_LOAD) this.grow()
    return true
  }

  has(key: number): boolean {
    return this.keys[slotOf(this.keys, this.mask, key)] === key
  }

  /** Visits every key once, in slot order (not insertion order). */
  forEach(visit: (key: number) => void): void {
    const keys = this.keys
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      if (key !== EMPTY) visit(key)
    }
  }

  private grow(): void {
    this.keys = doubled(this.keys, () => undefined)
    this.mask = this.keys.length - 1
  }
}

/** Counts per hash53 value (non-negative safe integers). */
export class Hash53Counter {
  private keys: Float64Array
  private counts: Float64Array
  private mask: number
  private count = 0

  constructor(expected = DEFAULT_CAPACITY) {
    const slots = slotsFor(expected)
    this.keys = new Float64Array(slots).fill(EMPTY)
    this.counts = new Float64Array(slots)
    this.mask = slots - 1
  }

  /** Distinct keys counted. */
  get size(): number {
    return this.count
  }

  /** Adds `by` (default 1) to the key's count. */
  increment(key: number, by = 1): void {
    const i = slotOf(this.keys, this.mask, key)
    if (this.keys[i] === key) {
      this.counts[i]! += by
      return
    }
    this.keys[i] = key
    this.counts[i] = by
    if (++this.count > this.keys.length * MAX_LOAD) this.grow()
  }

  /** Calls `visit` with every key and its count, in no particular order. */
  forEach(visit: (key: number, count: number) => void): void {
    const keys = this.keys
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      if (key !== EMPTY) visit(key, this.counts[i]!)
    }
  }

  /** The key's count; 0 when it was never incremented. */
  get(key: number): number {
    const i = slotOf(this.keys, this.mask, key)
    return this.keys[i] === key ? this.counts[i]! : 0
  }

  private grow(): void {
    const old = this.counts
    const counts = new Float64Array(this.keys.length * 2)
    this.keys = doubled(this.keys, (from, to) => (counts[to] = old[from]!))
    this.counts = counts
    this.mask = this.keys.length - 1
  }
}

/**
 * Dense ids for hash53 values: 0, 1, 2... in order of first sight. Per-key data then lives in typed arrays
 * indexed by id instead of one object per key in a Map.
 */
export class Hash53Index {
  private keys: Float64Array
  private ids: Int32Array
  private mask: number
  private count = 0

  constructor(expected = DEFAULT_CAPACITY) {
    const slots = slotsFor(expected)
    this.keys = new Float64Array(slots).fill(EMPTY)
    this.ids = new Int32Array(slots)
    this.mask = slots - 1
  }

  /** Keys indexed, which is also the next id. */
  get size(): number {
    return this.count
  }

  /** The key's id, given the next free id when it is new. */
  idOf(key: number): number {
    const i = slotOf(this.keys, this.mask, key)
    if (this.keys[i] === key) return this.ids[i]!
    const id = this.count++
    this.keys[i] = key
    this.ids[i] = id
    if (this.count > this.keys.length * MAX_LOAD) this.grow()
    return id
  }

  /** The key's id, or -1 when it was never indexed. */
  find(key: number): number {
    const i = slotOf(this.keys, this.mask, key)
    return this.keys[i] === key ? this.ids[i]! : -1
  }

  /** The keys by id: `keysById()[id]` is the key `idOf` gave `id` to. */
  keysById(): Float64Array {
    const out = new Float64Array(this.count)
    const keys = this.keys
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      if (key !== EMPTY) out[this.ids[i]!] = key
    }
    return out
  }

  private grow(): void {
    const old = this.ids
    const ids = new Int32Array(this.keys.length * 2)
    this.keys = doubled(this.keys, (from, to) => (ids[to] = old[from]!))
    this.ids = ids
    this.mask = this.keys.length - 1
  }
}

/**
 * A set of hash53 keys with a few flag bits per key, and how many keys have each bit: one table where two
 * sets over mostly the same keys (a dataset's inputs at base and at head) would hold every key twice.
 */
export class Hash53Flags {
  private keys: Float64Array
  private flags: Uint8Array
  private mask: number
  private count = 0
  private readonly perBit = new Float64Array(8)

  constructor(expected = DEFAULT_CAPACITY) {
    const slots = slotsFor(expected)
    this.keys = new Float64Array(slots).fill(EMPTY)
    this.flags = new Uint8Array(slots)
    this.mask = slots - 1
  }

  /** Keys with any bit. */
  get size(): number {
    return this.count
  }

  /** Keys that have `bit` (0-7). */
  sizeOf(bit: number): number {
    return this.perBit[bit]!
  }

  /** Sets `bits` (a mask) on `key`, adding the key when it is new. */
  mark(key: number, bits: number): void {
    const i = slotOf(this.keys, this.mask, key)
    if (this.keys[i] !== key) {
      this.keys[i] = key
      this.flags[i] = 0
      this.count++
    }
    const added = bits & ~this.flags[i]!
    if (added !== 0) {
      this.flags[i]! |= added
      for (let bit = 0; bit < 8; bit++) if (added & (1 << bit)) this.perBit[bit]!++
    }
    if (this.count > this.keys.length * MAX_LOAD) this.grow()
  }

  /** The key's bits; 0 when it is absent. */
  get(key: number): number {
    const i = slotOf(this.keys, this.mask, key)
    return this.keys[i] === key ? this.flags[i]! : 0
  }

  forEach(visit: (key: number, bits: number) => void): void {
    const keys = this.keys
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      if (key !== EMPTY) visit(key, this.flags[i]!)
    }
  }

  private grow(): void {
    const old = this.flags
    const flags = new Uint8Array(this.keys.length * 2)
    this.keys = doubled(this.keys, (from, to) => (flags[to] = old[from]!))
    this.flags = flags
    this.mask = this.keys.length - 1
  }
}
