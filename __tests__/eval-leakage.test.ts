import { describe, expect, it } from '@jest/globals'
import { DatasetAnalysis } from '../src/analysis/dataset-analysis.js'
import { hash53 } from '../src/analysis/hash.js'
import {
  type AddedRowKeys,
  EvalIndex,
  LEAKS_KEPT_PER_KIND,
  LeakageCheck,
  type LeakageState,
  leakKey,
  MIN_NEAR_DUPLICATE_TOKENS
} from '../src/analysis/eval-leakage.js'
import { DEFAULT_PATTERNS } from '../src/config/defaults.js'
import type { Row } from '../src/types.js'

function row(file: string, line: number, input: string): Row {
  return {
    file,
    line,
    input,
    output: '',
    provenance: 'unknown',
    contentHash: hash53(JSON.stringify([file, line, input]))
  }
}

const EVAL = [
  'Janet has 16 ducks that lay eggs every morning and she sells the remainder at the farmers market for two dollars each.',
  'What is the capital of France?',
  'A robe takes 2 bolts of blue fiber and half that much white fiber. How many bolts in total does it take?',
  '   ',
  'Josh decides to try flipping a house. He buys a house for 80000 dollars and puts in 50000 dollars in repairs.'
]

function evalIndex(name = 'test-set', file = 'eval/test.jsonl', inputs = EVAL): EvalIndex {
  const index = new EvalIndex(name, DEFAULT_PATTERNS)
  inputs.forEach((input, i) => index.add(row(file, i + 1, input)))
  return index
}

/** An added row as every shard sees it: the row, the keys the analysis computed, and its global ordinal. */
interface CheckedRow {
  row: Row
  keys: AddedRowKeys
  ordinal: number
}

/** Feeds training rows through the analysis, so the leak check gets the keys the pipeline gives it. */
function addedRows(rows: Row[]): CheckedRow[] {
  const analysis = new DatasetAnalysis({ ...DEFAULT_PATTERNS }, { sampleSize: 0, reference: null })
  const added: CheckedRow[] = []
  rows.forEach((r, ordinal) => {
    const keys = analysis.addHead(r)
    if (keys) added.push({ row: r, keys, ordinal })
  })
  return added
}

function checkOf(indexes: readonly EvalIndex[], rows: readonly CheckedRow[]): LeakageCheck {
  const check = new LeakageCheck(indexes)
  for (const { row: r, keys, ordinal } of rows) check.check(r, keys, ordinal)
  return check
}

function leakageOf(indexes: EvalIndex[], rows: Row[]) {
  return checkOf(indexes, addedRows(rows)).result()
}

