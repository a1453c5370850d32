// Broken and odd dataset files end to end: one pull request adds every kind of damage the hardening issue lists,
// and one runCheck reads them all. Each must become a finding with its file (and line, where a line is
// meaningful), the good rows around the damage must still be counted, and the unparseable-row rule must fail.
// The "large single line" is 8 MB here rather than the 50 MB, to keep the suite fast; lines over
// MAX_RECORD_BYTES (32 MiB) are skipped by the reader, which readers-jsonl covers.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defaultConfig } from '../src/config/load-config.js'
import { readJsonl } from '../src/readers/jsonl.js'
import { MAX_RECORD_BYTES } from '../src/readers/text-bytes.js'
import { runCheck } from '../src/run-check.js'
import type { DatasetReport, Finding, Report } from '../src/types.js'
import { removeDir, tempDir, tempRepo, type TempRepo } from './fixtures/git/temp-repo.js'
import { collect, oneChunk } from './fixtures/readers/byte-sources.js'
import { tinyParquet } from './fixtures/readers/tiny-parquet.js'

const LARGE_LINE_BYTES = 8 * 1024 * 1024
/** Text only the file outside the repository holds: it must appear nowhere in the report. */
const OUTSIDE_SECRET = 'outside-the-repository-secret'

const row = (prompt: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ prompt, response: 'ok', ...extra })
const lines = (...items: string[]) => `${items.join('\n')}\n`
const good = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => row(`${tag} question number ${i} about ${tag}`))

let r: TempRepo
let outside: string
let report: Report
let elapsedMs = 0

function dataset(name: string): DatasetReport {
  const found = report.datasets.find(d => d.name === name)
  if (found === undefined)
    throw new Error(`no dataset ${name} in ${report.datasets.map(d => d.name).join(', ')}`)
  return found
}

const findingsOf = (name: string): Finding[] => dataset(name).findings
const rule = (name: string, id: string) =>
  report.verdict.results.find(x => x.dataset === name && x.rule === id)

