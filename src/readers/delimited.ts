// CSV and TSV through csv-parse's streaming parser. The first non-blank row names the columns; every later row
// becomes a record keyed by those names. Values stay strings: the analysis reads text, and guessing types would
// change what a row "is" between commits.

import { parse, type Parser } from 'csv-parse'
import type { ByteSource, RecordItem } from './records.js'
import { MAX_RECORD_BYTES, openText, shortReason } from './text-bytes.js'

const CR_ONLY_REASON =
  'the header row holds a carriage return: lines ending in CR alone (old Mac line ends) are not read; save the file with LF or CRLF line ends'

/** What csv-parse hands `on_record` when `raw` is on. */
interface RawRecord {
  record: string[]
  raw: string
}

type ParseEvent =
  { kind: 'record'; fields: string[]; raw: string } | { kind: 'skip'; reason: string; raw: string }

export async function* readDelimited(source: ByteSource, delimiter: string): AsyncGenerator<RecordItem> {
  const text = await openText(source)
  if (!text.ok) {
    yield { kind: 'fatal', reason: text.reason }
    return
  }
  const events: ParseEvent[] = []
  const parser = parse({
    delimiter,
    // Lines end at LF, as git and GitHub count them. Left to itself csv-parse takes the first line ending it meets
    // as the only one, so a stray CR at the start made the whole file one record (no rows, no finding), and a file
    // mixing CRLF and LF kept the LFs inside fields and numbered lines past its end.
    record_delimiter: ['\r\n', '\n'],
    raw: true,
    // Ragged rows and stray quotes are reported per row below instead of stopping the file.
    relax_column_count: true,
    relax_quotes: true,
    skip_records_with_error: true,
    // Records are collected here, in order with the skipped ones, rather than pushed through the stream.
    on_record: (wrapped: unknown) => {
      const { record, raw } = wrapped as RawRecord
      events.push({ kind: 'record', fields: record, raw })
      return null
    },
    on_skip: (error, raw) => {
      events.push({ kind: 'skip', reason: shortReason(error?.message ?? 'unreadable row'), raw: raw ?? '' })
      return undefined
    }
  })
  parser.on('error', () => {
    // Reported through the write callbacks below.
  })
  parser.resume()

  const rows = new RowBuilder()
  const utf8 = new TextDecoder('utf-8', { fatal: true })
  let bytesFed = 0
  let parserFailed = false
  try {
    for await (const chunk of text.chunks) {
      if (!rows.invalidUtf8) {
        try {
          utf8.decode(chunk, { stream: true })
        } catch {
          rows.invalidUtf8 = true
        }
      }
      bytesFed += chunk.length
      const failure = await writeChunk(parser, chunk)
      yield* rows.drain(events)
      if (failure) {
        parserFailed = true
        yield {
          kind: 'fatal',
          reason: shortReason(`the file cannot be parsed from line ${rows.nextLine}: ${failure}`)
        }
        return
      }
      if (rows.fatal) {
        yield { kind: 'fatal', reason: rows.fatal }
        return
      }
      // A row that never ends (an unclosed quote) would otherwise be held whole in memory.
      if (bytesFed - parser.info.bytes > MAX_RECORD_BYTES) {
        const mib = MAX_RECORD_BYTES / (1024 * 1024)
        yield {
          kind: 'fatal',
          reason: `the row starting at line ${rows.nextLine} is larger than ${mib} MiB (an unclosed quote?); the rest of the file is not read`
        }
        return
      }
    }
    try {
      utf8.decode()
    } catch {
      rows.invalidUtf8 = true // the file ends inside a multi-byte character
    }
    const failure = await endParser(parser)
    yield* rows.drain(events)
    if (failure) yield { kind: 'fatal', reason: shortReason(`the file cannot be parsed: ${failure}`) }
    else if (rows.fatal) yield { kind: 'fatal', reason: rows.fatal }
  } finally {
    if (parserFailed || !parser.writableFinished) parser.destroy()
  }
}

function writeChunk(parser: Parser, chunk: Buffer): Promise<string | null> {
  return new Promise(resolve => {
    parser.write(chunk, error => resolve(error ? error.message : null))
  })
}

function endParser(parser: Parser): Promise<string | null> {
  return new Promise(resolve => {
    parser.once('end', () => resolve(null))
    parser.once('error', error => resolve(error.message))
    parser.end()
  })
}

/** Turns parse events into record items, tracking the header and the line each row starts on. */
class RowBuilder {
  /** The line the next row starts on. */
  nextLine = 1
  invalidUtf8 = false
  fatal: string | null = null
  private header: string[] | null = null;

  *drain(events: ParseEvent[]): Generator<RecordItem> {
    for (const event of events) {
      if (this.fatal) break
      const line = this.nextLine
      // csv-parse's own line counter counts a CRLF inside quotes twice, so lines are counted from the raw text.
      this.nextLine += linesSpanned(event.raw)
      if (event.kind === 'skip') {
        yield { kind: 'error', line, reason: event.reason }
        continue
      }
      const fields = event.fields
      if (fields.length === 1 && fields[0]?.trim() === '') continue // a blank line
      if (this.header === null) {
        this.header = fields.map(name => name.trim())
        this.fatal = fields.some(name => name.includes('\r'))
          ? CR_ONLY_REASON
          : duplicateColumnReason(this.header)
        continue
      }
      if (fields.length !== this.header.length) {
        yield {
          kind: 'error',
          line,
          reason: `expected ${this.header.length} fields as in the header row, got ${fields.length}`
        }
        continue
      }
      if (this.invalidUtf8 && fields.some(field => field.includes('\uFFFD'))) {
        yield { kind: 'error', line, reason: 'invalid UTF-8' }
        continue
      }
      const record: Record<string, unknown> = {}
      this.header.forEach((name, i) => {
        Object.defineProperty(record, name, {
          value: fields[i],
          enumerable: true,
          writable: true,
          configurable: true
        })
      })
      yield { kind: 'record', line, record }
    }
    events.length = 0
  }
}

function duplicateColumnReason(header: string[]): string | null {
  const seen = new Map<string, number>()
  for (const [i, name] of header.entries()) {
    const first = seen.get(name)
    if (first !== undefined) {
      return `duplicate column name ${JSON.stringify(name)} in the header row (columns ${first + 1} and ${i + 1}); rename one so rows can be read by name`
    }
    seen.set(name, i)
  }
  return null
}

/** How many lines a row's raw text covers, its own line break included. Only LF ends a line, as in git. */
function linesSpanned(raw: string): number {
  const end = raw.endsWith('\n') ? raw.length - 1 : raw.length
  let breaks = 0
  for (let i = 0; i < end; i++) if (raw.charCodeAt(i) === 0x0a) breaks++
  return breaks + 1
}
