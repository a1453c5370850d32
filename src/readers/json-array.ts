// JSON files: a top-level array of row objects, or a top-level object whose first array-valued property holds the
// rows (`{"data": [...]}`). A small byte scanner finds where each element starts and ends (tracking strings,
// escapes and nesting depth) and each element is parsed on its own, so memory holds one element, not the file,
// and a syntax error costs one element rather than the whole file.

import { readJsonl } from './jsonl.js'
import type { ByteSource, RecordItem } from './records.js'
import {
  CR,
  LF,
  MAX_RECORD_BYTES,
  isPlainRecord,
  joinParts,
  jsonKind,
  openText,
  parseJsonBytes,
  replay
} from './text-bytes.js'

const TAB = 0x09
const SPACE = 0x20
const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d

const NO_ARRAY_REASON =
  'the top-level object holds no array of rows (the first property whose value is an array is read)'
const NOT_AN_ARRAY_PREFIX = 'expected a top-level array of objects, got '
/** Top-level values that are JSON but not rows; anything else there is a syntax error. */
const NON_ROW_KINDS = ['a string', 'a number', 'a boolean', 'null']
const CUT_OFF_OBJECT_REASON = 'the file ends inside the top-level object: it may be cut off'

/**
 * Whether a fatal reason says the file is a JSON document that holds no rows (a settings file, a manifest),
 * rather than a broken one: such a file, found without configuration, is not a dataset. A syntax error, a
 * binary file or a cut-off document is never this.
 */
export function isNotRowsReason(reason: string): boolean {
  if (reason === NO_ARRAY_REASON) return true
  return (
    reason.startsWith(NOT_AN_ARRAY_PREFIX) && NON_ROW_KINDS.includes(reason.slice(NOT_AN_ARRAY_PREFIX.length))
  )
}

/**
 * Reads a `.json` file. Many tools (pandas `lines=True`, Hugging Face `to_json`) write JSON Lines under a `.json`
 * name; when the first line is a complete object and another object follows, the file is read as JSON Lines.
 */
export async function* readJson(source: ByteSource): AsyncGenerator<RecordItem> {
  const text = await openText(source)
  if (!text.ok) {
    yield { kind: 'fatal', reason: text.reason }
    return
  }
  const iterator = text.chunks[Symbol.asyncIterator]()
  const { head, jsonLines, exhausted } = await sniffJsonLines(iterator)
  const chunks = replay(head, exhausted ? null : iterator)
  yield* jsonLines ? readJsonl(chunks) : readJsonArray(chunks)
}

/** Reads the first line (and the first byte after it) to tell JSON Lines from one JSON document. */
async function sniffJsonLines(
  iterator: AsyncIterator<Buffer>
): Promise<{ head: Buffer[]; jsonLines: boolean; exhausted: boolean }> {
  const head: Buffer[] = []
  let held = 0
  let firstOffset = -1
  let newlineOffset = -1
  let offset = 0
  for (let index = 0; ; index++) {
    if (index === head.length) {
      // A first line this long is not worth holding to find out; read it as one document.
      if (held > MAX_RECORD_BYTES) return { head, jsonLines: false, exhausted: false }
      const next = await iterator.next()
      if (next.done) return { head, jsonLines: false, exhausted: true }
      head.push(next.value)
      held += next.value.length
    }
    // Find the first non-space byte, then the end of its line, then the first non-space byte after that.
    for (const byte of head[index]!) {
      if (firstOffset === -1) {
        if (!isSpace(byte)) {
          if (byte !== OPEN_BRACE) return { head, jsonLines: false, exhausted: false }
          firstOffset = offset
        }
      } else if (newlineOffset === -1) {
        if (byte === LF) newlineOffset = offset
      } else if (!isSpace(byte)) {
        if (byte !== OPEN_BRACE) return { head, jsonLines: false, exhausted: false }
        const firstLine = Buffer.concat(head, held).subarray(firstOffset, newlineOffset)
        const parsed = parseJsonBytes(firstLine)
        return { head, jsonLines: parsed.ok && isPlainRecord(parsed.value), exhausted: false }
      }
      offset++
    }
  }
}

function isSpace(byte: number): boolean {
  return byte === SPACE || byte === LF || byte === CR || byte === TAB
}

/** Reads a top-level JSON array of objects, or an object holding one. */
export async function* readJsonArray(source: ByteSource): AsyncGenerator<RecordItem> {
  const text = await openText(source)
  if (!text.ok) {
    yield { kind: 'fatal', reason: text.reason }
    return
  }
  const scanner = new ArrayScanner()
  for await (const chunk of text.chunks) {
    yield* scanner.feed(chunk)
    if (scanner.finished) return
  }
  yield* scanner.end()
}

