// Property-based tests (fast-check) for the three places where arbitrary input meets the pipeline: the readers
// (any bytes), the key cascade (any texts) and the markdown escaping (any string). Each property runs a bounded
// number of cases from a fixed seed, so the suite stays fast and a failure reproduces.

import { hash53 } from '../src/analysis/hash.js'
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { DatasetAnalysis } from '../src/analysis/dataset-analysis.js'
import { ProperNounEvidence, nameHash } from '../src/analysis/proper-nouns.js'
import { SLOT_NAME, mayOpenAsciiQuote, pushFolded } from '../src/analysis/text-keys.js'
import { DEFAULT_PATTERNS } from '../src/config/defaults.js'
import { readRecords } from '../src/readers/records.js'
import { readRows } from '../src/readers/rows.js'
import { escapeHtml, escapeInline } from '../src/report/escape.js'
import type { DataFormat, Row } from '../src/types.js'
import { collect } from './fixtures/readers/byte-sources.js'
import { decodeEntities, htmlTagNames } from './helpers/markdown-inspect.js'

const SEED = 20_250_101
const READER_RUNS = 150
const CASCADE_RUNS = 25
const ESCAPE_RUNS = 300

/** Delivers the bytes in the chunk sizes the case chose, so splits fall inside characters and lines. */
async function* chunked(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes.length > 0 ? (sizes[i % sizes.length] as number) : bytes.length
    yield bytes.slice(at, at + size)
    at += size
  }
}

const LINE_PIECES = [
  '',
  '   ',
  '\r',
  '{',
  '}',
  '[1, 2]',
  'null',
  '{"prompt": "a", "response": "b"}',
  '{"prompt": "cut',
  '{"prompt": 3}',
  '{"messages": [{"role": "user", "content": "hi"}]}',
  '"a,b",c',
  '\u2028',
  '\ufeff',
  'é',
  '\u0000'
]

/** Text that looks like a dataset often enough to reach the parsers, and bytes that do not. */
const datasetBytes = fc.oneof(
  fc.uint8Array({ maxLength: 400 }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom(...LINE_PIECES),
        fc.json({ maxDepth: 2 }),
        fc.string({ unit: 'binary', maxLength: 20 })
      ),
      { maxLength: 25 }
    )
    .chain(lines =>
      fc
        .constantFrom('\n', '\r\n')
        .map(eol => Buffer.from(lines.join(eol) + (lines.length % 2 ? eol : ''), 'utf8'))
    ),
  fc
    .tuple(fc.uint8Array({ maxLength: 60 }), fc.uint8Array({ maxLength: 60 }))
    .map(([a, b]) => Buffer.concat([Buffer.from('{"prompt": "'), a, Buffer.from('"}\n'), b]))
)
const chunkSizes = fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 5 })

/** 1-based numbers of the lines a JSON Lines reader must account for: every line that is not blank. */
function contentLines(bytes: Uint8Array): number[] {
  let buffer = Buffer.from(bytes)
  if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) buffer = buffer.subarray(3)
  const out: number[] = []
  let line = 1
  let blank = true
  let any = false
  for (const byte of buffer) {
    if (byte === 0x0a) {
      if (!blank) out.push(line)
      line++
      blank = true
      any = false
      continue
    }
    any = true
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) blank = false
  }
  if (any && !blank) out.push(line)
  return out
}

