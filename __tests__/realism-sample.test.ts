import { describe, expect, it } from '@jest/globals'
import { hash53 } from '../src/analysis/hash.js'
import {
  RealismSample,
  type RealismSampleState,
  compareSamples
} from '../src/analysis/realism/realism-sample.js'
import type { RowRef } from '../src/types.js'

interface Pair {
  input: string
  output: string
}

/** Real prompts: terse, lower case, unpunctuated; the first 10 carry a typo (or a contraction with no apostrophe). */
const REAL_INPUTS = [
  'teh best pizza place',
  'whcih phone to buy',
  'recieve refund how long',
  'definately need help now',
  'how to spel necessary',
  'waht time is it',
  'becouse my code broke',
  'dont know the password',
  'im stuck on homework',
  'wiht or without sugar',
  'best pizza near me',
  'cheap flights next week',
  'how to boil eggs',
  'weather for this weekend',
  'convert cups to grams',
  'reset my router password',
  'good books about history',
  'fix a leaking tap',
  'easy dinner ideas tonight',
  'learn guitar chords fast'
]
/** Real answers: short; rows 3, 7, 11, 15 and 19 (1-based) admit not knowing. */
const UNSURE_REAL_ROWS = [3, 7, 11, 15, 19]
const UNSURE_ANSWERS = [
  "I'm not sure, maybe try again later",
  'honestly i dont know',
  "It's unclear what you mean",
  'I am not certain but probably yes',
  'no idea, I have no idea really'
]
const REAL: Pair[] = REAL_INPUTS.map((input, i) => {
  const unsure = UNSURE_REAL_ROWS.indexOf(i + 1)
  return { input, output: unsure >= 0 ? UNSURE_ANSWERS[unsure]! : `about ${i + 2} minutes I think` }
})

/** Synthetic prompts: capitalised, punctuated, median 10 words; every other answer opens with "Certainly!". */
const SYNTHETIC_INPUTS = [
  'Write a short paragraph describing the benefits of regular exercise.',
  'Explain the difference between weather and climate in simple terms.',
  'Describe three practical ways to reduce household energy consumption today.',
  'Summarize the main causes of the French Revolution in brief.',
  'Provide a recipe for a healthy breakfast using oats and berries.',
  'List five tips for improving concentration while studying at home.',
  'Compose a friendly email inviting colleagues to a team lunch.',
  'Suggest a creative name for a new coffee shop downtown.',
  'Outline the key steps involved in planting a vegetable garden.',
  'Generate a motivational quote about perseverance and personal growth.',
  'Classify the following animals as mammals, birds, or reptiles.',
  'Translate the sentence "Good morning, my friend" into Spanish.',
  'Create a short story about a robot learning to paint.',
  'Identify the main theme of the poem provided below, please.',
  'Rewrite the given sentence in the passive voice, keeping meaning.',
  'Compare the advantages of electric cars with petrol cars briefly.',
  'Design a simple workout routine for beginners with no equipment.',
  'Recommend three classic novels suitable for a teenage reader.',
  'Calculate the total cost of four books priced at ten.',
  'Describe the water cycle using language a child could understand.'
]
const SYNTHETIC: Pair[] = SYNTHETIC_INPUTS.map((input, i) => ({
  input,
  output: `${i % 2 === 0 ? 'Certainly! ' : ''}Here is a clear and complete answer to your request.`
}))

function sampleOf(pairs: Pair[], file: string, cap?: number, order: number[] = pairs.map((_, i) => i)) {
  const sample = new RealismSample(cap)
  for (const i of order) {
    const { input, output } = pairs[i]!
    sample.add({ file, line: i + 1 }, input, output, hash53(`${input}\u0000${output}`))
  }
  return sample
}

const lines = (refs: RowRef[]) => refs.map(ref => ref.line)