beforeAll(async () => {
  r = tempRepo()
  outside = tempDir()
  writeFileSync(join(outside, 'stolen.jsonl'), lines(row(OUTSIDE_SECRET)))
  r.write('data/edited.jsonl', lines(...good(5, 'edit')))
  r.write('data/deleted.jsonl', lines(...good(3, 'gone')))
  r.write('README.md', 'x\n')
  const base = r.commit('base')

  r.write(
    'data/malformed.jsonl',
    lines(row('first good row'), '{"prompt": "x",}', row('second good row'), '[1, 2]', row('third good row'))
  )
  // The last row is cut off in the middle, without a final line break.
  r.write('data/truncated.jsonl', `${lines(...good(3, 'cut'))}{"prompt": "the file was cut of`)
  r.write(
    'data/invalid-utf8.jsonl',
    Buffer.concat([
      Buffer.from(`${row('utf8 good one')}\n{"prompt": "bad `),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(`"}\n${row('utf8 good two')}\n`)
    ])
  )
  r.write(
    'data/utf16.jsonl',
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines(...good(3, 'wide')), 'utf16le')])
  )
  r.write('data/crlf.jsonl', `${good(3, 'crlf').join('\r\n')}\r\n`)
  r.write(
    'data/separators.jsonl',
    lines(row('line\u2028separator'), row('paragraph\u2029separator'), row('after both'))
  )
  r.write(
    'data/large-line.jsonl',
    lines(row(`big ${'word '.repeat(LARGE_LINE_BYTES / 5)}`), ...good(2, 'small'))
  )
  // Six million Chinese characters with no space (18 MB): past the 1,000,000 characters a text is analysed on,
  // and long enough that the prose-word pattern once overflowed V8's backtracking stack and stopped the check.
  r.write('data/large-cjk.jsonl', lines(row('漢字'.repeat(3_000_000)), ...good(2, 'small-cjk')))
  r.write('data/binary.jsonl', Buffer.from([0x7b, 0x00, 0x01, 0x02, 0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]))
  r.write('data/empty.jsonl', '')
  r.write('data/blank.jsonl', '\n  \n\t\n\n')
  r.write('data/settings.json', '{"retries": 3, "verbose": true}\n')
  r.write('data/string.json', '"just a string"\n')
  r.write('data/null.json', 'null\n')
  r.write('data/syntax-error.json', '{ this is not json, "rows": [ {"prompt": "a"} ] }\n')
  r.write('data/cut-off.json', '{"meta": {"version": 1}, "ro')
  r.write(
    'data/fields.jsonl',
    lines(
      row('fields good row'),
      JSON.stringify({ response: 'no prompt at all' }),
      row(null),
      row(42),
      row(['a', 'list']),
      row({ nested: 'object' }),
      row('fields good row two')
    )
  )
  r.write(
    'data/mixed.jsonl',
    lines(
      row('mixed prompt response'),
      JSON.stringify({ instruction: 'mixed alpaca instruction', input: '', output: 'ok' }),
      JSON.stringify({
        messages: [
          { role: 'user', content: 'mixed chat turn' },
          { role: 'assistant', content: 'ok' }
        ]
      }),
      JSON.stringify({ question: 'mixed question answer', answer: 'ok' }),
      JSON.stringify({ title: 'no layout here', body: 'at all' })
    )
  )
  r.write(
    'data/quoted.csv',
    'prompt,response\n"a prompt with\na quoted newline",ok\nragged,row,with,extra\n"plain prompt",ok\n'
  )
  r.write('data/duplicate-header.csv', 'prompt,prompt\nfirst,second\n')
  r.write('data/no-header.csv', 'what is the capital of france,paris\nhow tall is everest,8849 m\n')
  r.write(
    'data/corrupt.parquet',
    Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 0xab), Buffer.from('PAR1')])
  )
  r.write(
    'data/truncated.parquet',
    tinyParquet({ columns: { prompt: 'string' }, rows: [{ prompt: 'a' }, { prompt: 'b' }] }).subarray(0, 40)
  )
  r.write(
    'data/lfs.jsonl',
    'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n'
  )
  r.symlink(join(outside, 'stolen.jsonl'), 'data/link-outside.jsonl')
  r.symlink('../../../../../../etc/passwd', 'data/link-up.jsonl')
  r.git(['mv', 'data/edited.jsonl', 'data/renamed.jsonl'])
  r.write(
    'data/renamed.jsonl',
    lines(
      ...good(4, 'edit'),
      row('edit question number 4 about edit', { response: 'an edited answer' }),
      row('one more')
    )
  )
  r.remove('data/deleted.jsonl')
  const head = r.commit('break everything')

  const started = Date.now()
  report = await runCheck({ repo: r.dir, base, head, config: defaultConfig() })
  elapsedMs = Date.now() - started
}, 60_000)

afterAll(() => {
  r?.cleanup()
  if (outside) removeDir(outside)
})

