import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { hasCommit, isShallow, mergeBase, resolveCommit } from '../src/git/commits.js'
import { GitError } from '../src/git/run-git.js'
import { gitIn, removeDir, tempDir, tempRepo, type TempRepo } from './fixtures/git/temp-repo.js'

describe('commits', () => {
  let repo: TempRepo
  let root: string
  let main: string
  let feature: string
  let orphan: string
  let shallowDir: string

  beforeAll(() => {
    repo = tempRepo()
    repo.write('a.jsonl', '1\n')
    root = repo.commit('root')
    repo.write('a.jsonl', '2\n')
    main = repo.commit('main')
    repo.git(['tag', '-a', '-m', 'annotated', 'v1'])
    repo.git(['checkout', '-q', '-b', 'feature', root])
    repo.write('b.jsonl', '3\n')
    feature = repo.commit('feature')
    repo.git(['checkout', '-q', '--orphan', 'unrelated'])
    orphan = repo.commit('orphan')
    repo.git(['checkout', '-q', 'main'])
    shallowDir = tempDir()
    gitIn(shallowDir, ['clone', '-q', '--depth', '1', '--branch', 'main', `file://${repo.dir}`, '.'])
  })

  afterAll(() => {
    repo.cleanup()
    removeDir(shallowDir)
  })

  it('resolves branches, annotated tags, short shas and expressions to full commit shas', async () => {
    expect(await resolveCommit(repo.dir, 'main')).toBe(main)
    expect(await resolveCommit(repo.dir, 'v1')).toBe(main)
    expect(await resolveCommit(repo.dir, main.slice(0, 8))).toBe(main)
    expect(await resolveCommit(repo.dir, 'main~1')).toBe(root)
    expect(await resolveCommit(repo.dir, 'feature')).toMatch(/^[0-9a-f]{40}$/)
  })

  it('explains a missing revision, pointing at fetch-depth: 0', async () => {
    const failure = resolveCommit(repo.dir, 'origin/nowhere')
    await expect(failure).rejects.toBeInstanceOf(GitError)
    await expect(failure).rejects.toThrow(/Revision "origin\/nowhere" does not exist.*fetch-depth: 0/)
  })

  it('says so when the repository is a shallow clone', async () => {
    expect(await isShallow(shallowDir)).toBe(true)
    expect(await isShallow(repo.dir)).toBe(false)
    await expect(resolveCommit(shallowDir, root)).rejects.toThrow(/is a shallow clone.*fetch-depth: 0/)
    expect(await resolveCommit(shallowDir, 'HEAD')).toBe(main)
  })

  it('refuses a revision that git would read as an option', async () => {
    await expect(resolveCommit(repo.dir, '--all')).rejects.toThrow(/must .*not start with "-"/)
    await expect(mergeBase(repo.dir, '-h', 'main')).rejects.toThrow(/Invalid git revision/)
  })

  it('says which folder git could not start in', async () => {
    await expect(resolveCommit(`${repo.dir}/missing-folder`, 'HEAD')).rejects.toThrow(
      /could not start git in .*missing-folder/
    )
  })

  it('reports a folder that is not a repository as a GitError with git’s message', async () => {
    const dir = tempDir()
    try {
      const failure = resolveCommit(dir, 'HEAD')
      await expect(failure).rejects.toBeInstanceOf(GitError)
      await expect(failure).rejects.toThrow(/exit code 128: fatal: not a git repository/)
    } finally {
      removeDir(dir)
    }
  })

  it('finds the merge base, or null for unrelated histories', async () => {
    expect(await mergeBase(repo.dir, main, feature)).toBe(root)
    expect(await mergeBase(repo.dir, 'main', 'main')).toBe(main)
    expect(await mergeBase(repo.dir, main, orphan)).toBeNull()
    await expect(mergeBase(repo.dir, main, 'nope')).rejects.toBeInstanceOf(GitError)
  })

  it('tells whether a commit is present', async () => {
    expect(await hasCommit(repo.dir, feature)).toBe(true)
    expect(await hasCommit(repo.dir, 'f'.repeat(40))).toBe(false)
    expect(await hasCommit(repo.dir, repo.git(['rev-parse', 'main:a.jsonl']))).toBe(false)
    expect(await hasCommit(shallowDir, root)).toBe(false)
  })
})
