import { describe, expect, it } from '@jest/globals'
import {
  DatasetAnalysis,
  type AnalysisState,
  type DatasetAnalysisResult,
  type RealismOptions
} from '../src/analysis/dataset-analysis.js'
import { hash53 } from '../src/analysis/hash.js'
import { DEFAULT_PATTERNS } from '../src/config/defaults.js'
import { EXAMPLE_SNIPPET_LENGTH, textSnippet } from '../src/analysis/snippet.js'
import type { PatternSummary, Provenance, Row } from '../src/types.js'
import { mulberry32 } from '../src/analysis/random.js'

// A dataset where order matters everywhere a shard could get it wrong: canonical classes whose rows scan to
// different keys (so "the first row" picks the key), duplicates of base rows, rows moved between files,
// changed answers, templated and independently written rows, and all three provenances.

const NAMES = ['Alice', 'Bob', 'Carol', 'Dan', 'Eve', 'Frank', 'Grace', 'Heidi']
const TOPICS = [
  'apples',
  'trains',
  'rivers',
  'prime numbers',
  'the moon',
  'tax forms',
  'git rebase',
  'sourdough'
]

interface Spec {
  input: string
  output: string
  provenance: Provenance
}

function specs(count: number, seed: number): Spec[] {
  const random = mulberry32(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const out: Spec[] = []
  for (let i = 0; i < count; i++) {
    const kind = random()
    const provenance: Provenance = random() < 0.5 ? 'synthetic' : random() < 0.8 ? 'real' : 'unknown'
    let input: string
    if (kind < 0.4)
      input = `${pick(NAMES)} has ${Math.floor(random() * 50)} ${pick(TOPICS)}. How many are left?`
    else if (kind < 0.55) input = `WHAT IS ${pick(TOPICS).toUpperCase()}?`
    else if (kind < 0.7) input = `what is ${pick(TOPICS)}?`
    else input = `Tell me something new about ${pick(TOPICS)} number ${i} and why ${pick(NAMES)} cares`
    out.push({ input, output: `answer ${Math.floor(random() * 5)}`, provenance })
  }
  return out
}

function rowsOf(list: Spec[], files: string[]): Row[] {
  const lines = new Map<string, number>()
  return list.map((spec, i) => {
    const file = files[i % files.length]!
    const line = (lines.get(file) ?? 0) + 1
    lines.set(file, line)
    return {
      file,
      line,
      ...spec,
      contentHash: hash53(JSON.stringify([spec.input, spec.output, spec.provenance]))
    }
  })
}

const baseSpecs = specs(1500, 7)
// Head: most base rows (some dropped, some answers changed), extra copies of base rows, and new rows.
const random = mulberry32(99)
const headSpecs: Spec[] = []
for (const spec of baseSpecs) {
  const roll = random()
  if (roll < 0.03) continue
  if (roll < 0.06) headSpecs.push({ ...spec, output: `${spec.output} (edited)` })
  else headSpecs.push(spec)
  if (roll > 0.97) headSpecs.push(spec)
}
headSpecs.push(...specs(300, 1234))
const BASE_ROWS = rowsOf(baseSpecs, ['data/a.jsonl', 'data/b.jsonl'])
// Head rows land in other files than at base: a row moved between files is still unchanged.
const HEAD_ROWS = rowsOf(headSpecs, ['data/b.jsonl', 'data/a.jsonl', 'data/c.jsonl'])

const REALISM: RealismOptions = { sampleSize: 200, reference: null }

function analyse(analysis: DatasetAnalysis, base: Row[], head: Row[]): DatasetAnalysis {
  analysis.addFile('base', 'data/a.jsonl')
  analysis.addFile('head', 'data/a.jsonl')
  analysis.addInvalid('head')
  for (const row of base) analysis.addBase(row)
  for (const row of head) analysis.addHead(row)
  return analysis
}

/** What a file holds: the state through JSON and fresh typed arrays, as written and read back. */
function throughStorage(state: AnalysisState): AnalysisState {
  return {
    json: JSON.parse(JSON.stringify(state.json)),
    numbers: Object.fromEntries(Object.entries(state.numbers).map(([k, v]) => [k, Float64Array.from(v)])),
    strings: Object.fromEntries(Object.entries(state.strings).map(([k, v]) => [k, [...v]]))
  }
}

const PRESENT = { base: true, head: true }
const single = analyse(new DatasetAnalysis({ ...DEFAULT_PATTERNS }, REALISM), BASE_ROWS, HEAD_ROWS).finish(
  PRESENT
)

/**
 * The single run's result with its example texts read back from the rows, as the pipeline reads them from git
 * (example-texts.ts): base patterns from the base rows, head and added patterns from the head rows.
 */
function withExampleTexts(result: DatasetAnalysisResult): DatasetAnalysisResult {
  const copy = structuredClone(result)
  const fill = (patterns: PatternSummary[], rows: Row[]): void => {
    const byPlace = new Map(rows.map(row => [`${row.file}:${row.line}`, row.input]))
    for (const pattern of patterns) {
      pattern.exampleTexts = pattern.examples.map(({ file, line }) =>
        textSnippet(byPlace.get(`${file}:${line}`)!, EXAMPLE_SNIPPET_LENGTH)
      )
    }
  }
  fill(copy.base!.largestPatterns, BASE_ROWS)
  fill([...copy.head!.largestPatterns, ...copy.change.largestAddedPatterns], HEAD_ROWS)
  return copy
}

describe('DatasetAnalysis shards', () => {
  it('is a fixture where the diff, duplicates, key choice and realism all have something to do', () => {
    expect(single.change.added).toBeGreaterThan(300)
    expect(single.change.removed).toBeGreaterThan(0)
    expect(single.change.changed).toBeGreaterThan(0)
    expect(single.change.duplicatesOfExisting).toBeGreaterThan(0)
    expect(single.change.duplicateExamples.length).toBe(10)
    expect(single.head!.unique.canonical).toBeLessThan(single.head!.unique.normalised)
    expect(single.realism?.realVsSynthetic).not.toBeNull()
    expect(single.realism?.existingVsAdded).not.toBeNull()
    expect(single.head!.diversity.compressionRatio).not.toBeNull()
    expect(single.head!.diversity.distinct2).not.toBeNull()
  })

  it.each([2, 3, 4])('merges %i shards, each saved and loaded, into exactly the single run', count => {
    const shards = Array.from({ length: count }, (_, index) => {
      const shard = analyse(
        new DatasetAnalysis({ ...DEFAULT_PATTERNS }, REALISM, { index, count }),
        BASE_ROWS,
        HEAD_ROWS
      )
      return DatasetAnalysis.fromState(throughStorage(shard.toState(true)), { ...DEFAULT_PATTERNS }, REALISM)
    })
    // Merge out of order: the result must not depend on which shard comes first.
    const [first, ...rest] = shards.reverse() as [DatasetAnalysis, ...DatasetAnalysis[]]
    for (const other of rest) first.mergeFrom(other)
    // Shards keep their examples' texts, so that a merge needs no git; the single run leaves them to the
    // pipeline, which reads them back from the rows.
    expect(first.finish(PRESENT)).toEqual(withExampleTexts(single))
  })

  it('decides a sentence-start word from the names every shard saw', () => {
    // "Rose" is capitalised mid-sentence in 24 canonical texts and written "rose" in 2: a name (fewer than 1 in
    // 10 uses in lower case), so "Rose likes green tea." has the key of "Bob likes green tea.". The 24 texts
    // are spread over the shards: with only one shard's names, "rose" would read as a word.
    const inputs = [
      ...TOPICS.flatMap(topic =>
        ['fair', 'market', 'station'].map(place => `Yesterday I met Rose at the ${topic} ${place}.`)
      ),
      ...TOPICS.slice(0, 2).map(topic => `a rose by any other name about ${topic}`),
      'I saw Bob today.',
      'Rose likes green tea.',
      'Bob likes green tea.'
    ]
    const rows = rowsOf(
      inputs.map(input => ({ input, output: 'ok', provenance: 'real' as const })),
      ['data/a.jsonl']
    )
    const unique = (analysis: DatasetAnalysis) => analysis.finish({ base: false, head: true }).head!.unique
    const whole = unique(analyse(new DatasetAnalysis({ ...DEFAULT_PATTERNS }, REALISM), [], rows))
    expect(whole).toMatchObject({ canonical: 29, template: 28 })
    for (const count of [2, 4]) {
      const shards = Array.from({ length: count }, (_, index) =>
        DatasetAnalysis.fromState(
          throughStorage(
            analyse(
              new DatasetAnalysis({ ...DEFAULT_PATTERNS }, REALISM, { index, count }),
              [],
              rows
            ).toState(true)
          ),
          { ...DEFAULT_PATTERNS },
          REALISM
        )
      )
      const [first, ...rest] = shards as [DatasetAnalysis, ...DatasetAnalysis[]]
      for (const other of rest) first.mergeFrom(other)
      expect(unique(first)).toEqual(whole)
    }
  })

  it('keeps where its examples are but not their texts when unsharded', () => {
    const summaries = [
      ...single.base!.largestPatterns,
      ...single.head!.largestPatterns,
      ...single.change.largestAddedPatterns
    ]
    expect(summaries.length).toBeGreaterThan(10)
    for (const summary of summaries) {
      expect(summary.examples.length).toBeGreaterThan(0)
      expect(summary.exampleTexts).toEqual([])
    }
  })

  it('gives each shard a real share of the rows', () => {
    const shard = analyse(
      new DatasetAnalysis({ ...DEFAULT_PATTERNS }, REALISM, { index: 1, count: 4 }),
      BASE_ROWS,
      HEAD_ROWS
    )
    const state = shard.toState(true)
    const owned = state.json.sides.head.rows
    expect(owned).toBeGreaterThan(HEAD_ROWS.length / 8)
    expect(owned).toBeLessThan(HEAD_ROWS.length / 2)
    const expected = HEAD_ROWS.filter(row => row.contentHash % 4 === 1).length
    expect(owned).toBe(expected)
  })

  it('refuses to finish with a shard missing, or to merge a shard twice', () => {
    const make = (index: number) =>
      analyse(
        new DatasetAnalysis({ ...DEFAULT_PATTERNS }, REALISM, { index, count: 3 }),
        BASE_ROWS,
        HEAD_ROWS
      )
    const first = make(0)
    first.mergeFrom(make(2))
    expect(() => first.finish(PRESENT)).toThrow(/lacks shard\(s\) 1 of 3/)
    expect(() => first.mergeFrom(make(2))).toThrow(/shard 2 of 3 is given twice/)
  })

  it('refuses to merge shards of different data or different parameters', () => {
    const a = analyse(
      new DatasetAnalysis({ ...DEFAULT_PATTERNS }, REALISM, { index: 0, count: 2 }),
      BASE_ROWS,
      HEAD_ROWS
    )
    const b = analyse(
      new DatasetAnalysis({ ...DEFAULT_PATTERNS }, REALISM, { index: 1, count: 2 }),
      BASE_ROWS,
      HEAD_ROWS.slice(1)
    )
    expect(() => a.mergeFrom(b)).toThrow(/read different rows/)
    const c = analyse(
      new DatasetAnalysis({ ...DEFAULT_PATTERNS, jaccard: 0.6 }, REALISM, { index: 1, count: 2 }),
      BASE_ROWS,
      HEAD_ROWS
    )
    expect(() => a.mergeFrom(c)).toThrow(/different pattern parameters/)
  })

  it('resumes an analysis saved after its base rows to exactly the single run', () => {
    const saved = new DatasetAnalysis({ ...DEFAULT_PATTERNS }, REALISM)
    saved.addFile('base', 'data/a.jsonl')
    for (const row of BASE_ROWS) saved.addBase(row)
    const resumed = DatasetAnalysis.fromState(
      throughStorage(saved.toState(false)),
      { ...DEFAULT_PATTERNS },
      REALISM
    )
    resumed.addFile('head', 'data/a.jsonl')
    resumed.addInvalid('head')
    for (const row of HEAD_ROWS) resumed.addHead(row)
    expect(resumed.finish(PRESENT)).toEqual(single)
  })

  it('refuses a saved analysis whose names point outside its name column', () => {
    const state = analyse(new DatasetAnalysis({ ...DEFAULT_PATTERNS }, REALISM), BASE_ROWS, []).toState(false)
    const load = (state: AnalysisState) => () =>
      DatasetAnalysis.fromState(state, { ...DEFAULT_PATTERNS }, REALISM)
    expect(load(throughStorage(state))).not.toThrow()
    const names = Float64Array.from(state.numbers['canonical.names']!)
    names[names.length - 1] = state.numbers['names.hash']!.length + 1
    expect(load({ ...state, numbers: { ...state.numbers, 'canonical.names': names } })).toThrow(
      /out of range/
    )
    const short = Float64Array.from(state.numbers['canonical.names']!).slice(0, -2)
    expect(load({ ...state, numbers: { ...state.numbers, 'canonical.names': short } })).toThrow(
      /another number/
    )
  })

  it('refuses a saved analysis made with other parameters or another layout', () => {
    const state = new DatasetAnalysis({ ...DEFAULT_PATTERNS }, REALISM).toState(false)
    expect(() => DatasetAnalysis.fromState(state, { ...DEFAULT_PATTERNS, bands: 16 }, REALISM)).toThrow(
      /other pattern/
    )
    const old = { ...state, json: { ...state.json, version: 0 } }
    expect(() => DatasetAnalysis.fromState(old, { ...DEFAULT_PATTERNS }, REALISM)).toThrow(/layout 0/)
  })
})