describe('compareSamples on hand-written real and synthetic sides', () => {
  const comparison = compareSamples(sampleOf(REAL, 'real.jsonl'), sampleOf(SYNTHETIC, 'synthetic.jsonl'), {
    a: 'real',
    b: 'synthetic'
  })
  const sentences = comparison.gaps.map(gap => gap.sentence)

  it('counts and samples every row', () => {
    expect(comparison).toMatchObject({ labelA: 'real', labelB: 'synthetic', rowsA: 20, rowsB: 20 })
    expect(comparison.sampledA).toBe(20)
    expect(comparison.sampledB).toBe(20)
  })

  it('writes the gaps as sentences a reviewer acts on', () => {
    expect(sentences).toEqual(
      expect.arrayContaining([
        'real inputs: 50% have a likely typo, synthetic: 0%',
        'synthetic outputs never say they do not know (real: 25%)',
        'synthetic inputs are 2.5x longer than real (median 10 words vs 4)',
        'real inputs: 100% start in lower case, synthetic: 0%',
        'real inputs: 100% end without punctuation, synthetic: 0%',
        'real inputs: 100% are terse (5 words or fewer), synthetic: 0%',
        'real outputs never show politeness or eagerness ("Certainly!", "I\'d be happy to") (synthetic: 50%)'
      ])
    )
  })

  it('leaves out features that do not differ, and sorts gaps by divergence', () => {
    const features = comparison.gaps.map(gap => gap.feature)
    expect(features).not.toContain('question-mark')
    expect(features).not.toContain('refusal-output')
    expect(features).not.toContain('shorthand-input')
    const divergences = comparison.gaps.map(gap => gap.divergence)
    expect(divergences).toEqual([...divergences].sort((x, y) => y - x))
    expect(divergences.every(divergence => divergence > 0.02)).toBe(true)
  })

  it('gives example rows that show the feature', () => {
    const typo = comparison.gaps.find(gap => gap.feature === 'likely-typo')!
    expect(typo.examplesA).toHaveLength(3)
    for (const line of lines(typo.examplesA)) expect(line).toBeLessThanOrEqual(10)
    expect(typo.examplesB).toEqual([])
    const unsure = comparison.gaps.find(gap => gap.feature === 'uncertainty-output')!
    for (const line of lines(unsure.examplesA)) expect(UNSURE_REAL_ROWS).toContain(line)
    const polite = comparison.gaps.find(gap => gap.feature === 'politeness-output')!
    for (const line of lines(polite.examplesB)) expect(line % 2).toBe(1)
    expect(Object.keys(typo.examplesA[0]!).sort()).toEqual(['file', 'line'])
  })

  it('reports every feature with its rates and medians', () => {
    expect(comparison.features.map(f => f.feature)).toHaveLength(11)
    const typo = comparison.features.find(f => f.feature === 'likely-typo')!
    expect(typo).toMatchObject({ kind: 'rate', a: 0.5, b: 0 })
    const length = comparison.features.find(f => f.feature === 'input-length')!
    expect(length).toMatchObject({ kind: 'length', a: 4, b: 10 })
    expect(length.examplesA).toHaveLength(3)
    expect(length.examplesB).toHaveLength(3)
  })

  it('tells the sides apart and sees different vocabularies', () => {
    expect(comparison.separability!).toBeGreaterThanOrEqual(0.9)
    expect(comparison.vocabularyDivergence).toBeGreaterThan(0.5)
    expect(comparison.vocabularyDivergence).toBeLessThanOrEqual(1)
  })

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(comparison))).toEqual(comparison)
  })
})

describe('compareSamples on alike or empty sides', () => {
  it('finds no gaps and no divergence between a side and itself', () => {
    const comparison = compareSamples(sampleOf(REAL, 'a.jsonl'), sampleOf(REAL, 'b.jsonl'), {
      a: 'base',
      b: 'head'
    })
    expect(comparison.gaps).toEqual([])
    expect(comparison.vocabularyDivergence).toBe(0)
    for (const feature of comparison.features) expect(feature.divergence).toBe(0)
    expect(comparison.separability!).toBeLessThanOrEqual(0.6)
  })

  it('copes with an empty side', () => {
    const comparison = compareSamples(new RealismSample(), sampleOf(SYNTHETIC, 's.jsonl'), {
      a: 'real',
      b: 'synthetic'
    })
    expect(comparison).toMatchObject({
      rowsA: 0,
      sampledA: 0,
      separability: null,
      gaps: [],
      vocabularyDivergence: 0
    })
    for (const feature of comparison.features) expect(feature.divergence).toBe(0)
  })

  it('has no separability below 10 rows a side', () => {
    const comparison = compareSamples(sampleOf(REAL.slice(0, 9), 'r'), sampleOf(SYNTHETIC, 's'), {
      a: 'a',
      b: 'b'
    })
    expect(comparison.separability).toBeNull()
  })
})

