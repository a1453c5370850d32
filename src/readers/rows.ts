// The one reader the pipeline calls: bytes in, analysed-ready rows out (text sides, provenance and a stable
// content string), with every problem as an error item rather than an exception.

import type { FieldsConfig, ProvenanceConfig } from '../config/types.js'
import type { DataFormat, Row } from '../types.js'
import { provenanceResolver } from './provenance.js'
import { readRecords, type ByteSource } from './records.js'
import { extractText } from './text-fields.js'

export interface RowSource {
  file: string
  format: DataFormat
  fields?: FieldsConfig
  provenance?: ProvenanceConfig
}

export type RowItem =
  { kind: 'row'; row: Row } | { kind: 'error'; line?: number; reason: string; fatal: boolean }

export async function* readRows(source: ByteSource, options: RowSource): AsyncGenerator<RowItem> {
  const provenanceOf = provenanceResolver(options.provenance, options.file)
  for await (const item of readRecords(source, options.format)) {
    if (item.kind === 'fatal') {
      yield { kind: 'error', reason: item.reason, fatal: true }
      continue
    }
    if (item.kind === 'error') {
      yield { kind: 'error', line: item.line, reason: item.reason, fatal: false }
      continue
    }
    const text = extractText(item.record, options.fields)
    if (!text.ok) {
      yield { kind: 'error', line: item.line, reason: text.reason, fatal: false }
      continue
    }
    yield {
      kind: 'row',
      row: {
        file: options.file,
        line: item.line,
        input: text.input,
        output: text.output,
        provenance: provenanceOf(item.record),
        content: stableJson(item.record)
      }
    }
  }
}

/** JSON with object keys sorted at every depth, so equal records give equal strings whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(item => stableJson(item ?? null)).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>
    const entries = Object.keys(record)
      .filter(key => record[key] !== undefined)
      .sort()
      .map(key => `${JSON.stringify(key)}:${stableJson(record[key])}`)
    return `{${entries.join(',')}}`
  }
  if (typeof value === 'bigint') return value.toString()
  return JSON.stringify(value) ?? 'null'
}