describe('EvalIndex and LeakageCheck', () => {
  it('finds exact, normalised and near-duplicate leaks with both locations', () => {
    const leakage = leakageOf(
      [evalIndex()],
      [
        row('data/train.jsonl', 1, EVAL[1]!),
        row('data/train.jsonl', 2, '  WHAT IS THE CAPITAL   OF FRANCE?'),
        // The same question with other numbers and another name: a near-duplicate of eval row 1.
        row(
          'data/train.jsonl',
          3,
          'Maria has 23 ducks that lay eggs every morning and she sells the remainder at the farmers market for three dollars each.'
        ),
        row('data/train.jsonl', 4, 'How do I revert the last commit but keep my changes in the working tree?')
      ]
    )
    expect(leakage).toMatchObject({ checked: 4, exact: 1, normalised: 1, nearDuplicate: 1, leaksOmitted: 0 })
    expect(leakage.leaks).toEqual([
      {
        kind: 'exact',
        evalSet: 'test-set',
        row: { file: 'data/train.jsonl', line: 1 },
        text: 'What is the capital of France?',
        evalRow: { file: 'eval/test.jsonl', line: 2 },
        similarity: 1
      },
      expect.objectContaining({
        kind: 'normalised',
        row: { file: 'data/train.jsonl', line: 2 },
        evalRow: { file: 'eval/test.jsonl', line: 2 }
      }),
      expect.objectContaining({
        kind: 'near-duplicate',
        row: { file: 'data/train.jsonl', line: 3 },
        evalRow: { file: 'eval/test.jsonl', line: 1 }
      })
    ])
    // Numbers and number words are slots; only the sentence-start name differs (Janet, Maria).
    expect(leakage.leaks[2]?.similarity).toBeGreaterThan(0.85)
    expect(leakage.leaks[2]?.similarity).toBeLessThan(1)
    expect(leakage.evalSets).toEqual([{ name: 'test-set', rows: 5, ownRows: 0 }])
  })

  it('finds a reworded near-duplicate by Jaccard, and not an unrelated question', () => {
    const index = evalIndex()
    const base = leakKey(
      'josh decides to try flipping a house he buys a house for <n> and puts in <n> in repairs'
    )
    // One word swapped at the end keeps most 3-grams.
    const reworded = base.replace('repairs', 'renovations')
    const match = index.match({ exactInput: 1, normalisedInput: 2, templateKey: reworded })
    expect(match).toMatchObject({ kind: 'near-duplicate', evalRow: { file: 'eval/test.jsonl', line: 5 } })
    expect(match?.similarity).toBeGreaterThanOrEqual(DEFAULT_PATTERNS.jaccard)
    expect(match?.similarity).toBeLessThan(1)
    const unrelated = 'please write a short poem about the sea and the sky at night for my grandmother'
    expect(index.match({ exactInput: 1, normalisedInput: 2, templateKey: unrelated })).toBeNull()
  })

  it('does not call short shared templates near-duplicates', () => {
    const index = evalIndex()
    // `what is the capital of <name>`: 6 tokens, a template many independent questions share.
    expect(MIN_NEAR_DUPLICATE_TOKENS).toBeGreaterThan(6)
    const leakage = leakageOf([index], [row('data/train.jsonl', 1, 'What is the capital of Germany?')])
    expect(leakage).toMatchObject({ exact: 0, normalised: 0, nearDuplicate: 0, leaks: [] })
  })

  it('never matches empty inputs, which would all be equal', () => {
    const leakage = leakageOf(
      [evalIndex()],
      [row('data/train.jsonl', 1, ''), row('data/train.jsonl', 2, '\t  ')]
    )
    expect(leakage).toMatchObject({ checked: 2, exact: 0, normalised: 0, nearDuplicate: 0 })
  })

  it('does not check rows of an eval set against that set, but still against the others', () => {
    const own = evalIndex('own', 'eval/test.jsonl')
    const other = evalIndex('other', 'eval/other.jsonl')
    const leakage = leakageOf(
      [own, other],
      [row('eval/test.jsonl', 1, EVAL[0]!), row('eval/test.jsonl', 2, EVAL[1]!)]
    )
    expect(leakage.evalSets).toEqual([
      { name: 'own', rows: 5, ownRows: 2 },
      { name: 'other', rows: 5, ownRows: 0 }
    ])
    expect(leakage.exact).toBe(2)
    expect(leakage.leaks.every(leak => leak.evalSet === 'other')).toBe(true)
    // A row in the only eval set's own file is not checked at all.
    const alone = leakageOf([evalIndex()], [row('eval/test.jsonl', 1, EVAL[0]!)])
    expect(alone).toMatchObject({ checked: 0, exact: 0, evalSets: [{ name: 'test-set', ownRows: 1 }] })
  })

  it('counts each row once, at its strongest match, the first listed eval set winning ties', () => {
    const near = evalIndex('near', 'eval/near.jsonl', [
      'Maria has 23 ducks that lay eggs every morning and she sells the remainder at the farmers market for three dollars each.'
    ])
    const first = evalIndex('first', 'eval/a.jsonl')
    const second = evalIndex('second', 'eval/b.jsonl')
    const leakage = leakageOf([near, first, second], [row('data/train.jsonl', 1, EVAL[0]!)])
    expect(leakage).toMatchObject({ exact: 1, normalised: 0, nearDuplicate: 0 })
    expect(leakage.leaks[0]).toMatchObject({
      kind: 'exact',
      evalSet: 'first',
      evalRow: { file: 'eval/a.jsonl' }
    })
  })

  it('names the first eval row when the eval set repeats itself', () => {
    const index = evalIndex('dup', 'eval/dup.jsonl', ['Same question here?', 'Same question here?'])
    expect(index.match({ exactInput: 0, normalisedInput: 0, templateKey: '' })).toBeNull()
    const leakage = leakageOf([index], [row('data/train.jsonl', 9, 'Same question here?')])
    expect(leakage.leaks[0]?.evalRow).toEqual({ file: 'eval/dup.jsonl', line: 1 })
  })

  it('keeps a bounded list per kind and counts the rest', () => {
    const many = Array.from(
      { length: LEAKS_KEPT_PER_KIND + 7 },
      (_, i) => `question number ${i} about the weather`
    )
    const index = evalIndex('many', 'eval/many.jsonl', many)
    const leakage = leakageOf(
      [index],
      many.map((input, i) => row('data/train.jsonl', i + 1, input))
    )
    expect(leakage.exact).toBe(many.length)
    expect(leakage.leaks).toHaveLength(LEAKS_KEPT_PER_KIND)
    expect(leakage.leaksOmitted).toBe(7)
  })

  it('keeps sentence-start words as plain words in the cross-corpus key', () => {
    expect(leakKey('^janet has <n> ducks ^how many ^ <n>')).toBe('janet has <n> ducks how many ^ <n>')
    expect(leakKey('no marks here')).toBe('no marks here')
  })
})