type State =
  | 'root' // before the top-level value
  | 'object-key' // in the top-level object, before a property name or `}`
  | 'object-colon' // after a property name
  | 'object-value' // before a property value
  | 'object-comma' // after a property value that is not the rows
  | 'item' // in the rows array, before an element or `]`
  | 'item-comma' // after an element
  | 'value' // inside a value (see `Value`)
  | 'after' // after the top-level array: only white space may follow

interface Value {
  kind: 'composite' | 'string' | 'scalar'
  /** Elements are parsed; property values of the top-level object are skipped. */
  element: boolean
  startLine: number
  started: boolean
  depth: number
  inString: boolean
  escaped: boolean
  /** A problem the scanner itself saw (an unterminated string); the element is not parsed. */
  problem: string | null
  /** Set when the element lacks the comma that should precede it. */
  missingComma: boolean
  parts: Buffer[]
  /** Bytes held in `parts`. */
  bytes: number
  oversized: boolean
  next: State
}

class ArrayScanner {
  finished = false
  private state: State = 'root'
  private line = 1
  private inObject = false
  private commaPending = false
  private value: Value | null = null
  private missingComma = false

  feed(chunk: Buffer): RecordItem[] {
    const items: RecordItem[] = []
    let i = 0
    let captureFrom = -1
    while (i < chunk.length && !this.finished) {
      const byte = chunk[i]!
      let advance = true
      switch (this.state) {
        case 'root':
          if (isSpace(byte)) break
          if (byte === OPEN_BRACKET) this.state = 'item'
          else if (byte === OPEN_BRACE) {
            this.inObject = true
            this.state = 'object-key'
          } else items.push(this.fatal(`${NOT_AN_ARRAY_PREFIX}${scalarKind(byte)}`))
          break
        case 'object-key':
          if (isSpace(byte) || byte === COMMA) break
          if (byte === QUOTE) {
            this.begin(false, 'object-colon')
            advance = false
          } else if (byte === CLOSE_BRACE) items.push(this.fatal(NO_ARRAY_REASON))
          else items.push(this.fatal(`invalid JSON at line ${this.line}: expected a property name`))
          break
        case 'object-colon':
          if (isSpace(byte)) break
          if (byte === COLON) this.state = 'object-value'
          else items.push(this.fatal(`invalid JSON at line ${this.line}: expected ':' after a property name`))
          break
        case 'object-value':
          if (isSpace(byte)) break
          if (byte === OPEN_BRACKET) this.state = 'item'
          else if (byte === COMMA || byte === CLOSE_BRACE) {
            items.push(this.fatal(`invalid JSON at line ${this.line}: expected a value`))
          } else {
            this.begin(false, 'object-comma')
            advance = false
          }
          break
        case 'object-comma':
          if (isSpace(byte)) break
          if (byte === COMMA) this.state = 'object-key'
          else if (byte === CLOSE_BRACE) items.push(this.fatal(NO_ARRAY_REASON))
          else items.push(this.fatal(`invalid JSON at line ${this.line}: expected ',' or '}'`))
          break
        case 'item':
          if (isSpace(byte)) break
          if (byte === CLOSE_BRACKET) {
            if (this.commaPending) items.push(this.error('trailing comma before the closing ]'))
            this.endArray()
          } else if (byte === COMMA) {
            items.push(this.error('empty element (two commas in a row)'))
          } else {
            this.begin(true, 'item-comma')
            advance = false
          }
          break
        case 'item-comma':
          if (isSpace(byte)) break
          if (byte === COMMA) {
            this.commaPending = true
            this.state = 'item'
          } else if (byte === CLOSE_BRACKET) this.endArray()
          else {
            this.missingComma = true
            this.state = 'item'
            advance = false
          }
          break
        case 'value': {
          const value = this.value!
          if (captureFrom === -1 && value.element && !value.oversized) captureFrom = i
          const done = this.scanValueByte(value, byte)
          if (done === 'before') {
            advance = false
          } else if (done === 'after') {
            i++
            if (byte === LF) this.line++
            advance = false
          }
          if (done !== null) {
            if (captureFrom !== -1) this.capture(value, chunk.subarray(captureFrom, i))
            captureFrom = -1
            this.value = null
            this.state = value.next
            if (value.element) items.push(this.elementItem(value))
          }
          break
        }
        case 'after':
          if (isSpace(byte)) break
          items.push(this.error('unexpected content after the top-level array; ignored'))
          this.finished = true
          break
      }
      if (advance) {
        if (byte === LF) this.line++
        i++
      }
    }
    if (captureFrom !== -1 && this.value) this.capture(this.value, chunk.subarray(captureFrom))
    return items
  }