describe('readers on arbitrary bytes', () => {
  it('JSON Lines: never throws, and gives exactly one row or error per non-blank line, or one fatal item', async () => {
    await fc.assert(
      fc.asyncProperty(datasetBytes, chunkSizes, async (bytes, sizes) => {
        const items = await collect(readRows(chunked(bytes, sizes), { file: 'f.jsonl', format: 'jsonl' }))
        const fatal = items.filter(i => i.kind === 'error' && i.fatal)
        if (fatal.length > 0) {
          expect(items).toEqual([{ kind: 'error', reason: expect.any(String), fatal: true }])
          return
        }
        const lines = items.map(i => (i.kind === 'row' ? i.row.line : i.line))
        expect(lines).toEqual(contentLines(bytes))
      }),
      { numRuns: READER_RUNS, seed: SEED }
    )
  })

  it.each<DataFormat>(['json', 'csv', 'tsv', 'parquet'])(
    '%s: never throws; lines are in order, within the file, and a fatal item comes last',
    async format => {
      await fc.assert(
        fc.asyncProperty(datasetBytes, chunkSizes, async (bytes, sizes) => {
          const items = await collect(readRecords(chunked(bytes, sizes), format))
          const lineCount = Buffer.from(bytes).filter(b => b === 0x0a).length + 1
          const lines = items.flatMap(i => (i.kind === 'fatal' ? [] : [i.line]))
          for (const line of lines) {
            expect(line).toBeGreaterThanOrEqual(1)
            // Parquet numbers rows, not lines; text formats never point past the end of the file.
            if (format !== 'parquet') expect(line).toBeLessThanOrEqual(lineCount)
          }
          expect(lines).toEqual([...lines].sort((a, b) => a - b))
          const fatal = items.findIndex(i => i.kind === 'fatal')
          if (fatal >= 0) expect(fatal).toBe(items.length - 1)
        }),
        { numRuns: format === 'parquet' ? 40 : READER_RUNS, seed: SEED }
      )
    }
  )
})

const WORDS = ['what', 'is', 'the', 'capital', 'of', 'France', 'Alice', 'has', 'apples', 'how', 'do', 'I']
/** Inputs that fold at every level: cases, spaces, digits, punctuation, accents, names, near-duplicates. */
const input = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc
    .tuple(
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 99 }),
      fc.constantFrom('+', '-', ' plus ')
    )
    .map(([a, b, op]) => `What is ${a}${op}${b}?`),
  fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 8 }).chain(words =>
    fc
      .constantFrom(
        (s: string) => s,
        (s: string) => s.toUpperCase(),
        (s: string) => `  ${s}!!`,
        (s: string) => s.replace(/a/g, 'á')
      )
      .map(f => f(words.join(' ')))
  )
)

const row = (text: string, line: number): Row => ({
  file: 'f.jsonl',
  line,
  input: text,
  output: '',
  provenance: 'unknown',
  contentHash: hash53(JSON.stringify([text, line]))
})

describe('the key cascade', () => {
  it('never has more unique keys at a level than at the one above it', () => {
    fc.assert(
      fc.property(fc.array(input, { minLength: 1, maxLength: 60 }), inputs => {
        const analysis = new DatasetAnalysis({ ...DEFAULT_PATTERNS }, { sampleSize: 0, reference: null })
        inputs.forEach((text, i) => analysis.addHead(row(text, i + 1)))
        const u = analysis.finish({ base: false, head: true }).head!.unique
        expect(u.exact).toBeLessThanOrEqual(inputs.length)
        expect(u.normalised).toBeLessThanOrEqual(u.exact)
        expect(u.canonical).toBeLessThanOrEqual(u.normalised)
        expect(u.template).toBeLessThanOrEqual(u.canonical)
        expect(u.pattern).toBeLessThanOrEqual(u.template)
        expect(u.pattern).toBeGreaterThanOrEqual(1)
      }),
      { numRuns: CASCADE_RUNS, seed: SEED }
    )
  })
})

const HOSTILE_PIECES = [
  '@',
  '#',
  'octocat',
  'org/team',
  '123',
  'owner/repo',
  'GH-',
  'gh-',
  '<',
  '>',
  '/',
  '</details>',
  'script',
  'img src=x onerror=alert(1)',
  'javascript:',
  '](',
  '[',
  ')',
  '|',
  '\n',
  '\r',
  '\u2028',
  '\u200b',
  '\u202e',
  '\ufeff',
  'www.',
  'https:',
  '//',
  ':',
  '`',
  '&',
  '#64;',
  '&#35;',
  ';',
  '\\',
  '!',
  '$',
  ' '
]
const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ unit: 'binary', maxLength: 6 })), {
    maxLength: 40
  })
  .map(pieces => pieces.join(''))