describe('a pull request full of broken datasets', () => {
  it('reads every file without throwing or hanging, and the unparseable-row rule fails', () => {
    expect(elapsedMs).toBeLessThan(30_000)
    expect(report.verdict.passed).toBe(false)
    const failing = report.verdict.results
      .filter(x => x.rule === 'max-invalid-rows' && x.outcome === 'fail')
      .map(x => x.dataset)
      .sort()
    expect(failing).toEqual([
      'data/binary.jsonl',
      'data/corrupt.parquet',
      'data/cut-off.json',
      'data/duplicate-header.csv',
      'data/fields.jsonl',
      'data/invalid-utf8.jsonl',
      // an LFS pointer whose object was never fetched: data the check did not read must not pass
      'data/lfs.jsonl',
      'data/malformed.jsonl',
      'data/mixed.jsonl',
      'data/no-header.csv',
      'data/quoted.csv',
      'data/syntax-error.json',
      'data/truncated.jsonl',
      'data/truncated.parquet',
      'data/utf16.jsonl'
    ])
  })

  it('reports each bad JSON line at its line and counts the good rows around it', () => {
    expect(findingsOf('data/malformed.jsonl')).toEqual([
      expect.objectContaining({ kind: 'invalid-row', file: 'data/malformed.jsonl', line: 2, side: 'head' }),
      expect.objectContaining({ line: 4, message: 'expected a JSON object, got array' })
    ])
    expect(dataset('data/malformed.jsonl').head).toMatchObject({ rows: 3, invalidRows: 2 })
    expect(findingsOf('data/truncated.jsonl')).toEqual([
      expect.objectContaining({
        kind: 'invalid-row',
        line: 4,
        message: expect.stringMatching(/may be cut off/)
      })
    ])
    expect(dataset('data/truncated.jsonl').head?.rows).toBe(3)
    expect(findingsOf('data/invalid-utf8.jsonl')).toEqual([
      expect.objectContaining({ kind: 'invalid-row', line: 2, message: 'invalid UTF-8' })
    ])
    expect(dataset('data/invalid-utf8.jsonl').head).toMatchObject({ rows: 2, invalidRows: 1 })
  })

  it('refuses UTF-16, binary and corrupt files as a whole, each counted as unparseable', () => {
    for (const name of [
      'data/utf16.jsonl',
      'data/binary.jsonl',
      'data/corrupt.parquet',
      'data/truncated.parquet'
    ]) {
      expect(findingsOf(name)).toEqual([
        expect.objectContaining({ kind: 'invalid-file', file: name, side: 'head' })
      ])
      expect(findingsOf(name)[0]?.line).toBeUndefined()
      expect(dataset(name).head).toMatchObject({ rows: 0, invalidRows: 1 })
    }
    expect(findingsOf('data/utf16.jsonl')[0]?.message).toBe('binary or UTF-16 file; datasets must be UTF-8')
    expect(findingsOf('data/corrupt.parquet')[0]?.message).toMatch(/^corrupt Parquet file/)
  })

  it('reads CRLF, U+2028/U+2029 inside strings, an 8 MB line and an 18 MB line of Chinese as ordinary rows', () => {
    for (const name of [
      'data/crlf.jsonl',
      'data/separators.jsonl',
      'data/large-line.jsonl',
      'data/large-cjk.jsonl'
    ]) {
      expect(findingsOf(name)).toEqual([])
      expect(dataset(name).head).toMatchObject({ rows: 3, invalidRows: 0 })
    }
  })

  it('gives an empty file and a file of blank lines no rows, one finding that says so, and nothing to fail', () => {
    for (const name of ['data/empty.jsonl', 'data/blank.jsonl']) {
      expect(dataset(name).head).toMatchObject({ rows: 0, invalidRows: 0, uniquePatternRatio: null })
      expect(findingsOf(name)).toEqual([
        expect.objectContaining({
          kind: 'skipped-file',
          file: name,
          side: 'head',
          message: expect.stringContaining('no rows')
        })
      ])
      expect(rule(name, 'max-invalid-rows')?.outcome).toBe('pass')
    }
  })

  it('leaves out well-formed JSON that holds no rows, but reports JSON with a syntax error or cut off', () => {
    const names = report.datasets.map(d => d.name)
    for (const name of ['data/settings.json', 'data/string.json', 'data/null.json'])
      expect(names).not.toContain(name)
    expect(findingsOf('data/syntax-error.json')).toEqual([
      expect.objectContaining({
        kind: 'invalid-file',
        message: 'invalid JSON at line 1: expected a property name'
      })
    ])
    expect(findingsOf('data/cut-off.json')).toEqual([
      expect.objectContaining({
        kind: 'invalid-file',
        message: expect.stringMatching(/ends inside .* cut off/)
      })
    ])
  })

  it('names the field and its type when the expected field is missing, null, a number, an array or an object', () => {
    expect(findingsOf('data/fields.jsonl').map(f => [f.line, f.message])).toEqual([
      [2, expect.stringMatching(/none of the known layouts .*fields seen: response$/)],
      [3, "field 'prompt' is null, expected text"],
      [4, "field 'prompt' is a number, expected text"],
      [5, "field 'prompt' is an array, expected text"],
      [6, "field 'prompt' is an object, expected text"]
    ])
    expect(dataset('data/fields.jsonl').head?.rows).toBe(2)
  })

  it('reads each row of a mixed-layout file by its own layout, reporting the one that has none', () => {
    expect(dataset('data/mixed.jsonl').head).toMatchObject({ rows: 4, invalidRows: 1 })
    expect(findingsOf('data/mixed.jsonl')).toEqual([
      expect.objectContaining({ line: 5, message: expect.stringMatching(/fields seen: title, body$/) })
    ])
  })

  it('reads CSV quoted newlines, reports a ragged row at its line, and refuses duplicate headers', () => {
    expect(dataset('data/quoted.csv').head).toMatchObject({ rows: 2, invalidRows: 1 })
    expect(findingsOf('data/quoted.csv')).toEqual([
      expect.objectContaining({ line: 4, message: 'expected 2 fields as in the header row, got 4' })
    ])
    expect(findingsOf('data/duplicate-header.csv')).toEqual([
      expect.objectContaining({
        kind: 'invalid-file',
        message: expect.stringMatching(/duplicate column name "prompt"/)
      })
    ])
    // Without a header the first row is read as one: the next rows then name the fields they were found under.
    expect(findingsOf('data/no-header.csv')).toEqual([
      expect.objectContaining({
        line: 2,
        message: expect.stringMatching(/fields seen: what is the capital of france, paris$/)
      })
    ])
  })

  it('reports an LFS pointer whose object is missing, with the fix', () => {
    expect(findingsOf('data/lfs.jsonl')).toEqual([
      expect.objectContaining({ kind: 'lfs-pointer', message: expect.stringContaining('git lfs fetch') })
    ])
  })

  it('never follows a symlink, inside or out of the repository', () => {
    const names = report.datasets.map(d => d.name)
    expect(names.filter(n => n.includes('link'))).toEqual([])
    expect(JSON.stringify(report)).not.toContain(OUTSIDE_SECRET)
    expect(JSON.stringify(report)).not.toContain('root:')
  })

  it('follows a renamed and edited file, and reports a deleted one without rules', () => {
    expect(report.datasets.map(d => d.name)).not.toContain('data/edited.jsonl')
    expect(dataset('data/renamed.jsonl')).toMatchObject({ status: 'modified' })
    expect(dataset('data/renamed.jsonl').change).toMatchObject({
      unchanged: 4,
      changed: 1,
      added: 2,
      removed: 1
    })
    expect(dataset('data/deleted.jsonl')).toMatchObject({ status: 'deleted', head: null })
    const deletedRules = report.verdict.results.filter(x => x.dataset === 'data/deleted.jsonl')
    expect(deletedRules.length).toBeGreaterThan(0)
    expect(deletedRules.every(x => x.outcome === 'skipped')).toBe(true)
  })
})

describe('a line longer than the reader holds', () => {
  it('is skipped as one invalid row, and the next line is read', async () => {
    const huge = Buffer.alloc(MAX_RECORD_BYTES + 1024, 0x61)
    const bytes = Buffer.concat([Buffer.from('{"prompt": "'), huge, Buffer.from(`"}\n${row('after')}\n`)])
    expect(await collect(readJsonl(oneChunk(bytes)))).toEqual([
      { kind: 'error', line: 1, reason: expect.stringMatching(/^line longer than 32 MiB; skipped$/) },
      { kind: 'record', line: 2, record: { prompt: 'after', response: 'ok' } }
    ])
  })
})
