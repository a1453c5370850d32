import { hash53 } from '../src/analysis/hash.js'
import { describe, expect, it } from '@jest/globals'
import { BASE_ROW_DIGEST, DatasetAnalysis, type RowDigest } from '../src/analysis/dataset-analysis.js'
import { DEFAULT_PATTERNS } from '../src/config/defaults.js'
import type { Provenance, Row } from '../src/types.js'

let line = 0
function row(input: string, provenance: Provenance = 'unknown', output = ''): Row {
  line++
  return {
    file: 'd.jsonl',
    line,
    input,
    output,
    provenance,
    contentHash: hash53(JSON.stringify([input, output, provenance]))
  }
}

describe('DatasetAnalysis', () => {
  it('keeps the cascade monotone: case, space, digit and operator variants never add template keys', () => {
    const inputs = [
      'What is 2 + 2?',
      'WHAT IS 2 + 2?',
      'what   is 2 + 2?',
      'What is 2 - 2?',
      'What is 7 + 3?',
      'Ünïcode café',
      'Unicode cafe',
      'HOW DO I REVERT THE LAST COMMIT',
      'how do i revert the last commit',
      '2+2=?',
      'Alice has 3 apples.',
      'Bob has 4 apples.'
    ]
    const analysis = new DatasetAnalysis({ ...DEFAULT_PATTERNS })
    for (const input of inputs) analysis.addHead(row(input))
    const head = analysis.finish({ base: false, head: true }).head!
    const u = head.unique
    expect(u.exact).toBe(12)
    expect(u.exact).toBeGreaterThanOrEqual(u.normalised)
    expect(u.normalised).toBeGreaterThanOrEqual(u.canonical)
    expect(u.canonical).toBeGreaterThanOrEqual(u.template)
    expect(u.template).toBeGreaterThanOrEqual(u.pattern)
    // the two `how do i revert` rows are one normalised text, so one pattern
    expect(u.normalised).toBe(9)
  })

  it('has no side metrics for a side that does not exist, and counts every added row', () => {
    const analysis = new DatasetAnalysis({ ...DEFAULT_PATTERNS })
    analysis.addHead(row('hello there', 'real'))
    analysis.addHead(row('what is the time', 'synthetic'))
    const result = analysis.finish({ base: false, head: true })
    expect(result.base).toBeNull()
    expect(result.change).toMatchObject({ added: 2, removed: 0, newPatterns: 2, novelPatternRatio: 1 })
    expect(result.change.addedMix).toMatchObject({ real: 1, synthetic: 1, realFraction: 0.5 })
  })

  it('gives the same patterns whatever order the rows of a side arrive in', () => {
    const inputs = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0
        ? `What is ${i} + ${i + 1}?`
        : i % 3 === 1
          ? `Tell me a joke about ${['cats', 'dogs', 'tax'][i % 3]}`
          : `unique question number ${i} about ${i * 7} things`
    )
    const run = (order: string[]) => {
      const a = new DatasetAnalysis({ ...DEFAULT_PATTERNS })
      for (const input of order) a.addHead(row(input))
      return a.finish({ base: false, head: true }).head!.unique
    }
    expect(run([...inputs].reverse())).toEqual(run(inputs))
  })

  it('takes a head row sent as a repeat of a base row (BASE_ROW_DIGEST) from that base row, and is unchanged by it', () => {
    const base = ['What is 2 + 2?', 'HOW DO I REVERT', 'Alice has 3 apples.', 'Tom met Bob.'].map(t => row(t))
    // Head: every base row again (one of them twice), two new rows, and a new row wrongly marked as a repeat,
    // which must be read as a new row, not matched to anything.
    const head = [...base, base[1]!, row('What is 7 + 3?'), row('Bob has 4 apples.'), row('Brand new text')]
    const run = (digestOf: (r: Row, i: number) => RowDigest | undefined): string => {
      const analysis = new DatasetAnalysis({ ...DEFAULT_PATTERNS })
      for (const r of base) analysis.addBase(r)
      head.forEach((r, i) => analysis.addHead(r, digestOf(r, i)))
      return JSON.stringify(analysis.finish({ base: true, head: true }))
    }
    const plain = run(() => undefined)
    const marked = run((r, i) => (i < base.length + 1 || i === head.length - 1 ? BASE_ROW_DIGEST : undefined))
    expect(marked).toBe(plain)
    expect(JSON.parse(plain).change).toMatchObject({ added: 4, unchanged: 4, removed: 0 })
  })

  it('lists the five largest patterns of each view, largest first, ties to the pattern seen first', () => {
    const templates = [
      'alpha bravo charlie delta echo',
      'foxtrot golf hotel india juliet',
      'kilo lima mike november oscar',
      'papa quebec romeo sierra tango',
      'uniform victor whiskey xray yankee',
      'zulu apple banana cherry grape',
      'lemon mango nectar olive peach'
    ]
    const sizes = [3, 5, 5, 1, 5, 2, 4]
    const analysis = new DatasetAnalysis({ ...DEFAULT_PATTERNS })
    // Template 2 is also at base, with other numbers: its added rows are in an existing pattern.
    analysis.addBase(row(`${templates[2]} 100`))
    analysis.addBase(row(`${templates[2]} 200`))
    // Each template's first row comes in template order, after template 2's base rows: patterns are met in the
    // order 2, 0, 1, 3, 4, 5, 6, and equal sizes keep that order.
    for (let n = 1; n <= 5; n++) {
      templates.forEach((template, t) => {
        if (n <= sizes[t]!) analysis.addHead(row(`${template} ${n}`))
      })
    }
    const result = analysis.finish({ base: true, head: true })
    const expected = [2, 1, 4, 6, 0]
    const head = result.head!.largestPatterns
    expect(head.map(p => p.templateKey)).toEqual(expected.map(t => `${templates[t]} <n>`))
    expect(head.map(p => p.size)).toEqual([5, 5, 5, 4, 3])
    expect(head.every(p => p.variants === 1 && p.examples.length === 3)).toBe(true)
    const added = result.change.largestAddedPatterns
    expect(added.map(p => p.templateKey)).toEqual(expected.map(t => `${templates[t]} <n>`))
    expect(added.map(p => p.existedAtBase)).toEqual([true, false, false, false, false])
    expect(result.base!.largestPatterns.map(p => [p.templateKey, p.size])).toEqual([
      [`${templates[2]} <n>`, 2]
    ])
    expect(result.head!.unique.pattern).toBe(7)
    expect(result.change).toMatchObject({ added: 25, newPatterns: 6, inExistingPatterns: 5 })
  })

  it('refuses base rows after head rows, since the diff depends on the order', () => {
    const analysis = new DatasetAnalysis({ ...DEFAULT_PATTERNS })
    analysis.addHead(row('a'))
    expect(() => analysis.addBase(row('b'))).toThrow(/before head rows/)
  })
})
