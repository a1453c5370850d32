import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import type { PatternParameters } from '../src/config/types.js'
import { hash32 } from '../src/analysis/hash.js'
import {
  jaccard,
  jaccardAtLeast,
  minHashSalts,
  shingleBound,
  shingles,
  writeMinHashSignature,
  writeShingles
} from '../src/analysis/minhash.js'
import { clusterPatterns, DEFAULT_PATTERN_PARAMETERS, SwapMasks } from '../src/analysis/patterns.js'
import { referenceSwapMasks } from './helpers/swap-masks-reference.js'
import { ProperNounEvidence } from '../src/analysis/proper-nouns.js'
import { templateScan } from '../src/analysis/text-keys.js'
import { UnionFind } from '../src/analysis/union-find.js'
import { mulberry32 } from '../src/analysis/random.js'

const fixture = (name: string): string[] =>
  readFileSync(new URL(`./fixtures/analysis/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter(line => line.length > 0)

/** Template keys -> pattern id per row, through the whole cascade. */
function rowPatterns(texts: string[], params: PatternParameters = DEFAULT_PATTERN_PARAMETERS): number[] {
  const evidence = new ProperNounEvidence()
  const scans = texts.map(templateScan)
  for (const scan of scans) evidence.observe(scan.key, scan.names)
  const keyIds = new Map<string, number>()
  const rowKeys = scans.map(scan => {
    const key = evidence.resolveKey(scan.key)
    let id = keyIds.get(key)
    if (id === undefined) keyIds.set(key, (id = keyIds.size))
    return id
  })
  const patterns = clusterPatterns([...keyIds.keys()], params)
  return rowKeys.map(id => patterns[id]!)
}

/** Partition as a list of sorted member lists, comparable with toEqual whatever the ids. */
function partition(ids: ArrayLike<number>): number[][] {
  const groups = new Map<number, number[]>()
  for (let i = 0; i < ids.length; i++) {
    const group = groups.get(ids[i]!) ?? []
    group.push(i)
    groups.set(ids[i]!, group)
  }
  return [...groups.values()].sort((a, b) => a[0]! - b[0]!)
}

describe('shingles', () => {
  it('hashes word 3-grams, sorted and unique', () => {
    const set = shingles('a b c a b c', 3)
    const expected = [...new Set(['a b c', 'b c a', 'c a b'].map(s => hash32(s)))].sort((x, y) => x - y)
    expect([...set]).toEqual(expected)
  })
  it('makes a short key one shingle and never an empty set', () => {
    expect([...shingles('hi there', 3)]).toEqual([hash32('hi there')])
    expect([...shingles('', 3)]).toEqual([hash32('')])
  })
  it('writes the sets of any keys one after another in one buffer, as the word n-grams define them', () => {
    // The definition, with strings: the n-grams of key.split(' '), joined by spaces, hashed, sorted, unique.
    const reference = (key: string, size: number): number[] => {
      const tokens = key.split(' ')
      if (key === '' || tokens.length < size) return [hash32(key)]
      const grams = tokens
        .slice(0, tokens.length - size + 1)
        .map((_, i) => tokens.slice(i, i + size).join(' '))
      return [...new Set(grams.map(gram => hash32(gram)))].sort((x, y) => x - y)
    }
    const key = fc
      .array(fc.constantFrom('a', 'b', 'c', 'dd', '<n>', ''), { maxLength: 12 })
      .map(tokens => tokens.join(' '))
    fc.assert(
      fc.property(fc.array(key, { maxLength: 6 }), fc.integer({ min: 1, max: 4 }), (keys, size) => {
        const out = new Uint32Array(keys.reduce((sum, k) => sum + shingleBound(k, size), 0))
        let used = 0
        for (const k of keys) {
          const count = writeShingles(k, size, out, used)
          expect([...out.subarray(used, used + count)]).toEqual(reference(k, size))
          expect([...shingles(k, size)]).toEqual(reference(k, size))
          used += count
        }
      }),
      { numRuns: 2000 }
    )
  })
  it('gives exact Jaccard on the sets', () => {
    const a = shingles('w1 w2 w3 w4 w5 w6', 3)
    const b = shingles('w1 w2 w3 w4 w5 w7', 3)
    expect(jaccard(a, b)).toBeCloseTo(3 / 5)
    expect(jaccard(a, a)).toBe(1)
  })
})

describe('jaccardAtLeast', () => {
  it('agrees with the exact Jaccard on every threshold, stopping early or not', () => {
    const next = mulberry32(9)
    for (let trial = 0; trial < 2_000; trial++) {
      const pool = 2 + Math.floor(next() * 40)
      const draw = (): Uint32Array =>
        Uint32Array.from(
          new Set(Array.from({ length: Math.floor(next() * 30) }, () => Math.floor(next() * pool)))
        ).sort()
      const a = draw()
      const b = draw()
      const data = Uint32Array.from([...a, ...b])
      for (const threshold of [0.1, 1 / 3, 0.5, 0.6, 0.75, 1]) {
        const expected = jaccard(a, b) >= threshold
        expect(jaccardAtLeast(data, 0, a.length, a.length, data.length, threshold)).toBe(expected)
      }
    }
  })
})

describe('UnionFind', () => {
  it('joins sets and numbers them by first element', () => {
    const sets = new UnionFind(6)
    expect(sets.union(4, 1)).toBe(true)
    expect(sets.union(1, 4)).toBe(false)
    sets.union(5, 2)
    sets.union(2, 4)
    expect([...sets.denseIds()]).toEqual([0, 1, 1, 2, 1, 1])
  })
})

describe('clusterPatterns: MinHash LSH against exact all-pairs Jaccard', () => {
  // 2,000 keys: groups of a base key and 1-4 variants with a few words replaced, so pairs fall anywhere from
  // Jaccard 0 to 0.9, and many just above the 0.5 threshold where LSH is weakest.
  function plantedKeys(seed: number): string[] {
    const next = mulberry32(seed)
    const word = (): string => `w${Math.floor(next() * 1e9).toString(36)}`
    const keys: string[] = []
    while (keys.length < 2_000) {
      const length = 10 + Math.floor(next() * 30)
      const base = Array.from({ length }, word)
      keys.push(base.join(' '))
      const variants = 1 + Math.floor(next() * 4)
      for (let v = 0; v < variants; v++) {
        const variant = base.slice()
        const edits = 1 + Math.floor(next() * Math.max(1, length / 8))
        for (let e = 0; e < edits; e++) variant[Math.floor(next() * length)] = word()
        keys.push(variant.join(' '))
      }
    }
    return keys
  }

  it.each([11, 12])('puts >= 95%% of the pairs at Jaccard >= 0.5 in one pattern (seed %i)', seed => {
    const keys = plantedKeys(seed)
    const sets = keys.map(key => shingles(key, DEFAULT_PATTERN_PARAMETERS.shingleSize))
    const ids = clusterPatterns(keys, DEFAULT_PATTERN_PARAMETERS)
    let similar = 0
    let similarJoined = 0
    let nearThreshold = 0
    for (let i = 0; i < keys.length; i++) {
      for (let j = i + 1; j < keys.length; j++) {
        const similarity = jaccard(sets[i]!, sets[j]!)
        if (similarity < 0.5) continue
        similar++
        if (ids[i] === ids[j]) similarJoined++
        if (similarity < 0.6) nearThreshold++
      }
    }
    expect(nearThreshold).toBeGreaterThan(similar / 4)
    expect(similarJoined / similar).toBeGreaterThanOrEqual(0.95)
  })

  it('finds every verified candidate pair, even in giant buckets of mixed keys', () => {
    // One template with many positions varied, so thousands of keys share band values while a good part of
    // the pairs in a bucket fail verification; plus unrelated keys. The reference checks every pair.
    const next = mulberry32(5)
    const base = Array.from({ length: 14 }, (_, i) => `t${i}`)
    const keys = new Set<string>()
    while (keys.size < 1_200) {
      const variant = base.slice()
      for (let edit = 0; edit < 2; edit++) variant[Math.floor(next() * 14)] = `x${Math.floor(next() * 40)}`
      keys.add(variant.join(' '))
    }
    while (keys.size < 1_500) keys.add(`u${Math.floor(next() * 1e6)} v${Math.floor(next() * 50)} t1 t2 t3`)
    const list = [...keys]
    const params = DEFAULT_PATTERN_PARAMETERS
    const expected = referencePatterns(list, params)
    expect(partition(clusterPatterns(list, params))).toEqual(partition(expected))
    expect(new Set(expected).size).toBeGreaterThan(1)
    expect(new Set(expected).size).toBeLessThan(list.length / 2)
  })

  it('joins thousands of keys that share band values without comparing every pair', () => {
    const keys = Array.from(
      { length: 20_000 },
      (_, i) => `please write a detailed and friendly note about item${i} for the monthly team newsletter`
    )
    const started = Date.now()
    const ids = clusterPatterns(keys, DEFAULT_PATTERN_PARAMETERS)
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(new Set(ids).size).toBe(1)
  })
})

/**
 * The pattern partition by brute force over every pair: a pair is joined when it shares all rows of some
 * band of the MinHash signature and verifies, or when one consistent word swap turns one key into the other.
 */
function referencePatterns(keys: string[], params: PatternParameters): Int32Array {
  const sets = keys.map(key => shingles(key, params.shingleSize))
  const salts = minHashSalts(params.bands * params.rowsPerBand, params.seed)
  const signatures = sets.map(set => {
    const signature = new Uint32Array(salts.length)
    writeMinHashSignature(set, 0, set.length, salts, signature)
    return signature
  })
  const tokens = keys.map(key => key.split(' '))
  const components = new UnionFind(keys.length)
  for (let i = 0; i < keys.length; i++) {
    for (let j = i + 1; j < keys.length; j++) {
      let candidate = false
      for (let band = 0; band < params.bands && !candidate; band++) {
        candidate = true
        for (let row = band * params.rowsPerBand; row < (band + 1) * params.rowsPerBand; row++) {
          if (signatures[i]![row] !== signatures[j]![row]) candidate = false
        }
      }
      const verified = candidate && jaccard(sets[i]!, sets[j]!) >= params.jaccard
      if (verified || isOneWordSwap(tokens[i]!, tokens[j]!)) components.union(i, j)
    }
  }
  return components.denseIds()
}

function isOneWordSwap(a: string[], b: string[]): boolean {
  if (a.length !== b.length || a.length > 256) return false
  const at = a.findIndex((token, i) => token !== b[i])
  if (at === -1) return false
  const [from, to] = [a[at]!, b[at]!]
  if (/^<.+>$/u.test(from) || /^<.+>$/u.test(to)) return false
  let occurrences = 0
  for (let i = 0; i < a.length; i++) {
    if ((a[i] === from) !== (b[i] === to)) return false
    if (a[i] === from) occurrences++
    else if (a[i] !== b[i]) return false
  }
  return occurrences >= 2 || a.length >= 8
}

describe('clusterPatterns: recovering known templates', () => {
  const NAMES = [
    'Alice',
    'Bob',
    'Carlos',
    'Dana',
    'Emeka',
    'Fatima',
    'Grace',
    'Hiro',
    'Ivan',
    'Jasmine',
    'Kofi',
    'Lena',
    'Mateo',
    'Nadia',
    'Oscar',
    'Priya',
    'Quinn',
    'Rosa',
    'Sam',
    'Tariq',
    'Uma',
    'Victor',
    'Wen',
    'Ximena',
    'Yusuf',
    'Zoe'
  ]
  // Object words are ordinary lower-case words: the template key keeps them, so only the pattern level
  // can fold them.
  const OBJECTS = [
    'apples',
    'pencils',
    'marbles',
    'books',
    'cookies',
    'stickers',
    'oranges',
    'crayons',
    'cupcakes',
    'seashells',
    'coins',
    'cards',
    'balloons',
    'toys',
    'bottles',
    'muffins',
    'candles',
    'buttons',
    'stamps',
    'rocks',
    'lemons',
    'notebooks',
    'tomatoes',
    'kites'
  ]
  const NUMBER_WORDS = ['two', 'three', 'five', 'seven', 'twelve', 'twenty', 'forty-two']

  /** 50 instances of each of the 50 templates in the fixture, with names, numbers and objects filled in. */
  function labelledRows(seed: number): { text: string; template: number }[] {
    const next = mulberry32(seed)
    const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!
    const other = <T>(values: readonly T[], not: T): T => {
      for (;;) {
        const value = pick(values)
        if (value !== not) return value
      }
    }
    const number = (): string => {
      const form = next()
      if (form < 0.7) return String(1 + Math.floor(next() * (next() < 0.5 ? 20 : 2_000)))
      if (form < 0.85) return pick(NUMBER_WORDS)
      return (next() * 50).toFixed(1)
    }
    return fixture('templates.txt').flatMap((template, index) =>
      Array.from({ length: 50 }, () => {
        const name = pick(NAMES)
        const object = pick(OBJECTS)
        const text = template
          .replaceAll('{name}', name)
          .replaceAll('{name2}', other(NAMES, name))
          .replaceAll('{obj}', object)
          .replaceAll('{obj2}', other(OBJECTS, object))
          // Money, percentages and ratios take digits; elsewhere any written form of a number.
          .replace(/\$\{n\}|\{n\}(?=[%:])|(?<=:)\{n\}/gu, match =>
            match.replace('{n}', String(1 + Math.floor(next() * 99)))
          )
          .replace(/\{n\}/gu, number)
        return { text, template: index }
      })
    )
  }

  it.each([1, 2])('finds 50-75 patterns in 50 templates x 50 rows with precision >= 0.95 (seed %i)', seed => {
    const rows = labelledRows(seed)
    expect(rows).toHaveLength(2_500)
    const patterns = rowPatterns(rows.map(row => row.text))
    let pairs = 0
    let sameTemplate = 0
    for (let i = 0; i < rows.length; i++) {
      for (let j = i + 1; j < rows.length; j++) {
        if (patterns[i] !== patterns[j]) continue
        pairs++
        if (rows[i]!.template === rows[j]!.template) sameTemplate++
      }
    }
    const count = new Set(patterns).size
    expect(count).toBeGreaterThanOrEqual(50)
    expect(count).toBeLessThanOrEqual(75)
    expect(sameTemplate / pairs).toBeGreaterThanOrEqual(0.95)
  })

  it('needs the pattern level: template keys alone split the templates into hundreds', () => {
    const rows = labelledRows(1)
    const evidence = new ProperNounEvidence()
    const scans = rows.map(row => templateScan(row.text))
    for (const scan of scans) evidence.observe(scan.key, scan.names)
    expect(new Set(scans.map(scan => evidence.resolveKey(scan.key))).size).toBeGreaterThan(500)
  })
})

describe('clusterPatterns: independently written rows', () => {
  it('keeps a unique-pattern ratio >= 0.95 on human-style prompts', () => {
    const prompts = fixture('independent-prompts.txt')
    expect(prompts.length).toBeGreaterThanOrEqual(200)
    const patterns = rowPatterns(prompts)
    expect(new Set(patterns).size / prompts.length).toBeGreaterThanOrEqual(0.95)
  })
})

describe('clusterPatterns: determinism and shape', () => {
  it('gives identical ids for the same input, numbered by first appearance', () => {
    const keys = [
      'how many <n> apples does <name> have now that <name> gave some away',
      'write a haiku about autumn',
      'how many <n> pears does <name> have now that <name> gave some away',
      'tell me a joke about cats',
      'what is <n> + <n>'
    ]
    const first = clusterPatterns(keys, DEFAULT_PATTERN_PARAMETERS)
    const second = clusterPatterns([...keys], { ...DEFAULT_PATTERN_PARAMETERS })
    expect([...second]).toEqual([...first])
    expect([...first]).toEqual([0, 1, 0, 2, 3])
  })

  it('handles no keys, one key and empty keys', () => {
    expect([...clusterPatterns([], DEFAULT_PATTERN_PARAMETERS)]).toEqual([])
    expect([...clusterPatterns([''], DEFAULT_PATTERN_PARAMETERS)]).toEqual([0])
    expect([...clusterPatterns(['', 'hi'], DEFAULT_PATTERN_PARAMETERS)]).toEqual([0, 1])
  })

  it('joins keys one consistent word swap apart when the word recurs or the key has 8+ tokens', () => {
    const keys = [
      'we buy apples and eat apples daily', // 0
      'we buy pears and eat pears daily', // 1: the recurring word swapped everywhere -> 0
      'we buy apples and eat pears daily', // 2: swapped in one place only
      'please reuse old jars at home right now', // 3
      'please reuse old tins at home right now', // 4: 8 tokens, one word -> 3
      'please reuse new tins at home right now', // 5: two words away from 3, one from 4 -> 4
      'kindly mend old jars in the shed', // 6: 7 tokens
      'kindly mend old tins in the shed', // 7: 7 tokens, one word from 6: apart
      'please reuse new cans in a home right now' // 8: three words away from 5: apart
    ]
    const ids = clusterPatterns(keys, DEFAULT_PATTERN_PARAMETERS)
    expect(partition(ids)).toEqual([[0, 1], [2], [3, 4, 5], [6], [7], [8]])
  })

  it('keeps short keys that differ by one word apart', () => {
    const ids = clusterPatterns(['what is love', 'what is life', 'hi', 'hello'], DEFAULT_PATTERN_PARAMETERS)
    expect(new Set(ids).size).toBe(4)
  })

  it('rejects parameters it cannot use', () => {
    expect(() => clusterPatterns(['a'], { ...DEFAULT_PATTERN_PARAMETERS, bands: 0 })).toThrow(/bands/u)
    expect(() => clusterPatterns(['a'], { ...DEFAULT_PATTERN_PARAMETERS, jaccard: 1.5 })).toThrow(/jaccard/u)
  })

  it('clusters 200k distinct keys in a few seconds', () => {
    const next = mulberry32(3)
    const vocabulary = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}`)
    const word = (): string => vocabulary[Math.floor(next() ** 2 * vocabulary.length)]!
    const keys = new Set<string>()
    // Half templated (near-duplicates with a word slot and a number), half independent.
    while (keys.size < 100_000) {
      const base = Array.from({ length: 8 + Math.floor(next() * 20) }, word)
      for (let v = 0; v < 50; v++) {
        const variant = base.slice()
        variant[Math.floor(next() * base.length)] = word()
        variant[Math.floor(next() * base.length)] = '<n>'
        keys.add(variant.join(' '))
      }
    }
    while (keys.size < 200_000) keys.add(Array.from({ length: 2 + Math.floor(next() * 30) }, word).join(' '))
    const started = Date.now()
    const ids = clusterPatterns([...keys], DEFAULT_PATTERN_PARAMETERS)
    // A few seconds on a laptop; the bound leaves room for a loaded CI runner.
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(ids).toHaveLength(200_000)
  })
})

