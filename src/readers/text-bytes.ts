// Byte-level helpers shared by the text readers (JSONL, JSON, CSV/TSV): the binary sniff, the UTF-8 BOM, and
// the limits that keep memory bounded whatever a file holds.

/** A file's bytes as they arrive, for example a git blob streamed from `git cat-file`. */
export type ByteSource = AsyncIterable<Uint8Array>

/** How much of a file is inspected for NUL bytes: the same window git uses to call a file binary. */
export const SNIFF_BYTES = 8 * 1024

/**
 * The largest single row a reader holds in memory. A real prompt/response row is far below this; a larger one is
 * almost always a broken file (an unclosed quote or bracket swallowing the rest), and holding it would let one
 * bad file exhaust the runner's memory.
 */
export const MAX_RECORD_BYTES = 32 * 1024 * 1024

/** Reasons are shown in PR comments; error messages that quote the input are cut to this length. */
export const MAX_REASON_CHARS = 200

export const NOT_UTF8_REASON = 'binary or UTF-16 file; datasets must be UTF-8'

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const

export const LF = 0x0a
export const CR = 0x0d

/** A Uint8Array as a Buffer over the same memory (no copy). */
export function bufferOf(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
}

export type TextOpen = { ok: true; chunks: AsyncGenerator<Buffer> } | { ok: false; reason: string }

/**
 * Opens a byte source as UTF-8 text: inspects the first 8 KiB, refuses UTF-16/32 (a BOM) and binary files (a NUL
 * byte), drops a UTF-8 BOM, and hands back the chunks, the inspected prefix included, without reading further.
 */
export async function openText(source: ByteSource): Promise<TextOpen> {
  const iterator = source[Symbol.asyncIterator]()
  const head: Buffer[] = []
  let headBytes = 0
  let exhausted = false
  while (headBytes < SNIFF_BYTES) {
    const next = await iterator.next()
    if (next.done) {
      exhausted = true
      break
    }
    const chunk = bufferOf(next.value)
    if (chunk.length === 0) continue
    head.push(chunk)
    headBytes += chunk.length
  }
  const prefix = head.length === 1 ? head[0]! : Buffer.concat(head, headBytes)
  if (isUtf16Bom(prefix) || prefix.subarray(0, SNIFF_BYTES).includes(0)) {
    if (!exhausted) await iterator.return?.()
    return { ok: false, reason: NOT_UTF8_REASON }
  }
  const start = UTF8_BOM.every((byte, i) => prefix[i] === byte) ? UTF8_BOM.length : 0
  return { ok: true, chunks: replay([prefix.subarray(start)], exhausted ? null : iterator) }
}

function isUtf16Bom(bytes: Buffer): boolean {
  const [a, b] = bytes
  return (a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)
}

/** Yields the already-read chunks, then the rest of the iterator. */
export async function* replay(
  prefix: Buffer[],
  rest: AsyncIterator<Uint8Array> | null
): AsyncGenerator<Buffer> {
  for (const chunk of prefix) if (chunk.length > 0) yield chunk
  if (rest === null) return
  let finished = false
  try {
    for (;;) {
      const next = await rest.next()
      if (next.done) {
        finished = true
        return
      }
      if (next.value.length > 0) yield bufferOf(next.value)
    }
  } finally {
    // A consumer that stops early (a fatal error) releases the underlying source, e.g. a git process.
    if (!finished) await rest.return?.()
  }
}

/** Joins the parts of one line or element; avoids a copy in the usual one-part case. */
export function joinParts(parts: Buffer[], bytes: number): Buffer {
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, bytes)
}

/** An error message cut to a readable length. */
export function shortReason(text: string): string {
  return text.length <= MAX_REASON_CHARS ? text : `${text.slice(0, MAX_REASON_CHARS - 1)}…`
}

/** The JSON type of a parsed value, for "expected a JSON object, got …" messages. */
export function jsonKind(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value === 'object' ? 'object' : typeof value
}

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Decodes and parses one JSON value. Returns the reason on failure instead of throwing. */
export function parseJsonBytes(bytes: Buffer): { ok: true; value: unknown } | { ok: false; reason: string } {
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    return { ok: false, reason: 'invalid UTF-8' }
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (error) {
    return { ok: false, reason: shortReason(`invalid JSON: ${(error as Error).message}`) }
  }
}