  end(): RecordItem[] {
    if (this.finished) return []
    this.finished = true
    const value = this.value
    switch (this.state) {
      case 'root':
      case 'after':
        return []
      case 'item':
      case 'item-comma':
        return [this.errorAt(this.line, 'the file ends before the array is closed with ]: it may be cut off')]
      case 'value':
        if (value?.element && value.kind === 'scalar') return [this.elementItem(value)]
        if (value?.element) {
          return [
            this.errorAt(
              value.startLine,
              'the file ends inside this element: it is cut off, or an unbalanced bracket or unterminated ' +
                'string swallowed the rest of the file'
            )
          ]
        }
        return [{ kind: 'fatal', reason: CUT_OFF_OBJECT_REASON }]
      default:
        return [{ kind: 'fatal', reason: CUT_OFF_OBJECT_REASON }]
    }
  }

  private begin(element: boolean, next: State): void {
    this.value = {
      kind: 'scalar',
      element,
      startLine: this.line,
      started: false,
      depth: 0,
      inString: false,
      escaped: false,
      problem: null,
      missingComma: element && this.missingComma,
      parts: [],
      bytes: 0,
      oversized: false,
      next
    }
    if (element) {
      this.missingComma = false
      this.commaPending = false
    }
    this.state = 'value'
  }

  /**
   * Advances a value by one byte. Returns null while the value goes on, 'after' when this byte closes it, and
   * 'before' when this byte already belongs to what follows (the end of a number or literal).
   */
  private scanValueByte(value: Value, byte: number): 'before' | 'after' | null {
    if (!value.started) {
      // The first byte decides the kind of value, and is always consumed so the scanner makes progress.
      value.started = true
      if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        value.kind = 'composite'
        value.depth = 1
      } else if (byte === QUOTE) {
        value.kind = 'string'
        value.inString = true
      }
      return null
    }
    if (value.inString) {
      if (value.escaped) value.escaped = false
      else if (byte === BACKSLASH) value.escaped = true
      else if (byte === QUOTE) {
        value.inString = false
        if (value.kind === 'string') return 'after'
      } else if (byte === LF) {
        // JSON strings cannot hold a raw line break: the string was never closed. Ending it here lets the
        // scanner find the next element in pretty-printed files instead of losing the rest of the file.
        value.problem ??= `unterminated string (a line break inside a string at line ${this.line})`
        value.inString = false
        if (value.kind === 'string') return 'after'
      }
      return null
    }
    if (value.kind === 'scalar') {
      return isSpace(byte) || byte === COMMA || byte === CLOSE_BRACKET || byte === CLOSE_BRACE
        ? 'before'
        : null
    }
    if (byte === QUOTE) value.inString = true
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) value.depth++
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      value.depth--
      if (value.depth === 0) return 'after'
    }
    return null
  }

  private capture(value: Value, piece: Buffer): void {
    if (!value.element || value.oversized || piece.length === 0) return
    value.bytes += piece.length
    if (value.bytes > MAX_RECORD_BYTES) {
      value.oversized = true
      value.parts = []
      return
    }
    value.parts.push(piece)
  }

  private elementItem(value: Value): RecordItem {
    const line = value.startLine
    if (value.missingComma) return this.errorAt(line, "missing ',' before this element")
    if (value.oversized) {
      return this.errorAt(line, `element larger than ${MAX_RECORD_BYTES / (1024 * 1024)} MiB; skipped`)
    }
    if (value.problem) return this.errorAt(line, value.problem)
    const parsed = parseJsonBytes(joinParts(value.parts, value.bytes))
    if (!parsed.ok) return this.errorAt(line, parsed.reason)
    if (!isPlainRecord(parsed.value)) {
      return this.errorAt(line, `expected a JSON object, got ${jsonKind(parsed.value)}`)
    }
    return { kind: 'record', line, record: parsed.value }
  }

  private endArray(): void {
    this.commaPending = false
    // The rest of a holding object (other properties) is not read.
    if (this.inObject) this.finished = true
    else this.state = 'after'
  }

  private error(reason: string): RecordItem {
    return this.errorAt(this.line, reason)
  }

  private errorAt(line: number, reason: string): RecordItem {
    return { kind: 'error', line, reason }
  }

  private fatal(reason: string): RecordItem {
    this.finished = true
    return { kind: 'fatal', reason }
  }
}

function scalarKind(byte: number): string {
  if (byte === QUOTE) return 'a string'
  if (byte === 0x2d || (byte >= 0x30 && byte <= 0x39)) return 'a number'
  if (byte === 0x74 || byte === 0x66) return 'a boolean'
  if (byte === 0x6e) return 'null'
  return `'${String.fromCharCode(byte)}', which is not JSON`
}
