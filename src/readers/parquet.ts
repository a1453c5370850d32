// Parquet through hyparquet. Parquet keeps its index at the end of the file, so the byte stream is spooled to a
// temporary file first; rows are then read a row group (or, where the file has an offset index, a slice of one)
// at a time through a file handle, so memory holds one batch of rows, never the file.

import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parquetMetadataAsync, parquetReadObjects, type AsyncBuffer, type FileMetaData } from 'hyparquet'
import type { ByteSource, RecordItem } from './records.js'
import { bufferOf, shortReason } from './text-bytes.js'

/**
 * Rows per read inside a large row group. Only files with an offset index can be read in slices (hyparquet then
 * fetches just the pages a slice needs); without one, a row group is read whole, which is as much as its writer
 * chose to hold in memory at once.
 */
export const PARQUET_ROWS_PER_READ = 10_000

/** Codecs hyparquet decodes on its own; the others need hyparquet-compressors, which is not installed. */
const SUPPORTED_CODECS = new Set(['UNCOMPRESSED', 'SNAPPY'])

const MAGIC = 'PAR1'
/** The smallest possible Parquet file: magic, footer length, magic. */
const MIN_PARQUET_BYTES = 12

export interface ParquetReadOptions {
  rowsPerRead?: number
  /** Where the spooled copy goes; the system temp folder by default. */
  tempDir?: string
}

export async function* readParquet(
  source: ByteSource,
  options: ParquetReadOptions = {}
): AsyncGenerator<RecordItem> {
  const rowsPerRead = Math.max(1, options.rowsPerRead ?? PARQUET_ROWS_PER_READ)
  const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'dataset-guard-'))
  try {
    const path = join(dir, 'data.parquet')
    const size = await spool(source, path)
    const handle = await open(path, 'r')
    try {
      const file = fileAsyncBuffer(handle, size)
      const metadata = await readMetadata(file)
      if (typeof metadata === 'string') {
        yield { kind: 'fatal', reason: metadata }
        return
      }
      let groupStart = 0
      for (const [index, group] of metadata.row_groups.entries()) {
        const groupRows = Number(group.num_rows)
        const groupEnd = groupStart + groupRows
        const step = hasOffsetIndex(group) ? rowsPerRead : groupRows
        for (let start = groupStart; start < groupEnd; start += step) {
          const end = Math.min(start + step, groupEnd)
          let rows: Record<string, unknown>[]
          try {
            rows = await parquetReadObjects({
              file,
              metadata,
              rowStart: start,
              rowEnd: end,
              useOffsetIndex: true
            })
          } catch (error) {
            const where = `rows ${start + 1}-${end} (row group ${index + 1})`
            yield {
              kind: 'fatal',
              reason: shortReason(`${where} cannot be read: ${(error as Error).message}`)
            }
            return
          }
          for (const [offset, row] of rows.entries()) {
            yield { kind: 'record', line: start + offset + 1, record: plainRecord(row) }
          }
        }
        groupStart = groupEnd
      }
    } finally {
      await handle.close()
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function spool(source: ByteSource, path: string): Promise<number> {
  const out = await open(path, 'w')
  let size = 0
  try {
    for await (const chunk of source) {
      await out.write(bufferOf(chunk))
      size += chunk.length
    }
  } finally {
    await out.close()
  }
  return size
}

/** An AsyncBuffer that reads byte ranges from an open file on demand. */
function fileAsyncBuffer(handle: FileHandle, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end: number = size): Promise<ArrayBuffer> {
      const from = Math.max(0, start)
      const length = Math.max(0, Math.min(end, size) - from)
      const bytes = new Uint8Array(length)
      let filled = 0
      while (filled < length) {
        const { bytesRead } = await handle.read(bytes, filled, length - filled, from + filled)
        if (bytesRead === 0) break
        filled += bytesRead
      }
      return bytes.buffer
    }
  }
}

/** The file's metadata, or the reason it cannot be read. */
async function readMetadata(file: AsyncBuffer): Promise<FileMetaData | string> {
  if (file.byteLength < MIN_PARQUET_BYTES) return 'not a Parquet file (too short)'
  const head = Buffer.from(await file.slice(0, MAGIC.length)).toString('latin1')
  if (head !== MAGIC) return 'not a Parquet file (it does not start with PAR1)'
  let metadata: FileMetaData
  try {
    metadata = await parquetMetadataAsync(file)
  } catch (error) {
    return shortReason(`corrupt Parquet file: ${(error as Error).message}`)
  }
  const codecs = new Set<string>()
  for (const group of metadata.row_groups) {
    for (const column of group.columns) {
      const codec = column.meta_data?.codec
      if (codec && !SUPPORTED_CODECS.has(codec)) codecs.add(codec)
    }
  }
  if (codecs.size > 0) {
    return `Parquet compression ${[...codecs].join(', ')} is not supported (only uncompressed and SNAPPY); rewrite the file with SNAPPY`
  }
  return metadata
}

function hasOffsetIndex(group: FileMetaData['row_groups'][number]): boolean {
  return group.columns.every(
    column => column.offset_index_offset !== undefined && !!column.offset_index_length
  )
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER)
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** A row with Parquet's non-JSON values (bigint, Date, bytes) turned into JSON ones, so rows compare as JSON. */
function plainRecord(row: Record<string, unknown>): Record<string, unknown> {
  return plainValue(row) as Record<string, unknown>
}

function plainValue(value: unknown): unknown {
  if (value === undefined) return null
  if (typeof value === 'bigint')
    return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value.toString()
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
  if (value instanceof Uint8Array) {
    try {
      return strictUtf8.decode(value)
    } catch {
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
    }
  }
  if (Array.isArray(value)) return value.map(plainValue)
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>, plainValue)
  if (typeof value === 'object' && value !== null) {
    const plain: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) {
      Object.defineProperty(plain, key, {
        value: plainValue(inner),
        enumerable: true,
        writable: true,
        configurable: true
      })
    }
    return plain
  }
  return value
}
