import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { BlobStore } from '../src/git/blobs.js'
import { GitError } from '../src/git/run-git.js'
import { tempRepo, type TempRepo } from './fixtures/git/temp-repo.js'

/** Well past a pipe's 64 KiB and the store's drain limit, so it must stream and, abandoned, restart git. */
const BIG_BYTES = 30 * 1024 * 1024
/** Several pipe reads long, but under the drain limit: abandoned, its rest is skipped in the same git. */
const MEDIUM_BYTES = 1024 * 1024

/** Not a power of two, so chunks (64 KiB pipe reads) delivered out of order could not hash the same. */
const PATTERN_BYTES = 1_000_003

function bigContent(): Buffer {
  const lines = Array.from(
    { length: 30_000 },
    (_, i) => `{"prompt": "row ${i}", "value": ${(i * 7919) % 10_007}}\n`
  )
  return Buffer.alloc(BIG_BYTES, Buffer.from(lines.join('')).subarray(0, PATTERN_BYTES))
}

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const chunk of chunks) parts.push(chunk)
  return Buffer.concat(parts)
}

/** A comparable summary of bytes: Jest's deep equality walks a 1 MB buffer element by element, slowly. */
function fingerprint(bytes: Uint8Array): string {
  return `${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`
}

/** This process's children that are `git cat-file`, zombies included (they keep their ppid until reaped). */
function catFileChildren(): { pid: number; command: string }[] {
  return execFileSync('ps', ['-A', '-o', 'pid=,ppid=,args='])
    .toString('utf8')
    .split('\n')
    .map(line => line.trim().split(/\s+/))
    .filter(([, ppid, ...args]) => Number(ppid) === process.pid && /cat-file|defunct/.test(args.join(' ')))
    .map(([pid, , ...args]) => ({ pid: Number(pid), command: args.join(' ') }))
}

/** Bytes a process has written so far (Linux), or null where /proc cannot tell. */
function bytesWritten(pid: number): number | null {
  const path = `/proc/${pid}/io`
  if (!existsSync(path)) return null
  const match = /^wchar: (\d+)$/m.exec(readFileSync(path, 'utf8'))
  return match === null ? null : Number(match[1])
}

