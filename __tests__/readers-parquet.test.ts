import { contentHash } from '../src/readers/content-hash.js'
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readParquet } from '../src/readers/parquet.js'
import type { RecordItem } from '../src/readers/records.js'
import { readRows, type RowItem } from '../src/readers/rows.js'
import { collect, oneChunk, tinyChunks, utf8 } from './fixtures/readers/byte-sources.js'
import { tinyParquet } from './fixtures/readers/tiny-parquet.js'

const PROMPTS = [
  'How do I reverse a list in Python?',
  'Écris un poème sur la mer.',
  'What is 7 + 3?',
  'Summarise the plot of Hamlet in two sentences.',
  'Wie spät ist es in Tokio?',
  'Give me a recipe for pancakes 🥞',
  'Explain recursion to a five-year-old.',
  'List three prime numbers.',
  'Who wrote "Pride and Prejudice"?',
  'Convert 5 km to miles.',
  'Why is the sky blue?'
]

const rows = PROMPTS.map((prompt, i) => ({
  id: i === 3 ? Number.MAX_SAFE_INTEGER : 1000 + i,
  prompt,
  response: `Answer ${i + 1}`,
  source: i % 2 === 0 ? 'human' : 'synthetic'
}))

const columns = { id: 'int64', prompt: 'string', response: 'string', source: 'string' } as const

const expected: RecordItem[] = rows.map((record, i) => ({ kind: 'record', line: i + 1, record }))

describe('readParquet', () => {
  it('reads every row with its 1-based row number as the line, across row groups', async () => {
    const bytes = tinyParquet({ columns, rows, rowGroupSize: 4 })
    expect(await collect(readParquet(oneChunk(bytes)))).toEqual(expected)
  })

  it('turns INT64 into numbers and keeps strings as UTF-8 text', async () => {
    const items = await collect(readParquet(oneChunk(tinyParquet({ columns, rows }))))
    const fourth = items[3]
    expect(fourth?.kind === 'record' && fourth.record.id).toBe(Number.MAX_SAFE_INTEGER)
    expect(fourth?.kind === 'record' && typeof fourth.record.id).toBe('number')
    const sixth = items[5]
    expect(sixth?.kind === 'record' && sixth.record.prompt).toBe('Give me a recipe for pancakes 🥞')
  })

  it('reads slices of a row group through the offset index with the same result', async () => {
    const bytes = tinyParquet({ columns, rows, rowGroupSize: 6, pageSize: 2, offsetIndex: true })
    expect(await collect(readParquet(tinyChunks(bytes), { rowsPerRead: 2 }))).toEqual(expected)
    expect(await collect(readParquet(oneChunk(bytes), { rowsPerRead: 4 }))).toEqual(expected)
  })

  it('gives one fatal item for a file that is not Parquet', async () => {
    const items = await collect(readParquet(oneChunk(utf8('{"prompt": "not parquet at all"}\n'))))
    expect(items).toEqual([{ kind: 'fatal', reason: 'not a Parquet file (it does not start with PAR1)' }])
    expect(await collect(readParquet(oneChunk(new Uint8Array(0))))).toEqual([
      { kind: 'fatal', reason: 'not a Parquet file (too short)' }
    ])
  })

  it('gives one fatal item for a corrupt footer', async () => {
    const bytes = Buffer.from(tinyParquet({ columns, rows }))
    // Overwrite the footer's first bytes; the magic numbers stay.
    const footerLength = bytes.readUInt32LE(bytes.length - 8)
    bytes.fill(0xff, bytes.length - 8 - footerLength, bytes.length - 8 - footerLength + 8)
    const items = await collect(readParquet(oneChunk(bytes)))
    expect(items).toHaveLength(1)
    expect(items[0]?.kind === 'fatal' && items[0].reason).toMatch(/^corrupt Parquet file/)
  })

  it('names an unsupported compression codec', async () => {
    const ZSTD = 6
    const items = await collect(readParquet(oneChunk(tinyParquet({ columns, rows, codec: ZSTD }))))
    expect(items).toHaveLength(1)
    expect(items[0]?.kind === 'fatal' && items[0].reason).toMatch(/compression ZSTD is not supported/)
  })

  it('reports the rows it could not decode after the ones it read', async () => {
    const bytes = Buffer.from(
      tinyParquet({ columns: { prompt: 'string' }, rows: rows.slice(0, 6), rowGroupSize: 3 })
    )
    // Break the first page header of the second row group (the second page in the file).
    const secondPage = bytes.indexOf(Buffer.from('Summarise')) - 4
    bytes.fill(0xff, secondPage - 12, secondPage)
    const items = await collect(readParquet(oneChunk(bytes)))
    expect(items.slice(0, 3).map(item => item.kind)).toEqual(['record', 'record', 'record'])
    expect(items).toHaveLength(4)
    expect(items[3]?.kind === 'fatal' && items[3].reason).toMatch(/^rows 4-6 \(row group 2\) cannot be read/)
  })

  it('removes its temporary file, also when the reader is stopped early', async () => {
    // A private temp folder, so files of tests running in parallel cannot interfere.
    const scratch = mkdtempSync(join(tmpdir(), 'readers-parquet-'))
    try {
      const bytes = tinyParquet({ columns, rows })
      for await (const item of readParquet(oneChunk(bytes), { tempDir: scratch })) {
        expect(readdirSync(scratch)).toHaveLength(1)
        expect(item.kind).toBe('record')
        break
      }
      expect(readdirSync(scratch)).toEqual([])
      expect(await collect(readParquet(oneChunk(bytes), { tempDir: scratch }))).toHaveLength(rows.length)
      expect(readdirSync(scratch)).toEqual([])
    } finally {
      rmSync(scratch, { recursive: true, force: true })
    }
  })
})