describe('SwapMasks', () => {
  const masksOf = (masks: SwapMasks, key: string): string[] => {
    const count = masks.of(key)
    return Array.from({ length: count }, (_, m) => `${masks.hash1[m]}/${masks.hash2[m]}`)
  }

  it('gives a key that differs in one word the same pair of hashes with that word masked, and only then', () => {
    const masks = new SwapMasks()
    const x = masksOf(masks, 'a b c d e f g x')
    const y = masksOf(masks, 'a b c d e f g y')
    expect(x).toHaveLength(8)
    expect(x.filter(pair => y.includes(pair))).toHaveLength(1)
    // A recurring word is masked at every place it occurs: swapping both `x` keeps the pair.
    const twice = masksOf(masks, 'x b x')
    expect(masksOf(masks, 'y b y').filter(pair => twice.includes(pair))).toHaveLength(1)
  })

  it('gives the hashes of the token-by-token implementation, in its order', () => {
    const masks = new SwapMasks()
    let seed = 99
    const next = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0)
    // Words, repeats, slots, operators, empty tokens (double and edge spaces), non-ASCII, and keys past 256 tokens.
    const tokens = ['a', 'b', 'cat', 'the', '<n>', '<name>', '+', '=', '', 'é', '日本', "it's", 'x^2', 'zz']
    const keys = [
      '',
      ' ',
      'a',
      'a ',
      ' a',
      'a  b',
      Array.from({ length: 300 }, (_, i) => `w${i % 7}`).join(' ')
    ]
    for (let k = 0; k < 3000; k++) {
      const count = next() % 20
      keys.push(Array.from({ length: count }, () => tokens[next() % tokens.length]).join(' '))
    }
    for (const key of keys) expect(masksOf(masks, key)).toEqual(referenceSwapMasks(key))
  })

  it('gives each lane its own values', () => {
    const masks = new SwapMasks()
    const a = masksOf(masks, 'a b c d e f g h').map(pair => pair.split('/')[1])
    const b = masksOf(masks, 'p q r s t u v w').map(pair => pair.split('/')[1])
    expect(a.filter(hash => b.includes(hash))).toEqual([])
  })
})