describe('BlobStore', () => {
  let repo: TempRepo
  let store: BlobStore
  const content: Record<string, Buffer> = {}
  const sha: Record<string, string> = {}

  beforeAll(() => {
    repo = tempRepo()
    const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
    const samples: Record<string, Buffer> = {
      small: Buffer.from('{"prompt": "hi"}\n'),
      empty: Buffer.alloc(0),
      binary: Buffer.concat([allBytes, allBytes.reverse()]),
      // Bytes that look like a batch answer header must not confuse the parser.
      fake: Buffer.from('0123456789012345678901234567890123456789 blob 3\nabc\n\n'),
      noNewline: Buffer.from('no final newline ü'),
      medium: Buffer.from('medium line of text\n'.repeat(MEDIUM_BYTES / 20)),
      big: bigContent()
    }
    for (const [name, bytes] of Object.entries(samples)) {
      content[name] = bytes
      sha[name] = repo.blob(bytes)
    }
  })

  afterAll(() => repo.cleanup())

  beforeAll(() => {
    store = new BlobStore(repo.dir)
  })
  afterEach(async () => {
    // Every test leaves the shared store usable for the next one: prove it with a full read.
    expect(fingerprint(await bytesOf(store.read(sha.small!)))).toBe(fingerprint(content.small!))
  })
  afterAll(() => store.close())

  it('reads several blobs in sequence with their exact bytes', async () => {
    for (const name of ['small', 'empty', 'binary', 'fake', 'noNewline', 'medium', 'small', 'fake']) {
      expect(fingerprint(await bytesOf(store.read(sha[name]!)))).toBe(fingerprint(content[name]!))
    }
  })

  it('keeps the next read correct after a stream abandoned after one chunk', async () => {
    for (const name of ['medium', 'big']) {
      let first: Uint8Array | undefined
      for await (const chunk of store.read(sha[name]!)) {
        first = chunk
        break
      }
      expect(first!.length).toBeGreaterThan(0)
      expect(first!.length).toBeLessThan(content[name]!.length)
      expect(fingerprint(first!)).toBe(fingerprint(content[name]!.subarray(0, first!.length)))
      expect(fingerprint(await bytesOf(store.read(sha.binary!)))).toBe(fingerprint(content.binary!))
    }
  })

  it('skips the rest of a stream that was dropped without return(), and fails it if it is resumed', async () => {
    const dropped = store.read(sha.medium!)[Symbol.asyncIterator]()
    const first = await dropped.next()
    expect(first.done).toBe(false)
    expect(fingerprint(await bytesOf(store.read(sha.fake!)))).toBe(fingerprint(content.fake!))
    await expect(dropped.next()).rejects.toThrow(/abandoned/)
  })

  it('streams a 30 MB blob in many chunks with its exact bytes', async () => {
    const hash = createHash('sha256')
    let bytes = 0
    let chunks = 0
    let largest = 0
    for await (const chunk of store.read(sha.big!)) {
      hash.update(chunk)
      bytes += chunk.length
      chunks += 1
      largest = Math.max(largest, chunk.length)
    }
    expect(bytes).toBe(BIG_BYTES)
    expect(`${bytes} bytes, sha256 ${hash.digest('hex')}`).toBe(fingerprint(content.big!))
    expect(chunks).toBeGreaterThan(100)
    expect(largest).toBeLessThanOrEqual(1024 * 1024)
  })

  it('holds a slow consumer’s blob back in git instead of reading it all into memory', async () => {
    // The afterEach read of the previous test left the batch git running: its counters start here.
    const [git] = catFileChildren().filter(child => child.command === 'git cat-file --batch')
    const before = bytesWritten(git!.pid)
    const reading = store.read(sha.big!)[Symbol.asyncIterator]()
    await reading.next()
    await new Promise(resolve => setTimeout(resolve, 200))
    const after = bytesWritten(git!.pid)
    // Without backpressure git would have written all 30 MB by now; with it, a few pipe buffers at most.
    if (before !== null && after !== null) expect(after - before).toBeLessThan(1024 * 1024)
    await reading.return?.(undefined)
  })

  it('fails a missing blob with a GitError and stays in step', async () => {
    const missing = 'f'.repeat(40)
    const failure = bytesOf(store.read(missing))
    await expect(failure).rejects.toBeInstanceOf(GitError)
    await expect(failure).rejects.toThrow(`blob ${missing} is missing`)
    expect(fingerprint(await bytesOf(store.read(sha.fake!)))).toBe(fingerprint(content.fake!))
  })

  it('refuses a tree and a malformed name without losing step', async () => {
    const tree = repo.git(['mktree'], '')
    await expect(bytesOf(store.read(tree))).rejects.toThrow(/is a tree, not a blob/)
    await expect(bytesOf(store.read(`${sha.small}\n${sha.big}`))).rejects.toThrow(/Invalid git revision/)
  })
})

describe('BlobStore.close', () => {
  let repo: TempRepo
  let big: string

  beforeAll(() => {
    repo = tempRepo()
    big = repo.blob(Buffer.alloc(BIG_BYTES / 4, 'x'))
  })
  afterAll(() => repo.cleanup())

  it('ends git even mid-blob, is idempotent, leaves no process behind and refuses later reads', async () => {
    const store = new BlobStore(repo.dir)
    const reading = store.read(big)[Symbol.asyncIterator]()
    await reading.next()
    expect(catFileChildren().map(child => child.command)).toEqual(['git cat-file --batch'])
    await Promise.all([store.close(), store.close()])
    await store.close()
    expect(catFileChildren()).toEqual([])
    await expect(reading.next()).rejects.toThrow(/abandoned/)
    await expect(bytesOf(store.read(big))).rejects.toThrow(/closed/)
  })

  it('closes a store that never read anything', async () => {
    const store = new BlobStore(repo.dir)
    await store.close()
    expect(catFileChildren()).toEqual([])
  })

  it('reports a repository that does not exist as a GitError on the first read', async () => {
    const store = new BlobStore(`${repo.dir}/nowhere`)
    await expect(bytesOf(store.read(big))).rejects.toBeInstanceOf(GitError)
    await store.close()
    expect(catFileChildren()).toEqual([])
  })
})
