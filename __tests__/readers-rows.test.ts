import { describe, expect, it } from '@jest/globals'
import { readRecords } from '../src/readers/records.js'
import { readRowBatches, readRows, type RowItem } from '../src/readers/rows.js'
import { collect, fixture, oneChunk, utf8 } from './fixtures/readers/byte-sources.js'
import { tinyParquet } from './fixtures/readers/tiny-parquet.js'

describe('readRows', () => {
  it('turns chat JSONL into rows with input, output, provenance and line', async () => {
    const text = [
      JSON.stringify({
        source: 'human',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Capital of France?' },
          { role: 'assistant', content: 'Paris.' }
        ]
      }),
      '{"messages": "oops"}',
      '{"title": "no known layout"}',
      JSON.stringify({ is_synthetic: true, messages: [{ role: 'user', content: 'Capital of Spain?' }] }),
      '{"broken"'
    ].join('\n')
    const items = await collect(readRows(oneChunk(utf8(text)), { file: 'data/chat.jsonl', format: 'jsonl' }))
    expect(items[0]).toEqual({
      kind: 'row',
      row: {
        file: 'data/chat.jsonl',
        line: 1,
        input: 'Capital of France?',
        output: 'Paris.',
        provenance: 'real',
        contentHash: expect.any(Number)
      }
    })
    expect(items[1]).toEqual({
      kind: 'error',
      line: 2,
      reason: "field 'messages' is a string, expected a chat list",
      fatal: false
    })
    expect(items[2]).toMatchObject({ kind: 'error', line: 3, fatal: false })
    expect(items[2]?.kind === 'error' && items[2].reason).toMatch(/fields seen: title$/)
    expect(items[3]).toMatchObject({
      kind: 'row',
      row: { line: 4, input: 'Capital of Spain?', provenance: 'synthetic' }
    })
    expect(items[4]).toMatchObject({ kind: 'error', line: 5, fatal: false })
    expect(items).toHaveLength(5)
  })

  it('gives equal content for equal records whatever their key order', async () => {
    const a = '{"prompt":"p","response":"r","meta":{"b":1,"a":[{"y":2,"x":1}]}}'
    const b = '{"meta":{"a":[{"x":1,"y":2}],"b":1},"response":"r","prompt":"p"}'
    const c = '{"meta":{"a":[{"x":1,"y":3}],"b":1},"response":"r","prompt":"p"}'
    const items = await collect(
      readRows(oneChunk(utf8([a, b, c].join('\n'))), { file: 'x.jsonl', format: 'jsonl' })
    )
    const contents = items.map(item => (item.kind === 'row' ? item.row.contentHash : -1))
    expect(contents[0]).toBeGreaterThanOrEqual(0)
    expect(contents[1]).toBe(contents[0])
    expect(contents[2]).not.toBe(contents[0])
  })

  it('passes a fatal reader error on as a fatal item', async () => {
    const items = await collect(
      readRows(oneChunk(Buffer.from([0xfe, 0xff, 0, 0x7b])), { file: 'data/utf16.jsonl', format: 'jsonl' })
    )
    expect(items).toEqual([
      { kind: 'error', reason: 'binary or UTF-16 file; datasets must be UTF-8', fatal: true }
    ])
  })

  it('uses configured fields and provenance for CSV rows', async () => {
    const items = await collect(
      readRows(oneChunk(fixture('dolly.csv')), {
        file: 'data/real/dolly.csv',
        format: 'csv',
        fields: { input: ['instruction'], output: ['response'] },
        provenance: { paths: { real: ['data/real/**'] } }
      })
    )
    const rows = items.flatMap(item => (item.kind === 'row' ? [item.row] : []))
    expect(rows.map(row => [row.line, row.provenance])).toEqual([
      [2, 'real'],
      [4, 'real'],
      [5, 'real'],
      [6, 'real']
    ])
    expect(rows[1]?.input).toBe('Which is a species of fish? Tope or Rope')
    expect(rows[1]?.output).toBe('Tope')
  })

  it('reads every format through the dispatcher', async () => {
    const expectRecords = async (items: AsyncIterable<unknown>, count: number): Promise<void> => {
      const all = (await collect(items)) as { kind: string }[]
      expect(all.filter(item => item.kind === 'record')).toHaveLength(count)
      expect(all.filter(item => item.kind !== 'record')).toEqual([])
    }
    await expectRecords(readRecords(oneChunk(utf8('{"text":"a"}\n{"text":"b"}\n')), 'jsonl'), 2)
    await expectRecords(readRecords(oneChunk(fixture('alpaca.json')), 'json'), 4)
    await expectRecords(readRecords(oneChunk(fixture('dolly.csv')), 'csv'), 4)
    await expectRecords(readRecords(oneChunk(fixture('qa.tsv')), 'tsv'), 3)
    const parquet = tinyParquet({ columns: { prompt: 'string' }, rows: [{ prompt: 'a' }, { prompt: 'b' }] })
    await expectRecords(readRecords(oneChunk(parquet), 'parquet'), 2)
  })

  it('reads Parquet rows with the row number as the line', async () => {
    const parquet = tinyParquet({
      columns: { prompt: 'string', response: 'string', source: 'string' },
      rows: [
        { prompt: 'Hello?', response: 'Hi.', source: 'human' },
        { prompt: 'Bye?', response: 'Bye.', source: 'synthetic' }
      ]
    })
    const items: RowItem[] = await collect(
      readRows(oneChunk(parquet), { file: 'd.parquet', format: 'parquet' })
    )
    expect(
      items.map(item => (item.kind === 'row' ? [item.row.line, item.row.input, item.row.provenance] : []))
    ).toEqual([
      [1, 'Hello?', 'real'],
      [2, 'Bye?', 'synthetic']
    ])
  })

  it('gives the same items in batches: JSONL as read, other formats 1,024 rows at a time', async () => {
    const csv = ['prompt,response', ...Array.from({ length: 2500 }, (_, i) => `q${i},a${i}`)].join('\n')
    const batches = await collect(readRowBatches(oneChunk(utf8(csv)), { file: 'd.csv', format: 'csv' }))
    expect(batches.map(batch => batch.length)).toEqual([1024, 1024, 452])
    const items = await collect(readRows(oneChunk(utf8(csv)), { file: 'd.csv', format: 'csv' }))
    expect(batches.flat()).toEqual(items)
    expect(items.map(item => (item.kind === 'row' ? item.row.line : -1)).slice(0, 3)).toEqual([2, 3, 4])
    const jsonl = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ prompt: `q${i}` })).join('\n')
    const jsonlBatches = await collect(
      readRowBatches(oneChunk(utf8(jsonl)), { file: 'd.jsonl', format: 'jsonl' })
    )
    expect(jsonlBatches.flat()).toHaveLength(3000)
    expect(jsonlBatches.flat().every(item => item.kind === 'row')).toBe(true)
  })
})

describe('readRows on deeply nested records', () => {
  it('reports a record nested past MAX_NESTING as a bad row at its line, and reads the rows around it', async () => {
    const deep = `{"prompt": "deep", "meta": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`
    const text = [JSON.stringify({ prompt: 'before' }), deep, JSON.stringify({ prompt: 'after' })].join('\n')
    const items = await collect(readRows(oneChunk(utf8(text)), { file: 'd.jsonl', format: 'jsonl' }))
    expect(items.map(item => (item.kind === 'row' ? item.row.input : item))).toEqual([
      'before',
      { kind: 'error', line: 2, reason: 'arrays and objects nested deeper than 1000 levels', fatal: false },
      'after'
    ])
  })
})
