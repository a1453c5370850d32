// The example texts a report shows, read back from git after an unsharded run (example-texts.ts): each must be
// the snippet of the row at its place, read from the right commit, for every format. The sharded run keeps its
// texts from the row stream itself, so "a merge of shards gives the same report" is the oracle throughout.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { EXAMPLE_SNIPPET_LENGTH, textSnippet } from '../src/analysis/snippet.js'
import { parseConfig } from '../src/config/load-config.js'
import { readInputsAt } from '../src/readers/rows.js'
import { analyseRun, reportOf, runCheck, type CheckOptions } from '../src/run-check.js'
import type { DatasetReport, PatternSummary, Report } from '../src/types.js'
import { tempRepo, type TempRepo } from './fixtures/git/temp-repo.js'

function jsonl(rows: object[]): string {
  return rows.map(r => JSON.stringify(r)).join('\n') + '\n'
}

function csvField(text: string): string {
  return `"${text.replace(/"/g, '""')}"`
}

// Templated rows (so patterns have several examples), rows with long inputs (cut to a snippet), and rows whose
// text spans lines in CSV (so a record's line is not its physical line).
function prompts(count: number, offset: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + offset
    if (n % 5 === 0) return `Summarise this note, number ${n}:\n"${'a long line of text '.repeat(20)}"`
    if (n % 5 === 1) return `Translate "good morning number ${n}" into French`
    return `What is ${n} + ${n % 7}?`
  })
}

const config = parseConfig(
  [
    'datasets:',
    '  - name: chat',
    '    paths: ["data/chat.jsonl"]',
    '    fields: { input: [messages.0.content] }',
    '  - name: table',
    '    paths: ["data/table.csv"]'
  ].join('\n'),
  'test.yml'
)

let repo: TempRepo
let options: CheckOptions
let fresh: Report
const files: Record<'base' | 'head', Map<string, string[]>> = { base: new Map(), head: new Map() }

/** Writes a dataset file and remembers its rows' inputs by line, as the oracle of where each example is. */
function write(side: 'base' | 'head', inputs: string[]): void {
  repo.write('data/chat.jsonl', jsonl(inputs.map(text => ({ messages: [{ role: 'user', content: text }] }))))
  // JSONL rows are one per line: the inputs by line number (1-based).
  files[side].set('data/chat.jsonl', ['', ...inputs])
  const csv = ['prompt,response', ...inputs.map(text => `${csvField(text)},ok`)].join('\n') + '\n'
  repo.write('data/table.csv', csv)
  // A CSV record is numbered by the line it starts on, and a record with a line break inside takes two.
  const byLine: string[] = []
  let line = 2
  for (const text of inputs) {
    byLine[line] = text
    line += text.split('\n').length
  }
  files[side].set('data/table.csv', byLine)
}

beforeAll(async () => {
  repo = tempRepo()
  write('base', prompts(60, 0))
  const base = repo.commit('base')
  // New rows go first, so every unchanged row's line moves: a head example read from the base would be wrong.
  write('head', [...prompts(25, 1000), ...prompts(60, 0)])
  const head = repo.commit('head')
  options = { repo: repo.dir, base, head, config }
  fresh = await runCheck(options)
})

afterAll(() => repo.cleanup())

function summaries(dataset: DatasetReport): { side: 'base' | 'head'; pattern: PatternSummary }[] {
  return [
    ...(dataset.base?.largestPatterns ?? []).map(pattern => ({ side: 'base' as const, pattern })),
    ...[...(dataset.head?.largestPatterns ?? []), ...dataset.change.largestAddedPatterns].map(pattern => ({
      side: 'head' as const,
      pattern
    }))
  ]
}

describe('example texts read back from git', () => {
  it.each(['chat', 'table'])('%s: each is the snippet of the row at its place in its commit', name => {
    const dataset = fresh.datasets.find(d => d.name === name)!
    const all = summaries(dataset)
    expect(all.length).toBeGreaterThanOrEqual(6)
    let cut = 0
    for (const { side, pattern } of all) {
      expect(pattern.exampleTexts).toHaveLength(pattern.examples.length)
      pattern.examples.forEach(({ file, line }, i) => {
        const input = files[side].get(file)![line]!
        expect(pattern.exampleTexts[i]).toBe(textSnippet(input, EXAMPLE_SNIPPET_LENGTH))
        if (input.length > EXAMPLE_SNIPPET_LENGTH) cut++
      })
    }
    // The long rows are among the examples, so cutting to a snippet is exercised too.
    expect(cut).toBeGreaterThan(0)
  })

  it('gives exactly the texts that shards keep from the rows themselves', async () => {
    const partials = [
      await analyseRun(options, { index: 0, count: 2 }),
      await analyseRun(options, { index: 1, count: 2 })
    ]
    expect(await reportOf(partials, config)).toEqual(fresh)
  })
})

describe('readInputsAt', () => {
  async function* bytes(...chunks: string[]): AsyncGenerator<Uint8Array> {
    for (const chunk of chunks) yield Buffer.from(chunk)
  }

  it('parses only the JSONL lines asked for, and stops after the last', async () => {
    let chunksRead = 0
    // Each chunk is past the 8 KiB a reader first looks at for binary content, so reading ahead stops there.
    const long = 'x'.repeat(9000)
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of bytes(
        `{"prompt":"one"}\nnot json at all\n{"prompt":"${long}"}\n`,
        `{"prompt":"four"}\n{"prompt":"${long}"}\n`,
        `{"prompt":"six"}\n{"prompt":"${long}"}\n`,
        '{"prompt":"eight"}\n'
      )) {
        chunksRead++
        yield chunk
      }
    }
    const found = []
    for await (const row of readInputsAt(counted(), { format: 'jsonl' }, new Set([4, 1]))) found.push(row)
    // Line 2 is broken but not asked for: no error, nothing for it.
    expect(found).toEqual([
      { line: 1, input: 'one' },
      { line: 4, input: 'four' }
    ])
    expect(chunksRead).toBe(2)
  })

  it('skips an asked-for line that holds no readable row', async () => {
    const found = []
    const source = bytes('{"prompt":"one"}\n{"prompt":\n{"other":1}\n{"prompt":"four"}\n')
    for await (const row of readInputsAt(source, { format: 'jsonl' }, new Set([2, 3, 4]))) found.push(row)
    expect(found).toEqual([{ line: 4, input: 'four' }])
  })

  it('numbers CSV rows as the row reader does', async () => {
    const found = []
    const source = bytes('prompt,response\n"two\nlines",x\nthird,y\n')
    for await (const row of readInputsAt(source, { format: 'csv' }, new Set([4]))) found.push(row)
    expect(found).toEqual([{ line: 4, input: 'third' }])
  })
})
