import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { chmodSync } from 'node:fs'
import { join } from 'node:path'
import { GitError } from '../src/git/run-git.js'
import { listTree } from '../src/git/tree.js'
import { tempRepo, type TempRepo } from './fixtures/git/temp-repo.js'

const ODD_NAMES = [
  'with space.csv',
  'quote"and\'apostrophe.jsonl',
  'ünï 数据 🚀.tsv',
  'new\nline.json',
  'tab\there.jsonl'
]

describe('listTree', () => {
  let repo: TempRepo
  let first: string
  let second: string

  beforeAll(() => {
    repo = tempRepo()
    repo.write('data/train.jsonl', '{"a": 1}\n{"a": 2}\n')
    repo.write('run.sh', '#!/bin/sh\n')
    chmodSync(join(repo.dir, 'run.sh'), 0o755)
    for (const name of ODD_NAMES) repo.write(`odd/${name}`, `content of ${name}`)
    repo.symlink('data/train.jsonl', 'link.jsonl')
    repo.symlink('/etc/passwd', 'data/outside.jsonl')
    first = repo.commit('first')
    repo.write('data/train.jsonl', '{"a": 1}\n')
    repo.git(['add', 'data/train.jsonl'])
    // A submodule is a gitlink entry in the tree; committed without `add -A`, which would drop it (no folder).
    repo.git(['update-index', '--add', '--cacheinfo', `160000,${first},vendor/sub`])
    repo.git(['commit', '-q', '-m', 'second'])
    second = repo.git(['rev-parse', 'HEAD'])
  })

  afterAll(() => repo.cleanup())

  it('lists regular files with blob, mode and size, and skips symlinks and submodules', async () => {
    const listing = await listTree(repo.dir, second)
    expect(listing.files.map(file => file.path).sort()).toEqual(
      ['data/train.jsonl', 'run.sh', ...ODD_NAMES.map(name => `odd/${name}`)].sort()
    )
    expect(listing.files.find(file => file.path === 'data/train.jsonl')).toEqual({
      path: 'data/train.jsonl',
      blob: repo.git(['rev-parse', `${second}:data/train.jsonl`]),
      mode: '100644',
      size: 9
    })
    expect(listing.files.find(file => file.path === 'run.sh')?.mode).toBe('100755')
    expect(listing.skipped).toEqual(
      expect.arrayContaining([
        { path: 'link.jsonl', reason: 'symlink' },
        { path: 'data/outside.jsonl', reason: 'symlink' },
        { path: 'vendor/sub', reason: 'submodule' }
      ])
    )
    expect(listing.skipped).toHaveLength(3)
  })

  it('keeps odd paths verbatim, with the right blob for each', async () => {
    const listing = await listTree(repo.dir, second)
    for (const name of ODD_NAMES) {
      const entry = listing.files.find(file => file.path === `odd/${name}`)
      expect(entry?.size).toBe(Buffer.byteLength(`content of ${name}`))
      expect(entry?.blob).toBe(repo.blob(`content of ${name}`))
    }
  })

  it('reads the given commit, not the working tree or another commit', async () => {
    repo.write('data/train.jsonl', 'uncommitted\n'.repeat(100))
    const old = await listTree(repo.dir, first)
    expect(old.files.find(file => file.path === 'data/train.jsonl')?.size).toBe(18)
    expect(old.skipped.map(entry => entry.path)).not.toContain('vendor/sub')
    const current = await listTree(repo.dir, second)
    expect(current.files.find(file => file.path === 'data/train.jsonl')?.size).toBe(9)
    repo.git(['checkout', '-q', '--', 'data/train.jsonl'])
  })

  it('lists from the root even when the repository path is a subfolder', async () => {
    const listing = await listTree(join(repo.dir, 'odd'), second)
    expect(listing.files.map(file => file.path)).toContain('data/train.jsonl')
  })

  it('fails with a GitError for an unknown commit', async () => {
    await expect(listTree(repo.dir, 'does-not-exist')).rejects.toBeInstanceOf(GitError)
  })
})
