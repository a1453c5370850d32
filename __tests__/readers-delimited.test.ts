import { describe, expect, it } from '@jest/globals'
import { readDelimited } from '../src/readers/delimited.js'
import type { RecordItem } from '../src/readers/records.js'
import { collect, fixture, oneChunk, tinyChunks, utf8 } from './fixtures/readers/byte-sources.js'

const readCsv = (text: string | Buffer): Promise<RecordItem[]> =>
  collect(readDelimited(oneChunk(typeof text === 'string' ? utf8(text) : text), ','))

describe('readDelimited (CSV)', () => {
  it('reads a Dolly-style file with quoted newlines, each record at the line it starts on', async () => {
    const items = await collect(readDelimited(oneChunk(fixture('dolly.csv')), ','))
    expect(items.map(item => item.kind)).toEqual(['record', 'record', 'record', 'record'])
    expect(items.map(item => (item.kind === 'record' ? item.line : 0))).toEqual([2, 4, 5, 6])
    const first = items[0]
    expect(first?.kind === 'record' && first.record).toMatchObject({
      instruction: 'When did Virgin Australia start operating?',
      category: 'closed_qa'
    })
    expect(first?.kind === 'record' && String(first.record.context)).toContain('\nIt commenced services')
    const haiku = items[3]
    expect(haiku?.kind === 'record' && haiku.record.response).toBe(
      'Red leaves drift slowly\nthe river carries them home\ncold wind, bare branches'
    )
  })

  it('gives identical items for tiny chunks and one chunk', async () => {
    const bytes = fixture('dolly.csv')
    expect(await collect(readDelimited(tinyChunks(bytes), ','))).toEqual(
      await collect(readDelimited(oneChunk(bytes), ','))
    )
  })

  it('reports a ragged row and reads on', async () => {
    const items = await readCsv('prompt,response\nHi,Hello\nToo,many,fields\nshort\nBye,See you\n')
    expect(items).toEqual([
      { kind: 'record', line: 2, record: { prompt: 'Hi', response: 'Hello' } },
      { kind: 'error', line: 3, reason: 'expected 2 fields as in the header row, got 3' },
      { kind: 'error', line: 4, reason: 'expected 2 fields as in the header row, got 1' },
      { kind: 'record', line: 5, record: { prompt: 'Bye', response: 'See you' } }
    ])
  })

  it('counts lines right with CRLF, a BOM, blank lines and a quoted CRLF', async () => {
    const text = '\uFEFFprompt,response\r\n\r\n"two\r\nlines",a\r\nnext,b\r\n'
    expect(await collect(readDelimited(tinyChunks(utf8(text)), ','))).toEqual(await readCsv(text))
    expect(await readCsv(text)).toEqual([
      { kind: 'record', line: 3, record: { prompt: 'two\r\nlines', response: 'a' } },
      { kind: 'record', line: 5, record: { prompt: 'next', response: 'b' } }
    ])
  })

  it('counts lines as git does (LF only), whatever stray CRs or mixed line ends the file has', async () => {
    // A stray CR first once made csv-parse take CR as the only line end: the whole file was one record.
    expect(await readCsv('\r\r\nprompt,b\nx,2\ny,3\n')).toEqual([
      { kind: 'record', line: 3, record: { prompt: 'x', b: '2' } },
      { kind: 'record', line: 4, record: { prompt: 'y', b: '3' } }
    ])
    // Mixed CRLF and LF: each row at its own line, no line break left inside a field.
    expect(await readCsv('prompt,b\r\nx,2\ny,3\r\nz,4\n')).toEqual([
      { kind: 'record', line: 2, record: { prompt: 'x', b: '2' } },
      { kind: 'record', line: 3, record: { prompt: 'y', b: '3' } },
      { kind: 'record', line: 4, record: { prompt: 'z', b: '4' } }
    ])
    // A lone CR inside quotes is not a line.
    expect(await readCsv('prompt,b\nx,"a\rb"\ny,3\n')).toEqual([
      { kind: 'record', line: 2, record: { prompt: 'x', b: 'a\rb' } },
      { kind: 'record', line: 3, record: { prompt: 'y', b: '3' } }
    ])
  })

  it('refuses CR-only line ends with a fatal item rather than reading the file as one header row', async () => {
    expect(await readCsv('prompt,b\rx,2\ry,3\r')).toEqual([
      { kind: 'fatal', reason: expect.stringMatching(/lines ending in CR alone .* LF or CRLF/) }
    ])
  })

  it('gives a fatal item for duplicate header names', async () => {
    const items = await readCsv('text,label,text\na,b,c\n')
    expect(items).toHaveLength(1)
    expect(items[0]?.kind).toBe('fatal')
    expect(items[0]?.kind === 'fatal' && items[0].reason).toMatch(
      /duplicate column name "text".*columns 1 and 3/
    )
  })

  it('gives nothing for an empty file or a header alone', async () => {
    expect(await readCsv('')).toEqual([])
    expect(await readCsv('prompt,response\n')).toEqual([])
  })

  it('reports a quote left open at the end of the file as an error at the row it starts on', async () => {
    const items = await readCsv('prompt,response\nok,fine\n"never closed,x\nmore,rows\n')
    expect(items[0]).toEqual({ kind: 'record', line: 2, record: { prompt: 'ok', response: 'fine' } })
    expect(items[1]).toMatchObject({ kind: 'error', line: 3 })
    expect(items).toHaveLength(2)
  })

  it('keeps stray quotes inside unquoted fields', async () => {
    expect(await readCsv('text,n\nhe said "hi",1\n')).toEqual([
      { kind: 'record', line: 2, record: { text: 'he said "hi"', n: '1' } }
    ])
  })

  it('reports rows with invalid UTF-8', async () => {
    const bytes = Buffer.concat([
      utf8('text,n\ngood,1\nbad '),
      Buffer.from([0xff]),
      utf8(',2\nalso good,3\n')
    ])
    expect(await readCsv(bytes)).toEqual([
      { kind: 'record', line: 2, record: { text: 'good', n: '1' } },
      { kind: 'error', line: 3, reason: 'invalid UTF-8' },
      { kind: 'record', line: 4, record: { text: 'also good', n: '3' } }
    ])
  })

  it('gives one fatal item for a binary file', async () => {
    expect(await readCsv(Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0x00, 0x00]))).toEqual([
      { kind: 'fatal', reason: 'binary or UTF-16 file; datasets must be UTF-8' }
    ])
  })
})

describe('readDelimited (TSV)', () => {
  it('reads tab-separated rows, quoted tabs included', async () => {
    const items = await collect(readDelimited(tinyChunks(fixture('qa.tsv')), '\t'))
    expect(items).toEqual([
      { kind: 'record', line: 2, record: { question: 'What is 2 + 2?', answer: '4', source: 'human' } },
      {
        kind: 'record',
        line: 3,
        record: { question: 'How many legs does a spider have?', answer: 'Eight', source: 'synthetic' }
      },
      { kind: 'record', line: 4, record: { question: 'Quoted\ttab', answer: 'yes', source: 'human' } }
    ])
  })
})
