import { afterEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { lfsObjectPath, readLfsObject } from '../src/git/lfs-objects.js'
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
