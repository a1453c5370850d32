// A saved analysis on disk: a first line naming the format, a JSON header line (with each column's length),
// then each number column as raw little-endian float64 or int32 and each string column as one JSON string per
// line. Columns are written and read one
// at a time in bounded pieces, so a state of millions of keys never becomes one string.

import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { endianness } from 'node:os'
import { dirname } from 'node:path'

export interface StateSections {
  json: unknown
  numbers: Record<string, Float64Array | Int32Array>
  strings: Record<string, string[]>
}

const MAGIC = 'dataset-guard-state 3'
const READ_CHUNK_BYTES = 1 << 20
const WRITE_CHUNK_CHARS = 1 << 20

interface Header {
  json: unknown
  numbers: [name: string, length: number, type: 'f64' | 'i32'][]
  strings: [name: string, count: number][]
}

if (endianness() !== 'LE') throw new Error('dataset-guard state files are little-endian only')

/** Writes the sections to `path` (through a temporary file, so a reader never sees half a file). */
export async function writeStateFile(path: string, sections: StateSections): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const temporary = `${path}.${process.pid}.tmp`
  const header: Header = {
    json: sections.json,
    numbers: Object.entries(sections.numbers).map(([name, values]) => [
      name,
      values.length,
      values instanceof Int32Array ? 'i32' : 'f64'
    ]),
    strings: Object.entries(sections.strings).map(([name, values]) => [name, values.length])
  }
  const out = createWriteStream(temporary)
  const write = async (chunk: string | Buffer): Promise<void> => {
    if (!out.write(chunk)) await once(out, 'drain')
  }
  try {
    await write(`${MAGIC}\n${JSON.stringify(header)}\n`)
    for (const values of Object.values(sections.numbers)) {
      await write(Buffer.from(values.buffer, values.byteOffset, values.byteLength))
    }
    // One JSON string per line, encoded a piece at a time: a column is never held twice.
    for (const values of Object.values(sections.strings)) {
      let piece: string[] = []
      let chars = 0
      for (const value of values) {
        const line = `${JSON.stringify(value)}\n`
        piece.push(line)
        chars += line.length
        if (chars >= WRITE_CHUNK_CHARS) {
          await write(piece.join(''))
          piece = []
          chars = 0
        }
      }
      if (piece.length > 0) await write(piece.join(''))
    }
    out.end()
    await once(out, 'finish')
    await rename(temporary, path)
  } catch (error) {
    out.destroy()
    await rm(temporary, { force: true })
    throw error
  }
}

/** Reads a file written by writeStateFile; throws naming the file when it is not one, or is cut short. */
export async function readStateFile(path: string): Promise<StateSections> {
  const file = await open(path, 'r')
  try {
    let position = 0
    const readLine = async (): Promise<string> => {
      const parts: Buffer[] = []
      for (;;) {
        const chunk = Buffer.alloc(64 * 1024)
        const { bytesRead } = await file.read(chunk, 0, chunk.length, position)
        if (bytesRead === 0) throw new Error(`${path}: not a dataset-guard state file (cut short)`)
        const end = chunk.subarray(0, bytesRead).indexOf(10)
        if (end >= 0) {
          parts.push(chunk.subarray(0, end))
          position += end + 1
          return Buffer.concat(parts).toString('utf8')
        }
        parts.push(chunk.subarray(0, bytesRead))
        position += bytesRead
      }
    }
    const readExactly = async (target: Uint8Array): Promise<void> => {
      let filled = 0
      while (filled < target.length) {
        const { bytesRead } = await file.read(target, filled, target.length - filled, position)
        if (bytesRead === 0) throw new Error(`${path}: state file is cut short`)
        filled += bytesRead
        position += bytesRead
      }
    }
    if ((await readLine()) !== MAGIC) throw new Error(`${path}: not a dataset-guard state file`)
    const header = JSON.parse(await readLine()) as Header
    const numbers: Record<string, Float64Array | Int32Array> = {}
    for (const [name, length, type] of header.numbers) {
      const values = type === 'i32' ? new Int32Array(length) : new Float64Array(length)
      await readExactly(new Uint8Array(values.buffer))
      numbers[name] = values
    }
    const strings: Record<string, string[]> = {}
    for (const [name, count] of header.strings) {
      const values: string[] = []
      let carry = Buffer.alloc(0)
      while (values.length < count) {
        const chunk = Buffer.alloc(READ_CHUNK_BYTES)
        const { bytesRead } = await file.read(chunk, 0, chunk.length, position)
        if (bytesRead === 0) throw new Error(`${path}: column ${name} is cut short`)
        position += bytesRead
        const data =
          carry.length > 0
            ? Buffer.concat([carry, chunk.subarray(0, bytesRead)])
            : chunk.subarray(0, bytesRead)
        let start = 0
        for (
          let end = data.indexOf(10, start);
          end >= 0 && values.length < count;
          end = data.indexOf(10, start)
        ) {
          values.push(JSON.parse(data.toString('utf8', start, end)) as string)
          start = end + 1
        }
        carry = Buffer.from(data.subarray(start))
      }
      // What was read past the column's last line belongs to the next column.
      position -= carry.length
      strings[name] = values
    }
    return { json: header.json, numbers, strings }
  } finally {
    await file.close()
  }
}