// OpenAI chat layout as pyarrow writes it: `messages` is list<struct<role, content>>, every level nullable.
const CHAT = { structList: ['role', 'content'] }

const chats = [
  {
    id: 1,
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Capital of France?' },
      { role: 'assistant', content: 'Paris.' }
    ]
  },
  {
    id: 2,
    messages: [
      { role: 'user', content: 'Two plus two?' },
      { role: 'assistant', content: 'Four.' },
      { role: 'user', content: 'And times three?' },
      { role: 'assistant', content: 'Twelve.' }
    ]
  },
  { id: 3, messages: [] },
  { id: 4, messages: null },
  { id: 5, messages: [null, { role: 'user', content: null }, { role: 'user', content: 'Name a prime.' }] }
]

async function rowsOf(bytes: Buffer, file = 'chat.parquet'): Promise<RowItem[]> {
  return collect(readRows(oneChunk(bytes), { file, format: 'parquet' }))
}

describe('readParquet on nested columns', () => {
  it('reads list<struct> and list<string> columns, nulls and empty lists included, across groups and pages', async () => {
    const tagged = chats.map((chat, i) => ({
      ...chat,
      tags: [[], null, ['a'], ['b', null, 'c'], ['d', 'e']][i]!
    }))
    const bytes = tinyParquet({
      columns: { id: 'int64', messages: CHAT, tags: 'stringList' },
      rows: tagged,
      rowGroupSize: 3,
      pageSize: 2,
      offsetIndex: true
    })
    const expectedItems = tagged.map((record, i) => ({ kind: 'record', line: i + 1, record }))
    expect(await collect(readParquet(oneChunk(bytes), { rowsPerRead: 2 }))).toEqual(expectedItems)
    expect(await collect(readParquet(tinyChunks(bytes)))).toEqual(expectedItems)
  })
})

describe('readRows on nested Parquet columns', () => {
  it('takes input from the user turns and output from the assistant turns of a nested chat column', async () => {
    const items = await rowsOf(
      tinyParquet({ columns: { id: 'int64', messages: CHAT }, rows: chats.slice(0, 2) })
    )
    expect(
      items.map(item => item.kind === 'row' && [item.row.line, item.row.input, item.row.output])
    ).toEqual([
      [1, 'Capital of France?', 'Paris.'],
      [2, 'Two plus two?\n\nAnd times three?', 'Four.\n\nTwelve.']
    ])
    const first = items[0]
    expect(first?.kind === 'row' && first.row.file).toBe('chat.parquet')
    // The content hash covers the whole record, the system turn too, so exact duplicates compare on everything.
    expect(first?.kind === 'row' && first.row.contentHash).toBe(contentHash(chats[0]))
  })

  it('gives a per-row error, not a crash, for chat rows without a usable user turn and reads on', async () => {
    const items = await rowsOf(tinyParquet({ columns: { id: 'int64', messages: CHAT }, rows: chats }))
    expect(items).toHaveLength(chats.length)
    expect(items.slice(2, 4)).toEqual([
      { kind: 'error', line: 3, reason: "field 'messages' holds no user turn with text", fatal: false },
      { kind: 'error', line: 4, reason: "field 'messages' is null, expected a chat list", fatal: false }
    ])
    // A null turn and a turn with null content are skipped; the row still has its one real user turn.
    expect(items[4]).toMatchObject({ kind: 'row', row: { line: 5, input: 'Name a prime.', output: '' } })
  })

  it('names the fields of a nested column no layout recognises, on every row, without a fatal item', async () => {
    const turns = [
      [{ speaker: 'A', utterance: 'Hello there' }],
      [
        { speaker: 'B', utterance: 'General Kenobi' },
        { speaker: 'A', utterance: 'You are a bold one' }
      ]
    ]
    const items = await rowsOf(
      tinyParquet({
        columns: { turns: { structList: ['speaker', 'utterance'] } },
        rows: turns.map(t => ({ turns: t }))
      })
    )
    expect(items).toHaveLength(turns.length)
    for (const [i, item] of items.entries()) {
      expect(item).toMatchObject({ kind: 'error', line: i + 1, fatal: false })
      expect(item.kind === 'error' && item.reason).toMatch(
        /^none of the known layouts \(messages, .*\); fields seen: turns$/
      )
    }
  })

  it('refuses a list<string> where a layout expects text, naming the field', async () => {
    const items = await rowsOf(
      tinyParquet({
        columns: { prompt: 'stringList', response: 'string' },
        rows: [
          { prompt: ['part one', 'part two'], response: 'ok' },
          { prompt: ['solo'], response: 'ok' }
        ]
      })
    )
    expect(items).toEqual([
      { kind: 'error', line: 1, reason: "field 'prompt' is an array, expected text", fatal: false },
      { kind: 'error', line: 2, reason: "field 'prompt' is an array, expected text", fatal: false }
    ])
  })
})
