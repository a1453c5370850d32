// Append-only typed arrays: one flat buffer per column instead of an object per entry, so millions of entries
// cost a few bytes each and nothing for the garbage collector to trace.

type TypedArray = Float64Array | Int32Array | Uint8Array
type TypedArrayConstructor<T extends TypedArray> = new (length: number) => T

/**
 * Entries a column starts with. A check keeps some 60 columns and tables per dataset until it reports, so a pull
 * request touching 2,000 small dataset files held 2,000 analyses: at 1,024 entries to start, that was about
 * 0.9 MB each and 947 MB in all. Doubling from 16 costs a big dataset six more copies, of small arrays.
 */
export const INITIAL_ENTRIES = 16

class Growable<T extends TypedArray> {
  private buffer: T
  private used = 0

  constructor(
    private readonly make: TypedArrayConstructor<T>,
    initial = INITIAL_ENTRIES
  ) {
    this.buffer = new make(initial)
  }

  get length(): number {
    return this.used
  }

  push(value: number): number {
    if (this.used === this.buffer.length) this.reserve(this.used + 1)
    this.buffer[this.used] = value
    return this.used++
  }

  /** Appends every value, growing once to the exact size needed (for loading saved columns). */
  append(values: ArrayLike<number>): void {
    this.reserveExactly(this.used + values.length)
    this.buffer.set(values, this.used)
    this.used += values.length
  }

  /** Appends `count` zeros and returns the index of the first. */
  pushZeros(count: number): number {
    const at = this.used
    this.reserve(at + count)
    this.buffer.fill(0, at, at + count)
    this.used += count
    return at
  }

  get(index: number): number {
    return this.buffer[index]!
  }

  set(index: number, value: number): void {
    this.buffer[index] = value
  }

  add(index: number, by: number): void {
    this.buffer[index]! += by
  }

  /** The entries as a typed array of exactly `length` (a view: valid until the next push). */
  view(): T {
    return this.buffer.subarray(0, this.used) as T
  }

  /** Room for `size` entries, doubling the buffer as often as that takes. */
  private reserve(size: number): void {
    if (size <= this.buffer.length) return
    let capacity = this.buffer.length * 2
    while (capacity < size) capacity *= 2
    this.reserveExactly(capacity)
  }

  private reserveExactly(size: number): void {
    if (size <= this.buffer.length) return
    const next = new this.make(size)
    next.set(this.buffer.subarray(0, this.used))
    this.buffer = next
  }
}

export class GrowableFloat64 extends Growable<Float64Array> {
  constructor(initial = INITIAL_ENTRIES) {
    super(Float64Array, initial)
  }
}

export class GrowableInt32 extends Growable<Int32Array> {
  constructor(initial = INITIAL_ENTRIES) {
    super(Int32Array, initial)
  }
}