/** What GitHub's post-processing sees: backslash escapes resolved and entities decoded, our breaks kept. */
const rendered = (escaped: string) => decodeEntities(escaped.replace(/\\([!-/:-@[-`{-~])/g, '$1'))

function expectInert(escaped: string): void {
  expect(htmlTagNames(escaped)).toEqual([])
  expect(escaped).not.toMatch(/[<>\n\r|]|[\p{Cc}\p{Cf}]/u)
  const text = rendered(escaped)
  // A mention or reference needs the name or number right after the sign; ours always has a zero-width break.
  expect(text).not.toMatch(/[@#](?!\u200b)/)
  expect(text).not.toMatch(/:\/\/|www\.|gh-\d/i)
}

describe('the quote filter of the template scanner', () => {
  it('answers as the quote pattern does on ASCII text with slot marks', () => {
    const pattern = /["“„«‹「『]|(?<=^|[\s([{])['‘]/u
    const characters = fc.constantFrom(
      ...'ab \'"([{)]}.,\t\n\u000b\f\r_x1'.split(''),
      ...'\ue001\ue002\ue003\ue004\ue005'.split('')
    )
    fc.assert(
      fc.property(fc.array(characters, { maxLength: 40 }), chars => {
        const text = chars.join('')
        expect(mayOpenAsciiQuote(text)).toBe(pattern.test(text))
      }),
      { seed: SEED, numRuns: 2000 }
    )
  })
})

describe('resolving sentence-start words', () => {
  it('gives what the pattern-based resolver gave', () => {
    const evidence = new ProperNounEvidence()
    // Alice and Bob are names (seen capitalised mid-sentence only), "the" is a plain word, "may" is both.
    for (const name of ['alice', 'bob', 'may']) evidence.observeName(nameHash(name))
    evidence.observeKey('the may may may may may may may may may may the', 1)
    const isProperNoun = (word: string): boolean =>
      (evidence as unknown as { isProperNoun(word: string): boolean }).isProperNoun(word)
    const pattern = /(^| )\^([^ ]+)/g
    const reference = (key: string): string => {
      if (!key.includes('^')) return key
      let names = false
      for (const match of key.matchAll(pattern)) names ||= isProperNoun(match[2] as string)
      if (!names) return key.replace(pattern, '$1$2')
      const out: string[] = []
      for (const token of key.split(' ')) {
        const word = token.length > 1 && token.startsWith('^') ? token.slice(1) : null
        pushFolded(out, word === null ? token : isProperNoun(word) ? SLOT_NAME : word)
      }
      return out.join(' ')
    }
    const token = fc.constantFrom(
      '^alice',
      '^Alice',
      "^bob's",
      '^the',
      '^may',
      'the',
      'alice',
      '^',
      '^^',
      '^^the',
      'x^2',
      '<name>',
      '<n>',
      '',
      'a^'
    )
    fc.assert(
      fc.property(fc.array(token, { maxLength: 12 }), tokens => {
        const key = tokens.join(' ')
        expect(evidence.resolveKey(key)).toBe(reference(key))
      }),
      { seed: SEED, numRuns: 3000 }
    )
  })
})

describe('escaping', () => {
  it('leaves no tag, mention, reference, autolink, line break or pipe in inline markdown', () => {
    fc.assert(
      fc.property(hostileText, fc.integer({ min: 1, max: 200 }), (text, max) => {
        const escaped = escapeInline(text, max)
        expectInert(escaped)
        expect([...rendered(escaped).replace(/\u200b/g, '')].length).toBeLessThanOrEqual(max)
        expect(escaped).not.toContain('](')
      }),
      { numRuns: ESCAPE_RUNS, seed: SEED }
    )
  })

  it('does the same for raw HTML, without backslashes', () => {
    fc.assert(
      fc.property(hostileText, text => {
        const escaped = escapeHtml(text, 1000)
        expectInert(escaped)
        expect(escaped).not.toMatch(/[\\[\]()`]/)
      }),
      { numRuns: ESCAPE_RUNS, seed: SEED }
    )
  })
})
