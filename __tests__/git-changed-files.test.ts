import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { changedFiles } from '../src/git/changed-files.js'
import { GitError } from '../src/git/run-git.js'
import { tempRepo, type TempRepo } from './fixtures/git/temp-repo.js'

/** Rename detection needs the moved file to stay mostly the same: many lines, one edited. */
function lines(prefix: string, count = 20): string {
  return Array.from(
    { length: count },
    (_, i) => `{"prompt": "${prefix} question ${i}", "answer": "${i}"}\n`
  ).join('')
}

const WEIRD_NAME = 'we"ird name \'ü 数据 🚀\nsecond line.jsonl'

describe('changedFiles', () => {
  let repo: TempRepo
  let base: string
  let head: string
  const blobAt = (commit: string, path: string): string => repo.git(['rev-parse', `${commit}:${path}`])

  beforeAll(() => {
    repo = tempRepo()
    repo.write('keep.jsonl', lines('keep'))
    repo.write('modify.jsonl', lines('modify'))
    repo.write('delete.jsonl', lines('delete'))
    repo.write('rename-same.jsonl', lines('same'))
    repo.write('rename-edit.jsonl', lines('edit'))
    repo.write('move.jsonl', lines('move'))
    repo.write('to-symlink.jsonl', lines('to-symlink'))
    repo.symlink('keep.jsonl', 'from-symlink.jsonl')
    repo.symlink('keep.jsonl', 'link-edited.jsonl')
    base = repo.commit('base')

    repo.write('modify.jsonl', lines('modify') + '{"prompt": "new"}\n')
    repo.remove('delete.jsonl')
    repo.remove('rename-same.jsonl')
    repo.write('renamed-same.jsonl', lines('same'))
    repo.remove('rename-edit.jsonl')
    repo.write('renamed-edit.jsonl', lines('edit').replace('edit question 3', 'edited question 3'))
    repo.remove('move.jsonl')
    repo.write('new folder/deeper/move.jsonl', lines('move'))
    repo.write('added.jsonl', lines('added'))
    repo.write(WEIRD_NAME, lines('weird'))
    repo.remove('to-symlink.jsonl')
    repo.symlink('keep.jsonl', 'to-symlink.jsonl')
    repo.remove('from-symlink.jsonl')
    repo.write('from-symlink.jsonl', lines('from-symlink'))
    repo.remove('link-edited.jsonl')
    repo.symlink('modify.jsonl', 'link-edited.jsonl')
    repo.symlink('keep.jsonl', 'new-link.jsonl')
    repo.commit('head-files')
    // A submodule is a gitlink entry in the tree; its commit need not exist here.
    repo.git(['update-index', '--add', '--cacheinfo', `160000,${base},vendor/sub`])
    repo.git(['commit', '-q', '-m', 'head'])
    head = repo.git(['rev-parse', 'HEAD'])
  })

  afterAll(() => repo.cleanup())

  it('lists every kind of change with the blobs of both sides, sorted by path', async () => {
    const changes = await changedFiles(repo.dir, base, head)
    expect(changes).toEqual([
      {
        status: 'added',
        path: 'added.jsonl',
        oldPath: null,
        baseBlob: null,
        headBlob: blobAt(head, 'added.jsonl')
      },
      {
        status: 'deleted',
        path: 'delete.jsonl',
        oldPath: null,
        baseBlob: blobAt(base, 'delete.jsonl'),
        headBlob: null
      },
      {
        status: 'added',
        path: 'from-symlink.jsonl',
        oldPath: null,
        baseBlob: null,
        headBlob: blobAt(head, 'from-symlink.jsonl')
      },
      {
        status: 'modified',
        path: 'modify.jsonl',
        oldPath: null,
        baseBlob: blobAt(base, 'modify.jsonl'),
        headBlob: blobAt(head, 'modify.jsonl')
      },
      {
        status: 'renamed',
        path: 'new folder/deeper/move.jsonl',
        oldPath: 'move.jsonl',
        baseBlob: blobAt(base, 'move.jsonl'),
        headBlob: blobAt(base, 'move.jsonl')
      },
      {
        status: 'renamed',
        path: 'renamed-edit.jsonl',
        oldPath: 'rename-edit.jsonl',
        baseBlob: blobAt(base, 'rename-edit.jsonl'),
        headBlob: blobAt(head, 'renamed-edit.jsonl')
      },
      {
        status: 'renamed',
        path: 'renamed-same.jsonl',
        oldPath: 'rename-same.jsonl',
        baseBlob: blobAt(base, 'rename-same.jsonl'),
        headBlob: blobAt(base, 'rename-same.jsonl')
      },
      {
        status: 'deleted',
        path: 'to-symlink.jsonl',
        oldPath: null,
        baseBlob: blobAt(base, 'to-symlink.jsonl'),
        headBlob: null
      },
      { status: 'added', path: WEIRD_NAME, oldPath: null, baseBlob: null, headBlob: blobAt(head, WEIRD_NAME) }
    ])
  })

  it('never reports symlinks or submodules, nor the old path of a renamed file as deleted', async () => {
    expect(repo.git(['ls-tree', head, 'vendor/sub'])).toMatch(/^160000 commit /)
    expect(repo.git(['ls-tree', head, 'new-link.jsonl'])).toMatch(/^120000 blob /)
    const paths = (await changedFiles(repo.dir, base, head)).map(change => change.path)
    for (const left of [
      'new-link.jsonl',
      'link-edited.jsonl',
      'vendor/sub',
      'rename-edit.jsonl',
      'move.jsonl'
    ]) {
      expect(paths).not.toContain(left)
    }
  })

  it('reads the commits, not the working tree', async () => {
    repo.write('added.jsonl', 'uncommitted edit\n')
    repo.write('untracked.jsonl', 'not committed\n')
    const changes = await changedFiles(repo.dir, base, head)
    expect(changes.find(change => change.path === 'added.jsonl')?.headBlob).toBe(blobAt(head, 'added.jsonl'))
    expect(changes.map(change => change.path)).not.toContain('untracked.jsonl')
    repo.git(['checkout', '-q', '--', 'added.jsonl'])
    repo.remove('untracked.jsonl')
  })

  it('is empty between a commit and itself, and mirrors when the sides swap', async () => {
    expect(await changedFiles(repo.dir, head, head)).toEqual([])
    const back = await changedFiles(repo.dir, head, base)
    expect(back.find(change => change.path === 'delete.jsonl')?.status).toBe('added')
    expect(back.find(change => change.path === 'rename-same.jsonl')).toMatchObject({
      status: 'renamed',
      oldPath: 'renamed-same.jsonl'
    })
  })

  it('fails with a GitError naming the command for an unknown revision', async () => {
    const failure = changedFiles(repo.dir, base, 'no-such-branch')
    await expect(failure).rejects.toBeInstanceOf(GitError)
    await expect(failure).rejects.toThrow(/git diff-tree .*no-such-branch.* failed with exit code 128/)
  })
})