describe('compareSamples length sentences', () => {
  const text = (n: number) => Array.from({ length: n }, () => 'word').join(' ')

  it('speaks of the spread when the medians agree but the distributions do not', () => {
    const even = Array.from({ length: 10 }, (_, i): Pair => ({ input: `${text(9)} ${i}.`, output: 'ok' }))
    const spread = [2, 2, 10, 10, 10, 10, 10, 40, 40, 40].map((n, i): Pair => ({
      input: `${text(n - 1)} ${i}.`,
      output: 'ok'
    }))
    const comparison = compareSamples(sampleOf(even, 'a'), sampleOf(spread, 'b'), {
      a: 'real',
      b: 'synthetic'
    })
    const gap = comparison.gaps.find(g => g.feature === 'input-length')!
    expect(gap.sentence).toBe(
      'real and synthetic input lengths are spread differently (median 10 words vs 10)'
    )
  })

  it('names the longer side when the other has no text', () => {
    const silent = Array.from({ length: 10 }, (_, i): Pair => ({ input: `question ${i}?`, output: '' }))
    const talkative = Array.from({ length: 10 }, (_, i): Pair => ({
      input: `question ${i}?`,
      output: text(5)
    }))
    const comparison = compareSamples(sampleOf(silent, 'a'), sampleOf(talkative, 'b'), {
      a: 'real',
      b: 'synthetic'
    })
    expect(comparison.gaps.map(g => g.sentence)).toEqual([
      'synthetic outputs are longer than real (median 5 words vs 0)'
    ])
  })
})

describe('RealismSample', () => {
  it('keeps the rows with the smallest keys, whatever order they arrive in', () => {
    const pairs: Pair[] = Array.from({ length: 60 }, (_, i) => ({
      input: `question number ${i}`,
      output: `${i}`
    }))
    const forward = sampleOf(pairs, 'f', 10)
    const reversed = sampleOf(
      pairs,
      'f',
      10,
      pairs.map((_, i) => pairs.length - 1 - i)
    )
    const shuffled = sampleOf(
      pairs,
      'f',
      10,
      pairs.map((_, i) => (i * 37) % 60)
    )
    const kept = (sample: RealismSample) => sample.sampledRows().map(row => row.ref.line)
    const smallest = pairs
      .map((pair, i) => ({ line: i + 1, key: hash53(`${pair.input}\u0000${pair.output}`) }))
      .sort((x, y) => x.key - y.key)
      .slice(0, 10)
      .map(row => row.line)
    expect(kept(forward)).toEqual(smallest)
    expect(kept(reversed)).toEqual(smallest)
    expect(kept(shuffled)).toEqual(smallest)
    expect(forward.rows).toBe(60)
    expect(forward.sampled).toBe(10)
  })

  it('breaks equal keys by position, so duplicates do not make the sample order-dependent', () => {
    const first = new RealismSample(1)
    first.add({ file: 'd', line: 5 }, 'same', 'same', 42)
    first.add({ file: 'd', line: 2 }, 'same', 'same', 42)
    const second = new RealismSample(1)
    second.add({ file: 'd', line: 2 }, 'same', 'same', 42)
    second.add({ file: 'd', line: 5 }, 'same', 'same', 42)
    expect(first.sampledRows()[0]!.ref).toEqual({ file: 'd', line: 2 })
    expect(second.sampledRows()[0]!.ref).toEqual({ file: 'd', line: 2 })
  })

  it('gives the same comparison for the same rows in another order', () => {
    const order = REAL.map((_, i) => (i * 7) % REAL.length)
    const labels = { a: 'real', b: 'synthetic' }
    const one = compareSamples(sampleOf(REAL, 'r', 8), sampleOf(SYNTHETIC, 's', 8), labels)
    const other = compareSamples(sampleOf(REAL, 'r', 8, order), sampleOf(SYNTHETIC, 's', 8, order), labels)
    expect(other).toEqual(one)
  })

  it('keeps only the position of a row, not the row object it was given', () => {
    const sample = new RealismSample()
    const row = {
      file: 'x.jsonl',
      line: 3,
      input: 'hello there',
      output: 'hi',
      provenance: 'real',
      contentHash: 0
    }
    sample.add(row, row.input, row.output, 1)
    expect(sample.sampledRows()[0]!.ref).toEqual({ file: 'x.jsonl', line: 3 })
  })

  it('rejects a cap that is not a positive integer', () => {
    expect(() => new RealismSample(0)).toThrow('positive integer')
    expect(() => new RealismSample(2.5)).toThrow('positive integer')
  })
})