const WORDS = ['apple', 'river', 'stone', 'music', 'window', 'garden', 'number', 'letter', 'cloud', 'paper']

/** An eval question of well over MIN_NEAR_DUPLICATE_TOKENS words; `i` picks its words, `n` its numbers. */
function question(i: number, n: number): string {
  const [a, b, c] = [WORDS[i % 10], WORDS[Math.floor(i / 10) % 10], WORDS[Math.floor(i / 100) % 10]]
  return `the farmer with the ${a} and the ${b} sold ${n} baskets of ${c} at the market for ${n + 2} dollars each`
}

/**
 * 120 eval questions, and a training set where each leaks three ways (exact, shouted with extra spaces, and
 * with other numbers), among clean rows and rows of the eval set's own file: more than LEAKS_KEPT_PER_KIND
 * leaks of every kind, so which ones are listed depends on ordinals.
 */
function leakFixture(): { indexes: EvalIndex[]; rows: CheckedRow[] } {
  const questions = Array.from({ length: 120 }, (_, i) => question(i, 16))
  const indexes = [evalIndex('many', 'eval/many.jsonl', questions), evalIndex('small', 'eval/small.jsonl')]
  const rows: Row[] = []
  const add = (file: string, input: string) => rows.push(row(file, rows.length + 1, input))
  questions.forEach((text, i) => {
    add('data/train.jsonl', `clean row ${i} about nothing in particular`)
    if (i % 3 !== 1) add('data/train.jsonl', text)
    if (i % 3 !== 2) add('data/train.jsonl', `  ${text.toUpperCase()}  `)
    if (i % 3 !== 0) add('data/train.jsonl', question(i, 40 + i))
    if (i % 10 === 0) add('eval/small.jsonl', `own row ${i}`)
  })
  return { indexes, rows: addedRows(rows) }
}

/** Splits rows into disjoint shards by a hash of the row, so every shard's ordinals interleave. */
function shardsOf(rows: readonly CheckedRow[], count: number): CheckedRow[][] {
  const shards: CheckedRow[][] = Array.from({ length: count }, () => [])
  for (const r of rows) shards[r.row.contentHash % count]!.push(r)
  return shards
}

/** What a shard writes and the merge reads back: the state through JSON. */
function throughJson(indexes: readonly EvalIndex[], check: LeakageCheck): LeakageCheck {
  return LeakageCheck.fromState(indexes, JSON.parse(JSON.stringify(check.toState())) as LeakageState)
}

