// The record readers' shared item type, and the one entry point that picks a reader by format. Readers never
// throw on bad input: a bad row is an `error` item and reading goes on; a file that cannot be read at all is one
// `fatal` item (possibly after the rows read before the damage).

import type { DataFormat } from '../types.js'
import { readDelimited } from './delimited.js'
import { readJson } from './json-array.js'
import { readJsonl } from './jsonl.js'
import { readParquet } from './parquet.js'
import type { ByteSource } from './text-bytes.js'

export type { ByteSource } from './text-bytes.js'

export type RecordItem =
  | { kind: 'record'; line: number; record: Record<string, unknown> }
  /** One bad row; reading goes on. */
  | { kind: 'error'; line: number; reason: string }
  /** The whole file (or the rest of it) cannot be read: binary, corrupt Parquet, not an array... */
  | { kind: 'fatal'; reason: string }

export function readRecords(source: ByteSource, format: DataFormat): AsyncGenerator<RecordItem> {
  switch (format) {
    case 'jsonl':
      return readJsonl(source)
    case 'json':
      return readJson(source)
    case 'csv':
      return readDelimited(source, ',')
    case 'tsv':
      return readDelimited(source, '\t')
    case 'parquet':
      return readParquet(source)
  }
}
