import { describe, expect, it } from '@jest/globals'
import { readJson, readJsonArray } from '../src/readers/json-array.js'
import type { RecordItem } from '../src/readers/records.js'
import { collect, fixture, oneChunk, tinyChunks, utf8 } from './fixtures/readers/byte-sources.js'

const readArray = (text: string | Buffer): Promise<RecordItem[]> =>
  collect(readJsonArray(oneChunk(typeof text === 'string' ? utf8(text) : text)))

const lines = (items: RecordItem[]): number[] => items.map(item => (item.kind === 'fatal' ? 0 : item.line))

describe('readJsonArray', () => {
  it('reads a pretty-printed array with each element at the line it starts on', async () => {
    const items = await collect(readJsonArray(oneChunk(fixture('alpaca.json'))))
    expect(items.map(item => item.kind)).toEqual(['record', 'record', 'record', 'record'])
    expect(lines(items)).toEqual([2, 7, 12, 13])
    const last = items[3]
    expect(last?.kind === 'record' && last.record.input).toBe(
      'The meeting was moved from Tuesday to Thursday because the projector {broke} and the room was "double-booked".'
    )
  })

  it('gives identical items for tiny chunks and one chunk', async () => {
    const bytes = fixture('alpaca.json')
    expect(await collect(readJsonArray(tinyChunks(bytes)))).toEqual(
      await collect(readJsonArray(oneChunk(bytes)))
    )
    const broken = utf8('[\n{"a": "x\\"y", "b": [1, {"c": "]"}]},\n{"a": 1,},\n  "str",\n{"a": "é🎉"}\n]')
    const whole = await collect(readJsonArray(oneChunk(broken)))
    expect(await collect(readJsonArray(tinyChunks(broken)))).toEqual(whole)
    expect(whole.map(item => item.kind)).toEqual(['record', 'error', 'error', 'record'])
    expect(lines(whole)).toEqual([2, 3, 4, 5])
  })

  it('reads the first array-valued property of a top-level object', async () => {
    const text =
      '{\n  "version": "1.0",\n  "meta": {"rows": [1, 2]},\n  "data": [\n    {"text": "a"},\n    {"text": "b"}\n  ],\n  "more": [{"text": "ignored"}]\n}\n'
    // "meta" holds an array only one level down, so "data" is the first property whose value is an array.
    expect(await readArray(text)).toEqual([
      { kind: 'record', line: 5, record: { text: 'a' } },
      { kind: 'record', line: 6, record: { text: 'b' } }
    ])
  })

  it('gives a fatal item for top-level values that hold no rows', async () => {
    expect(await readArray('"just a string"')).toEqual([
      { kind: 'fatal', reason: 'expected a top-level array of objects, got a string' }
    ])
    expect(await readArray('null\n')).toEqual([
      { kind: 'fatal', reason: 'expected a top-level array of objects, got null' }
    ])
    expect(await readArray('  42')).toEqual([
      { kind: 'fatal', reason: 'expected a top-level array of objects, got a number' }
    ])
    const noArray = await readArray('{"name": "config", "size": 3}')
    expect(noArray).toHaveLength(1)
    expect(noArray[0]?.kind).toBe('fatal')
    expect(noArray[0]?.kind === 'fatal' && noArray[0].reason).toMatch(/holds no array of rows/)
  })

  it('reports a syntax error in one element and reads the next ones', async () => {
    const text = '[\n  {"text": "one"},\n  {"text": "two" "oops": 1},\n  {"text": "three"}\n]'
    const items = await readArray(text)
    expect(items.map(item => item.kind)).toEqual(['record', 'error', 'record'])
    expect(items[1]).toMatchObject({ kind: 'error', line: 3 })
    expect(items[1]?.kind === 'error' && items[1].reason).toMatch(/^invalid JSON/)
    expect(items[2]).toEqual({ kind: 'record', line: 4, record: { text: 'three' } })
  })

  it('resyncs after an unterminated string in a pretty-printed file', async () => {
    const text = '[\n  {\n    "text": "never closed\n  },\n  {\n    "text": "fine"\n  }\n]\n'
    const items = await readArray(text)
    expect(items[0]).toMatchObject({ kind: 'error', line: 2 })
    expect(items[0]?.kind === 'error' && items[0].reason).toMatch(/unterminated string/)
    expect(items[1]).toEqual({ kind: 'record', line: 5, record: { text: 'fine' } })
    expect(items).toHaveLength(2)
  })

  it('reports non-object elements, a missing comma and a file cut off inside an element', async () => {
    const items = await readArray('[{"a": 1}, [1], 7, {"b": 2} {"c": 3},\n {"d": ')
    expect(items).toEqual([
      { kind: 'record', line: 1, record: { a: 1 } },
      { kind: 'error', line: 1, reason: 'expected a JSON object, got array' },
      { kind: 'error', line: 1, reason: 'expected a JSON object, got number' },
      { kind: 'record', line: 1, record: { b: 2 } },
      { kind: 'error', line: 1, reason: "missing ',' before this element" },
      expect.objectContaining({
        kind: 'error',
        line: 2,
        reason: expect.stringMatching(/file ends inside this element/)
      })
    ])
  })

  it('reports an array that is never closed and content after the array', async () => {
    expect(await readArray('[{"a": 1},\n{"b": 2}\n')).toEqual([
      { kind: 'record', line: 1, record: { a: 1 } },
      { kind: 'record', line: 2, record: { b: 2 } },
      { kind: 'error', line: 3, reason: 'the file ends before the array is closed with ]: it may be cut off' }
    ])
    expect(await readArray('[{"a": 1}]\n[{"b": 2}]')).toEqual([
      { kind: 'record', line: 1, record: { a: 1 } },
      { kind: 'error', line: 2, reason: 'unexpected content after the top-level array; ignored' }
    ])
  })

  it('reports invalid UTF-8 inside one element', async () => {
    const bytes = Buffer.concat([
      utf8('[{"a": "ok"}, {"a": "'),
      Buffer.from([0xe2, 0x28, 0xa1]),
      utf8('"}, {"a": "b"}]')
    ])
    expect(await readArray(bytes)).toEqual([
      { kind: 'record', line: 1, record: { a: 'ok' } },
      { kind: 'error', line: 1, reason: 'invalid UTF-8' },
      { kind: 'record', line: 1, record: { a: 'b' } }
    ])
  })

  it('gives nothing for an empty array or an empty file, and one fatal item for a binary file', async () => {
    expect(await readArray('[]')).toEqual([])
    expect(await readArray('')).toEqual([])
    expect(await readArray(Buffer.from([0x5b, 0x00, 0x01, 0x5d]))).toEqual([
      { kind: 'fatal', reason: 'binary or UTF-16 file; datasets must be UTF-8' }
    ])
  })
})

