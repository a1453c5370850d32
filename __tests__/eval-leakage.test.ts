import { describe, expect, it } from '@jest/globals'
import { DatasetAnalysis } from '../src/analysis/dataset-analysis.js'
import {
  EvalIndex,
  LEAKS_KEPT_PER_KIND,
  LeakageCheck,
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
    content: JSON.stringify([file, line, input])
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

/** Feeds training rows through the analysis, so the leak check gets the keys the pipeline gives it. */
function leakageOf(indexes: EvalIndex[], rows: Row[]) {
  const analysis = new DatasetAnalysis({ ...DEFAULT_PATTERNS }, { sampleSize: 0, reference: null })
  const check = new LeakageCheck(indexes)
  for (const r of rows) {
    const added = analysis.addHead(r)
    if (added) check.check(r, added)
  }
  return check.result()
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

describe('DatasetAnalysis.addHead', () => {
  it('tells the caller which rows are added, with the keys it computed, and null for unchanged rows', () => {
    const analysis = new DatasetAnalysis({ ...DEFAULT_PATTERNS })
    const kept = row('d.jsonl', 1, 'How do I boil an egg?')
    analysis.addBase(kept)
    expect(analysis.addHead({ ...kept })).toBeNull()
    const added = analysis.addHead(row('d.jsonl', 2, 'Janet has 3 ducks.'))
    expect(added).toEqual({
      exactInput: expect.any(Number),
      normalisedInput: expect.any(Number),
      templateKey: '^janet has <n> ducks'
    })
  })
})