/** A row as a shard sees it: where it is, its texts and its content key. */
interface KeyedRow {
  ref: RowRef
  input: string
  output: string
  key: number
}

/**
 * 3,000 rows over two files, with 30 copies of one row and 40 of another whose keys are the smallest: the
 * sample keeps every first copy and 20 of the second, so ties broken by position (file, then line) decide
 * which rows it keeps and in what order.
 */
function keyedRows(): KeyedRow[] {
  const words = ['apple', 'river', 'stone', 'music', 'window', 'garden', 'number', 'letter', 'cloud', 'paper']
  return Array.from({ length: 3000 }, (_, i): KeyedRow => {
    const ref = { file: i % 7 === 0 ? 'b.jsonl' : 'a.jsonl', line: i + 1 }
    if (i % 100 === 7) return { ref, input: 'the same row again', output: 'yes', key: 1 }
    if (i % 75 === 11) {
      // Mostly in the later file, so the cut among these copies falls inside it, by line.
      return {
        ref: { ...ref, file: i % 4 === 0 ? 'a.jsonl' : 'b.jsonl' },
        input: 'another one',
        output: 'no',
        key: 2
      }
    }
    const input = `${words[i % 10]} ${words[(i * 7) % 10]} question ${i}${i % 4 === 0 ? '?' : ''}`
    const output = `${i % 5 === 0 ? 'Certainly! ' : ''}answer ${words[(i * 3) % 10]} ${i}`
    return { ref, input, output, key: hash53(`${input}\u0000${output}`) }
  })
}

function feed(sample: RealismSample, rows: readonly KeyedRow[]): RealismSample {
  for (const row of rows) sample.add(row.ref, row.input, row.output, row.key)
  return sample
}

/** Splits rows into disjoint shards by a hash of their position, so every shard's rows interleave. */
function shardsOf<T extends { ref: RowRef }>(rows: readonly T[], count: number): T[][] {
  const shards: T[][] = Array.from({ length: count }, () => [])
  for (const row of rows) shards[hash53(`${row.ref.file}:${row.ref.line}`) % count]!.push(row)
  return shards
}

/** What a shard writes and the merge reads back: the state through JSON. */
function throughJson(sample: RealismSample): RealismSample {
  return RealismSample.fromState(JSON.parse(JSON.stringify(sample.toState())) as RealismSampleState)
}

function expectSameSample(actual: RealismSample, expected: RealismSample): void {
  expect(actual.rows).toBe(expected.rows)
  expect(actual.sampled).toBe(expected.sampled)
  expect(actual.sampledRows()).toEqual(expected.sampledRows())
  expect(actual.toState()).toEqual(expected.toState())
}

