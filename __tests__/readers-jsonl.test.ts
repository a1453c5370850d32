import { describe, expect, it } from '@jest/globals'
import { readJsonl } from '../src/readers/jsonl.js'
import type { RecordItem } from '../src/readers/records.js'
import { collect, oneChunk, tinyChunks, utf8 } from './fixtures/readers/byte-sources.js'

async function collectJsonl(source: AsyncIterable<Uint8Array>): Promise<RecordItem[]> {
  return collect(readJsonl(source))
}

const chatLine = (question: string): string =>
  JSON.stringify({
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: question },
      { role: 'assistant', content: `Here is an answer to: ${question}` }
    ]
  })

describe('readJsonl', () => {
  it('reads one record per line with 1-based line numbers', async () => {
    const text =
      [chatLine('How do I boil an egg?'), chatLine('What is the capital of Peru?')].join('\n') + '\n'
    const items = await collectJsonl(oneChunk(utf8(text)))
    expect(items.map(item => item.kind)).toEqual(['record', 'record'])
    expect(items.map(item => (item.kind === 'record' ? item.line : 0))).toEqual([1, 2])
    const first = items[0]
    expect(first?.kind === 'record' && (first.record.messages as unknown[]).length).toBe(3)
  })

  it('tolerates CRLF line ends and a UTF-8 BOM', async () => {
    const text =
      '\uFEFF{"prompt":"Hi there","completion":"Hello!"}\r\n{"prompt":"Bye","completion":"See you"}\r\n'
    const items = await collectJsonl(oneChunk(utf8(text)))
    expect(items).toEqual([
      { kind: 'record', line: 1, record: { prompt: 'Hi there', completion: 'Hello!' } },
      { kind: 'record', line: 2, record: { prompt: 'Bye', completion: 'See you' } }
    ])
  })

  it('keeps U+2028 and U+2029 inside strings on one line', async () => {
    const text = `{"text":"first\u2028second\u2029third"}\n{"text":"next"}\n`
    const items = await collectJsonl(oneChunk(utf8(text)))
    expect(items).toEqual([
      { kind: 'record', line: 1, record: { text: 'first\u2028second\u2029third' } },
      { kind: 'record', line: 2, record: { text: 'next' } }
    ])
  })

  it('skips blank lines but counts them', async () => {
    const text = '\n{"text":"a"}\n\n   \n\t\r\n{"text":"b"}\n\n'
    const items = await collectJsonl(oneChunk(utf8(text)))
    expect(items).toEqual([
      { kind: 'record', line: 2, record: { text: 'a' } },
      { kind: 'record', line: 6, record: { text: 'b' } }
    ])
  })

  it('reports a malformed line and goes on with correct line numbers', async () => {
    const text = '{"text":"one"}\n{"text": "two",}\n{"text":"three"}\n{"text":"four"}\n'
    const items = await collectJsonl(oneChunk(utf8(text)))
    expect(items.map(item => item.kind)).toEqual(['record', 'error', 'record', 'record'])
    expect(items[1]).toMatchObject({ kind: 'error', line: 2 })
    expect(items[1]?.kind === 'error' && items[1].reason).toMatch(/^invalid JSON/)
    expect(items[3]).toEqual({ kind: 'record', line: 4, record: { text: 'four' } })
  })

  it('reports invalid UTF-8 for its line only', async () => {
    const bytes = Buffer.concat([
      utf8('{"text":"ok"}\n{"text":"bad '),
      Buffer.from([0xc3, 0x28]),
      utf8('"}\n{"text":"caf\u00e9"}\n')
    ])
    const items = await collectJsonl(oneChunk(bytes))
    expect(items).toEqual([
      { kind: 'record', line: 1, record: { text: 'ok' } },
      { kind: 'error', line: 2, reason: 'invalid UTF-8' },
      { kind: 'record', line: 3, record: { text: 'café' } }
    ])
  })

  it('reports a truncated last line', async () => {
    const text = '{"text":"complete"}\n{"text":"cut of'
    const items = await collectJsonl(oneChunk(utf8(text)))
    expect(items[0]).toEqual({ kind: 'record', line: 1, record: { text: 'complete' } })
    expect(items[1]).toMatchObject({ kind: 'error', line: 2 })
    expect(items[1]?.kind === 'error' && items[1].reason).toMatch(/cut off/)
    expect(items).toHaveLength(2)
  })

  it('reads a complete last line without a final newline', async () => {
    const items = await collectJsonl(oneChunk(utf8('{"text":"a"}\n{"text":"b"}')))
    expect(items).toEqual([
      { kind: 'record', line: 1, record: { text: 'a' } },
      { kind: 'record', line: 2, record: { text: 'b' } }
    ])
  })

  it('rejects lines that are JSON but not objects', async () => {
    const text = '[1,2]\n42\n"text"\nnull\n{"text":"fine"}\n'
    const items = await collectJsonl(oneChunk(utf8(text)))
    expect(items.slice(0, 4)).toEqual([
      { kind: 'error', line: 1, reason: 'expected a JSON object, got array' },
      { kind: 'error', line: 2, reason: 'expected a JSON object, got number' },
      { kind: 'error', line: 3, reason: 'expected a JSON object, got string' },
      { kind: 'error', line: 4, reason: 'expected a JSON object, got null' }
    ])
    expect(items[4]).toEqual({ kind: 'record', line: 5, record: { text: 'fine' } })
  })

  it('gives one fatal item for binary and UTF-16 files', async () => {
    const withNul = Buffer.concat([utf8('{"text":"a"}\n'), Buffer.from([0, 1, 2, 3]), utf8('\n')])
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"text":"a"}\n', 'utf16le')])
    const reason = 'binary or UTF-16 file; datasets must be UTF-8'
    expect(await collectJsonl(oneChunk(withNul))).toEqual([{ kind: 'fatal', reason }])
    expect(await collectJsonl(oneChunk(utf16))).toEqual([{ kind: 'fatal', reason }])
  })

  it('gives the same items whether the bytes come in tiny chunks or one', async () => {
    const text =
      '\uFEFF' +
      [
        chatLine('Translate "bonjour" to English'),
        '',
        '{"text":"émoji 🎉 and \u2028 separator"}\r',
        '{"broken": ',
        '[]',
        chatLine('日本語の質問ですか？'),
        '{"text":"no newline at end"}'
      ].join('\n')
    const bytes = Buffer.concat([utf8(text.slice(0, 200)), Buffer.from([0xff]), utf8(text.slice(200))])
    const whole = await collectJsonl(oneChunk(bytes))
    const tiny = await collectJsonl(tinyChunks(bytes))
    expect(tiny).toEqual(whole)
    expect(whole.map(item => item.kind)).toEqual(['error', 'record', 'error', 'error', 'record', 'record'])
    expect(whole.map(item => (item.kind === 'fatal' ? 0 : item.line))).toEqual([1, 3, 4, 5, 6, 7])
  })

  it('yields nothing for an empty file', async () => {
    expect(await collectJsonl(oneChunk(new Uint8Array(0)))).toEqual([])
  })
})
