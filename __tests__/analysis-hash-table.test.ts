import { describe, expect, it } from '@jest/globals'
import { hash53 } from '../src/analysis/hash.js'
import { Hash53Counter, Hash53Flags, Hash53Index, Hash53Set } from '../src/analysis/hash-table.js'

describe('Hash53Set', () => {
  it('counts distinct hashes like a Set, through many doublings', () => {
    const set = new Hash53Set(4)
    const reference = new Set<number>()
    for (let i = 0; i < 50_000; i++) {
      const key = hash53(`key ${i % 30_000}`)
      expect(set.add(key)).toBe(!reference.has(key))
      reference.add(key)
    }
    expect(set.size).toBe(reference.size)
    expect(set.size).toBe(30_000)
    for (const key of reference) expect(set.has(key)).toBe(true)
    expect(set.has(hash53('never added'))).toBe(false)
  })

  it('keeps keys apart whose low 32 bits collide, and accepts 0', () => {
    const set = new Hash53Set()
    for (let high = 0; high < 100; high++) set.add(high * 2 ** 32 + 5)
    set.add(0)
    expect(set.size).toBe(101)
    expect(set.has(99 * 2 ** 32 + 5)).toBe(true)
    expect(set.has(100 * 2 ** 32 + 5)).toBe(false)
    expect(set.has(0)).toBe(true)
  })
})

describe('Hash53Counter', () => {
  it('counts per key like a Map and reads 0 for unseen keys', () => {
    const counter = new Hash53Counter(2)
    const reference = new Map<number, number>()
    for (let i = 0; i < 20_000; i++) {
      const key = hash53(`word ${(i * 7919) % 3_000}`)
      counter.increment(key)
      reference.set(key, (reference.get(key) ?? 0) + 1)
    }
    counter.increment(hash53('by five'), 5)
    expect(counter.size).toBe(reference.size + 1)
    for (const [key, count] of reference) expect(counter.get(key)).toBe(count)
    expect(counter.get(hash53('by five'))).toBe(5)
    expect(counter.get(hash53('unseen'))).toBe(0)
    const visited = new Map<number, number>()
    counter.forEach((key, count) => visited.set(key, count))
    expect(visited).toEqual(new Map([...reference, [hash53('by five'), 5]]))
  })
})

describe('Hash53Index', () => {
  it('numbers keys densely in order of first sight and finds them again', () => {
    const index = new Hash53Index(2)
    const keys = Array.from({ length: 10_000 }, (_, i) => hash53(`k${i}`))
    keys.forEach((key, i) => expect(index.idOf(key)).toBe(i))
    keys.forEach((key, i) => expect(index.idOf(key)).toBe(i))
    expect(index.size).toBe(keys.length)
    expect(index.find(keys[1234]!)).toBe(1234)
    expect(index.find(hash53('absent'))).toBe(-1)
  })
})

describe('Hash53Flags', () => {
  it('counts keys per bit, whatever order bits arrive in, through growth', () => {
    const flags = new Hash53Flags(4)
    const expected = new Map<number, number>()
    for (let i = 0; i < 5000; i++) {
      const key = (i * 2654435761) % 2 ** 53
      const bits = 1 << (i % 3)
      flags.mark(key, bits)
      expected.set(key, (expected.get(key) ?? 0) | bits)
      if (i % 7 === 0) {
        flags.mark(key, 2)
        expected.set(key, (expected.get(key) ?? 0) | 2)
      }
    }
    expect(flags.size).toBe(expected.size)
    for (let bit = 0; bit < 3; bit++) {
      expect(flags.sizeOf(bit)).toBe([...expected.values()].filter(v => v & (1 << bit)).length)
    }
    const seen = new Map<number, number>()
    flags.forEach((key, bits) => seen.set(key, bits))
    expect(seen).toEqual(expected)
    expect(flags.get(12345.5 * 2)).toBe(expected.get(24691) ?? 0)
  })
})