describe('RealismSample partial states and merging', () => {
  const rows = keyedRows()
  const CAP = 50
  const single = feed(new RealismSample(CAP), rows)

  it('is a fixture where eviction and ties by position decide the sample', () => {
    const sampled = single.sampledRows()
    expect(single.rows).toBe(3000)
    expect(sampled).toHaveLength(CAP)
    expect(sampled.filter(row => row.key === 1)).toHaveLength(30)
    const byPosition = (x: RowRef, y: RowRef) =>
      x.file === y.file ? x.line - y.line : x.file < y.file ? -1 : 1
    const copies = rows.filter(row => row.key === 2).map(row => row.ref)
    const kept = sampled.filter(row => row.key === 2).map(row => row.ref)
    expect(kept).toEqual(copies.sort(byPosition).slice(0, 20))
    expect(kept.filter(ref => ref.file === 'b.jsonl').length).toBeGreaterThan(0)
  })

  for (const count of [2, 3, 4]) {
    it(`merges ${count} shards' states read back from JSON into exactly the single-run sample`, () => {
      const shards = shardsOf(rows, count)
      for (const shard of shards) expect(shard.length).toBeGreaterThan(500)
      const restored = shards.map(shard => throughJson(feed(new RealismSample(CAP), shard)))
      const merged = restored[0]!
      for (const other of restored.slice(1)) merged.mergeFrom(other)
      expectSameSample(merged, single)
    })
  }

  it("keeps none of a shard whose keys all exceed a full sample's", () => {
    const byKey = [...rows].sort((x, y) => x.key - y.key || x.ref.line - y.ref.line)
    const small = feed(new RealismSample(CAP), byKey.slice(0, 1500))
    small.mergeFrom(feed(new RealismSample(CAP), byKey.slice(1500)))
    expectSameSample(small, single)
    const large = feed(new RealismSample(CAP), byKey.slice(1500))
    large.mergeFrom(feed(new RealismSample(CAP), byKey.slice(0, 1500)))
    expectSameSample(large, single)
  })

  it('gives the same sample whichever shard the others merge into', () => {
    const samples = shardsOf(rows, 3).map(shard => feed(new RealismSample(CAP), shard))
    const [first, second, third] = samples as [RealismSample, RealismSample, RealismSample]
    third.mergeFrom(first)
    third.mergeFrom(second)
    expectSameSample(third, single)
  })

  it('keeps taking rows after a restore, as if it had never been written out', () => {
    const restored = throughJson(feed(new RealismSample(CAP), rows.slice(0, 1200)))
    expectSameSample(feed(restored, rows.slice(1200)), single)
  })

  it('merges a shard that kept its rows pending, and one that saw no rows', () => {
    const [a, b] = shardsOf(rows, 2) as [KeyedRow[], KeyedRow[]]
    const pending = feed(new RealismSample(CAP), a)
    pending.mergeFrom(feed(new RealismSample(CAP), b))
    pending.mergeFrom(new RealismSample(CAP))
    expectSameSample(pending, single)
  })

  it('writes a state that is plain JSON, with the vocabulary as integer hashes', () => {
    const state = single.toState()
    expect(JSON.parse(JSON.stringify(state))).toEqual(state)
    expect(state).toMatchObject({ cap: CAP, seen: 3000 })
    expect(state.rows).toHaveLength(CAP)
    for (const row of state.rows) {
      expect(Array.isArray(row.vocabulary)).toBe(true)
      for (const hash of row.vocabulary) expect(Number.isSafeInteger(hash)).toBe(true)
    }
    expect(state.rows.some(row => row.vocabulary.length > 0)).toBe(true)
  })

  it('refuses to merge samples with different caps, or a sample with itself', () => {
    const sample = new RealismSample(CAP)
    expect(() => sample.mergeFrom(new RealismSample(CAP + 1))).toThrow('different caps')
    expect(() => sample.mergeFrom(sample)).toThrow('itself')
  })

  it('refuses a state that keeps more rows than its cap or than it saw', () => {
    const state = feed(new RealismSample(3), rows.slice(0, 10)).toState()
    expect(() => RealismSample.fromState({ ...state, cap: 2 })).toThrow('cap of 2')
    expect(() => RealismSample.fromState({ ...state, seen: 2 })).toThrow('2 seen')
    expect(() => RealismSample.fromState({ ...state, cap: 0 })).toThrow('positive integer')
  })
})

describe('compareSamples speed', () => {
  it('compares 5,000 sampled rows a side in well under 2 seconds', () => {
    const words = [
      'apple',
      'river',
      'stone',
      'music',
      'window',
      'garden',
      'number',
      'letter',
      'cloud',
      'paper'
    ]
    const text = (i: number, n: number) =>
      Array.from({ length: n }, (_, k) => words[(i * 7 + k * 3) % 10]).join(' ')
    const a = new RealismSample()
    const b = new RealismSample()
    for (let i = 0; i < 5000; i++) {
      a.add(
        { file: 'a', line: i + 1 },
        `${text(i, 3 + (i % 9))}?`,
        text(i + 1, 20 + (i % 40)),
        hash53(`a${i}`)
      )
      b.add(
        { file: 'b', line: i + 1 },
        `Please ${text(i, 8 + (i % 13))}.`,
        text(i + 2, 30 + (i % 50)),
        hash53(`b${i}`)
      )
    }
    const started = performance.now()
    const comparison = compareSamples(a, b, { a: 'real', b: 'synthetic' })
    const elapsed = performance.now() - started
    expect(comparison.sampledA).toBe(5000)
    expect(comparison.separability!).toBeGreaterThan(0.9)
    expect(elapsed).toBeLessThan(2000)
  })
})
