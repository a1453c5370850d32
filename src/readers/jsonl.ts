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
export async function* readJsonlBatches(
  source: ByteSource,
  wanted?: (line: number) => boolean
): AsyncGenerator<RecordItem[]> {
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
    const batch: RecordItem[] = []
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
      const item = wanted && !wanted(line) ? null : lineItem(data, line, tooLong, false)
      if (item) batch.push(item)
      start = newline + 1
    }
    if (batch.length > 0) yield batch
  }
  if (bytes > 0 || oversized) {
    line++
    const { data, oversized: tooLong } = take()
    const item = wanted && !wanted(line) ? null : lineItem(data, line, tooLong, true)
    if (item) yield [item]
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
