import { afterAll, describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readStateFile, writeStateFile } from '../src/state/state-file.js'
import { removeDir, tempDir } from './fixtures/git/temp-repo.js'

const dir = tempDir()
afterAll(() => removeDir(dir))

describe('state files', () => {
  it('round-trips number and string columns, across read chunks and column boundaries', async () => {
    // Over 1 MiB of strings per column, with multi-byte characters, line breaks and quotes inside them, so
    // lines and characters are cut by the 1 MiB read chunks and the second column starts mid-chunk.
    const texts = Array.from(
      { length: 40_000 },
      (_, i) => `row ${i}: café "naïve"\n日本語 ${'x'.repeat(i % 50)}`
    )
    const keys = Array.from({ length: 3_000 }, (_, i) => `key ${i} ✓`)
    const sections = {
      json: { version: 1, note: 'header' },
      numbers: {
        hashes: Float64Array.from({ length: 1000 }, (_, i) => i * 2 ** 40 + 0.5),
        counts: Int32Array.from({ length: 777 }, (_, i) => i - 300)
      },
      strings: { texts, empty: [] as string[], keys }
    }
    const file = join(dir, 'a.state')
    await writeStateFile(file, sections)
    const read = await readStateFile(file)
    expect(read.json).toEqual(sections.json)
    expect(read.numbers.hashes).toEqual(sections.numbers.hashes)
    expect(read.numbers.counts).toBeInstanceOf(Int32Array)
    expect(read.numbers.counts).toEqual(sections.numbers.counts)
    expect(read.strings.texts).toEqual(texts)
    expect(read.strings.empty).toEqual([])
    expect(read.strings.keys).toEqual(keys)
  })

  it('names the file when it is not a state file or is cut short', async () => {
    const other = join(dir, 'other.state')
    writeFileSync(other, 'hello\n')
    await expect(readStateFile(other)).rejects.toThrow(`${other}: not a dataset-guard state file`)
    const file = join(dir, 'cut.state')
    await writeStateFile(file, { json: {}, numbers: {}, strings: { texts: ['a', 'b', 'c'] } })
    const whole = readFileSync(file)
    writeFileSync(file, whole.subarray(0, whole.length - 3))
    await expect(readStateFile(file)).rejects.toThrow(`${file}: column texts is cut short`)
  })
})