describe('LeakageCheck partial states and merging', () => {
  const { indexes, rows } = leakFixture()
  const single = checkOf(indexes, rows)
  const expected = single.result()

  it('is a fixture with more leaks of every kind than are listed', () => {
    expect(expected.exact).toBe(80)
    expect(expected.normalised).toBe(80)
    expect(expected.nearDuplicate).toBe(80)
    expect(expected.leaks).toHaveLength(3 * LEAKS_KEPT_PER_KIND)
    expect(expected.leaksOmitted).toBe(3 * (80 - LEAKS_KEPT_PER_KIND))
    expect(expected.evalSets).toEqual([
      { name: 'many', rows: 120, ownRows: 0 },
      { name: 'small', rows: 5, ownRows: 12 }
    ])
  })

  for (const count of [2, 3, 4]) {
    it(`merges ${count} shards' states read back from JSON into exactly the single-run result`, () => {
      const shards = shardsOf(rows, count)
      for (const shard of shards) expect(shard.length).toBeGreaterThan(50)
      const restored = shards.map(shard => throughJson(indexes, checkOf(indexes, shard)))
      const merged = restored[0]!
      for (const other of restored.slice(1)) merged.mergeFrom(other)
      expect(merged.result()).toEqual(expected)
      expect(merged.toState()).toEqual(single.toState())
    })
  }

  it('gives the same result whichever shard the others merge into', () => {
    const checks = shardsOf(rows, 3).map(shard => checkOf(indexes, shard))
    const [first, second, third] = checks as [LeakageCheck, LeakageCheck, LeakageCheck]
    third.mergeFrom(second)
    third.mergeFrom(first)
    expect(third.result()).toEqual(expected)
  })

  it('lists the smallest ordinals of each kind, whatever order rows arrive in', () => {
    expect(checkOf(indexes, [...rows].reverse()).result()).toEqual(expected)
    const firstExact = rows.find(r => r.row.input === question(0, 16))!
    expect(expected.leaks[0]).toMatchObject({ kind: 'exact', row: { line: firstExact.row.line } })
  })

  it('keeps taking rows after a restore, as if it had never been written out', () => {
    const restored = throughJson(indexes, checkOf(indexes, rows.slice(0, 200)))
    for (const { row: r, keys, ordinal } of rows.slice(200)) restored.check(r, keys, ordinal)
    expect(restored.result()).toEqual(expected)
  })

  it('writes a state that is plain JSON, with ordinals beside the listed leaks', () => {
    const state = single.toState()
    expect(JSON.parse(JSON.stringify(state))).toEqual(state)
    expect(state).toMatchObject({
      checked: expected.checked,
      counts: { exact: 80, normalised: 80, 'near-duplicate': 80 },
      ownRows: [0, 12],
      omitted: expected.leaksOmitted
    })
    const ordinals = state.kept.exact.map(entry => entry.ordinal)
    expect(ordinals).toEqual([...ordinals].sort((x, y) => x - y))
    expect(expected.leaks.every(leak => !('ordinal' in leak))).toBe(true)
  })

  it('refuses to merge checks against other eval sets, or a check with itself', () => {
    const other = new LeakageCheck([indexes[0]!])
    expect(() => single.mergeFrom(other)).toThrow('different eval sets')
    expect(() => single.mergeFrom(single)).toThrow('itself')
  })

  it('refuses a state for other eval sets, or whose omitted count disagrees with its lists', () => {
    const state = single.toState()
    expect(() => LeakageCheck.fromState([indexes[0]!], state)).toThrow('2 eval sets')
    expect(() => LeakageCheck.fromState(indexes, { ...state, omitted: 0 })).toThrow('omits 0')
  })

  it('rejects a row without a usable ordinal', () => {
    const { row: r, keys } = rows[0]!
    expect(() => new LeakageCheck(indexes).check(r, keys, Number.NaN)).toThrow('ordinal')
    expect(() => new LeakageCheck(indexes).check(r, keys, -1)).toThrow('ordinal')
  })
})

describe('DatasetAnalysis.addHead', () => {
  it('tells the caller which rows are added, with the keys it computed, and null for unchanged rows', () => {
    const analysis = new DatasetAnalysis({ ...DEFAULT_PATTERNS })
    const kept = row('d.jsonl', 1, 'How do I boil an egg?')
    analysis.addBase(kept)
    expect(analysis.addHead({ ...kept })).toBeNull()
    const added = analysis.addHead(row('d.jsonl', 2, 'Janet has 3 ducks.'))
    // The row's position in the dataset: the base row was 0, the unchanged head row 1.
    expect(added).toEqual({
      ordinal: 2,
      exactInput: expect.any(Number),
      normalisedInput: expect.any(Number),
      templateKey: '^janet has <n> ducks'
    })
  })
})