describe('readJson', () => {
  it('reads JSON Lines saved under a .json name as JSON Lines', async () => {
    const text =
      '{"messages": [{"role": "user", "content": "hi"}]}\n{"messages": [{"role": "user", "content": "yo"}]}\n'
    const items = await collect(readJson(tinyChunks(utf8(text))))
    expect(items).toEqual([
      { kind: 'record', line: 1, record: { messages: [{ role: 'user', content: 'hi' }] } },
      { kind: 'record', line: 2, record: { messages: [{ role: 'user', content: 'yo' }] } }
    ])
  })

  it('reads a single-line object holding the rows as JSON, not as JSON Lines', async () => {
    const items = await collect(readJson(oneChunk(utf8('{"rows": [{"text": "a"}, {"text": "b"}]}\n'))))
    expect(items).toEqual([
      { kind: 'record', line: 1, record: { text: 'a' } },
      { kind: 'record', line: 1, record: { text: 'b' } }
    ])
  })

  it('reads a pretty-printed object holding the rows as JSON', async () => {
    const text = '{\n  "data": [\n    {"text": "a"},\n    {"text": "b"}\n  ]\n}\n'
    expect(await collect(readJson(tinyChunks(utf8(text))))).toEqual([
      { kind: 'record', line: 3, record: { text: 'a' } },
      { kind: 'record', line: 4, record: { text: 'b' } }
    ])
  })

  it('reads an array file as an array', async () => {
    const items = await collect(readJson(oneChunk(fixture('alpaca.json'))))
    expect(lines(items)).toEqual([2, 7, 12, 13])
  })
})
