import { afterEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BlobStore } from '../src/git/blobs.js'
import { lfsObjectPath, openBlob, readLfsObject } from '../src/git/lfs-objects.js'
import { tempRepo, type TempRepo } from './fixtures/git/temp-repo.js'

const repos: TempRepo[] = []
afterEach(() => {
  while (repos.length > 0) repos.pop()?.cleanup()
})

describe('the local LFS store', () => {
  it('finds a fetched object by its oid and streams its bytes; a missing or malformed oid is null', async () => {
    const r = tempRepo()
    repos.push(r)
    r.write('a.txt', 'a\n')
    r.commit('init')
    const content = '{"prompt": "hello"}\n'
    const oid = createHash('sha256').update(content).digest('hex')
    const dir = join(r.dir, '.git', 'lfs', 'objects', oid.slice(0, 2), oid.slice(2, 4))
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, oid), content)

    const path = await lfsObjectPath(r.dir, oid)
    expect(path).toBe(join(dir, oid))
    const chunks: Buffer[] = []
    for await (const chunk of readLfsObject(path!)) chunks.push(Buffer.from(chunk))
    expect(Buffer.concat(chunks).toString()).toBe(content)

    expect(await lfsObjectPath(r.dir, 'f'.repeat(64))).toBeNull()
    expect(await lfsObjectPath(r.dir, '../../etc/passwd')).toBeNull()
  })
})

describe('openBlob', () => {
  const bytesOf = async (source: AsyncIterable<Uint8Array>): Promise<Buffer> => {
    const chunks: Buffer[] = []
    for await (const chunk of source) chunks.push(Buffer.from(chunk))
    return Buffer.concat(chunks)
  }

  it('gives every blob whole through one store, whatever its size around the 1 KiB it sniffs', async () => {
    const r = tempRepo()
    repos.push(r)
    const store = new BlobStore(r.dir)
    try {
      for (const size of [0, 1, 1023, 1024, 1025, 300_000]) {
        const content = Buffer.alloc(size, 'x')
        if (size > 0) content.write('{"prompt": "not a pointer"}\n'.slice(0, size))
        const opened = await openBlob(store, r.blob(content))
        expect(opened.kind).toBe('bytes')
        if (opened.kind === 'bytes') {
          expect(opened.lfsOid).toBeNull()
          expect((await bytesOf(opened.source)).equals(content)).toBe(true)
        }
      }
    } finally {
      await store.close()
    }
  })

  it('recognises a pointer, and leaves the store usable after a read abandoned midway', async () => {
    const r = tempRepo()
    repos.push(r)
    const store = new BlobStore(r.dir)
    const oid = 'a'.repeat(64)
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize 12345\n`
    const big = Buffer.alloc(3_000_000, 'y')
    const small = Buffer.from('{"prompt": "after"}\n')
    try {
      const missing = await openBlob(store, r.blob(Buffer.from(pointer)))
      expect(missing).toEqual({ kind: 'lfs-missing', pointer: expect.objectContaining({ oid, size: 12345 }) })
      const opened = await openBlob(store, r.blob(big))
      if (opened.kind !== 'bytes') throw new Error('expected bytes')
      const reading = opened.source[Symbol.asyncIterator]()
      expect((await reading.next()).done).toBe(false)
      await reading.return?.()
      const next = await openBlob(store, r.blob(small))
      expect(next.kind === 'bytes' && (await bytesOf(next.source)).equals(small)).toBe(true)
    } finally {
      await store.close()
    }
  })
})
