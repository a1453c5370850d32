import { describe, expect, it } from '@jest/globals'
import { GrowableFloat64, GrowableInt32 } from '../src/analysis/growable.js'

describe('Growable columns', () => {
  it('keep every pushed and appended value in order, across growth', () => {
    const column = new GrowableInt32(2)
    const expected: number[] = []
    for (let i = 0; i < 5; i++) {
      column.push(i)
      expected.push(i)
    }
    // Saved columns are read back as float64; an int column takes their integer values.
    const saved = Float64Array.from({ length: 3000 }, (_, i) => i * 3 - 7)
    column.append(saved)
    expected.push(...saved)
    column.append([])
    for (let i = 0; i < 2000; i++) {
      column.push(-i - 1)
      expected.push(-i - 1)
    }
    expect(column.length).toBe(expected.length)
    expect(Array.from(column.view())).toEqual(expected)
  })

  it('append grows to the exact size, so a loaded column leaves no doubled buffer', () => {
    const column = new GrowableFloat64(4)
    column.push(0.5)
    column.append(new Float64Array(1000).fill(2.25))
    expect(column.length).toBe(1001)
    expect(column.view().buffer.byteLength).toBe(1001 * 8)
    expect(column.get(0)).toBe(0.5)
    expect(column.get(1000)).toBe(2.25)
  })
})
