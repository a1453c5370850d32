// JSON Lines: one JSON object per line. Lines are split on the byte \n only, so U+2028/U+2029 inside strings
// (legal in JSON, line terminators in JavaScript) never break a row, and each line is held only while it is parsed.

import type { ByteSource, RecordItem } from './records.js'
import {
  CR,
  LF,
  MAX_RECORD_BYTES,
  isPlainRecord,
  joinParts,
  jsonKind,
  openText,
  parseJsonBytes
} from './text-bytes.js'

export async function* readJsonl(
  source: ByteSource,
  wanted?: (line: number) => boolean
): AsyncGenerator<RecordItem> {
  for await (const batch of readJsonlBatches(source, wanted)) yield* batch
}

/**
 * The items of readJsonl, one batch per chunk of bytes read. Each step of an async iteration costs about as
 * much as parsing a short line, so a caller that reads millions of rows iterates batches. With `wanted`, only
 * the lines it accepts (1-based) are parsed; the others give no item.
 */
export function readJsonlBatches(
  source: ByteSource,
  wanted?: (line: number) => boolean
): AsyncGenerator<RecordItem[]> {
  return lineBatches(source, (data, line, oversized, unterminated) =>
    wanted && !wanted(line) ? null : lineItem(data, line, oversized, unterminated)
  )
}

/** One line of a JSONL file as read, before parsing: `jsonlLineItem` parses it. */
export interface JsonlLine {
  /** 1-based. */
  line: number
  /** The line's bytes without its \n (a \r before it is kept); empty when oversized. */
  data: Buffer
  oversized: boolean
  /** The last line of a file that does not end in a line break. */
  unterminated: boolean
}

/**
 * A JSONL file's lines, unparsed, one batch per chunk read (or the file's one fatal item): for a caller that
 * decides line by line whether to parse (the reading thread leaves head lines that repeat a base line byte for
 * byte unparsed). A line's `data` may be a view of the chunk: use it before asking for the next batch.
 */
export function readJsonlLines(
  source: ByteSource
): AsyncGenerator<(JsonlLine | { kind: 'fatal'; reason: string })[]> {
  return lineBatches(source, (data, line, oversized, unterminated) => ({
    line,
    data,
    oversized,
    unterminated
  }))
}

/** What readJsonl gives for a line: its record or error item, or null for a blank line. */
export function jsonlLineItem(line: JsonlLine): RecordItem | null {
  return lineItem(line.data, line.line, line.oversized, line.unterminated)
}

/** The file's lines split on \n, each turned into an item by `item` (null: none), one batch per chunk read. */
async function* lineBatches<T>(
  source: ByteSource,
  item: (data: Buffer, line: number, oversized: boolean, unterminated: boolean) => T | null
): AsyncGenerator<(T | { kind: 'fatal'; reason: string })[]> {
  const text = await openText(source)
  if (!text.ok) {
    yield [{ kind: 'fatal', reason: text.reason }]
    return
  }
  let line = 0
  let parts: Buffer[] = []
  let bytes = 0
  let oversized = false
  const append = (piece: Buffer): void => {
    if (oversized || piece.length === 0) return
    bytes += piece.length
    if (bytes > MAX_RECORD_BYTES) {
      // Drop what was held: the line is reported, not parsed.
      oversized = true
      parts = []
      return
    }
    parts.push(piece)
  }
  const take = (): { data: Buffer; oversized: boolean } => {
    const taken = { data: joinParts(parts, bytes), oversized }
    parts = []
    bytes = 0
    oversized = false
    return taken
  }

  for await (const chunk of text.chunks) {
    const batch: T[] = []
    let start = 0
    for (;;) {
      const newline = chunk.indexOf(LF, start)
      if (newline === -1) {
        append(chunk.subarray(start))
        break
      }
      append(chunk.subarray(start, newline))
      line++
      const { data, oversized: tooLong } = take()
      const made = item(data, line, tooLong, false)
      if (made !== null) batch.push(made)
      start = newline + 1
    }
    if (batch.length > 0) yield batch
  }
  if (bytes > 0 || oversized) {
    line++
    const { data, oversized: tooLong } = take()
    const made = item(data, line, tooLong, true)
    if (made !== null) yield [made]
  }
}

/** The item for one line, or null for a blank line (which still counts for line numbers). */
function lineItem(data: Buffer, line: number, oversized: boolean, unterminated: boolean): RecordItem | null {
  if (oversized) {
    return {
      kind: 'error',
      line,
      reason: `line longer than ${MAX_RECORD_BYTES / (1024 * 1024)} MiB; skipped`
    }
  }
  const end = data.length > 0 && data[data.length - 1] === CR ? data.length - 1 : data.length
  const body = data.subarray(0, end)
  if (isBlank(body)) return null
  const parsed = parseJsonBytes(body)
  if (!parsed.ok) {
    const reason = unterminated
      ? `${parsed.reason} (the last line has no line break: the file may be cut off)`
      : parsed.reason
    return { kind: 'error', line, reason }
  }
  if (!isPlainRecord(parsed.value)) {
    return { kind: 'error', line, reason: `expected a JSON object, got ${jsonKind(parsed.value)}` }
  }
  return { kind: 'record', line, record: parsed.value }
}

function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) {
    if (byte !== 0x20 && byte !== 0x09 && byte !== CR) return false
  }
  return true
}
