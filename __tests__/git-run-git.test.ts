import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { checkedRevision, gitRecords, GitError, gitResult, runGit } from '../src/git/run-git.js'
import { tempRepo, type TempRepo } from './fixtures/git/temp-repo.js'

describe('run-git', () => {
  let repo: TempRepo

  beforeAll(() => {
    repo = tempRepo()
    repo.write('a.txt', 'a\n')
    repo.commit('one')
  })
  afterAll(() => repo.cleanup())

  it('returns stdout, and puts the command, exit code and stderr in a failure', async () => {
    expect((await runGit(repo.dir, ['rev-parse', '--is-inside-work-tree'])).trim()).toBe('true')
    const failure = runGit(repo.dir, ['cat-file', '-p', 'no-such-object'])
    await expect(failure).rejects.toBeInstanceOf(GitError)
    await expect(failure).rejects.toThrow(
      'git cat-file -p no-such-object failed with exit code 128: fatal: Not a valid object name no-such-object'
    )
    const error = (await failure.catch((caught: unknown) => caught)) as GitError
    expect(error.exitCode).toBe(128)
    expect(error.args).toEqual(['cat-file', '-p', 'no-such-object'])
  })

  it('passes arguments verbatim, never through a shell', async () => {
    const ref = 'refs/heads/$(id);$HOME&`echo`|x'
    expect((await runGit(repo.dir, ['check-ref-format', '--normalize', ref])).trim()).toBe(ref)
    const result = await gitResult(repo.dir, ['rev-parse', '--verify', '--quiet', 'nothing here'])
    expect(result).toEqual({ exitCode: 1, stdout: Buffer.alloc(0), stderr: '' })
  })

  it('leads with an explanation when one is given', () => {
    const error = new GitError(['fetch'], 1, 'fatal: nope\n', 'Could not fetch')
    expect(error.message).toBe('Could not fetch (git fetch failed with exit code 1: fatal: nope)')
  })

  it('splits -z output into records, even where a chunk boundary cuts a record or a character', async () => {
    // Well over one 64 KiB pipe read, with multi-byte characters of every UTF-8 length.
    const records = Array.from({ length: 5000 }, (_, i) => `rec ${i} é 数 🚀 ${'x'.repeat(i % 37)}`)
    const blob = repo.blob(records.map(record => `${record}\0`).join(''))
    const seen: string[] = []
    for await (const record of gitRecords(repo.dir, ['cat-file', 'blob', blob])) seen.push(record)
    expect(seen).toEqual(records)
  })

  it('stops git when the consumer breaks early, and rejects a failure after the last record', async () => {
    const blob = repo.blob('one\0two\0'.repeat(100_000))
    for await (const record of gitRecords(repo.dir, ['cat-file', 'blob', blob])) {
      expect(record).toBe('one')
      break
    }
    const failing = async (): Promise<void> => {
      for await (const _record of gitRecords(repo.dir, ['ls-tree', '-z', 'missing-ref'])) void _record
    }
    await expect(failing()).rejects.toThrow(/git ls-tree -z missing-ref failed with exit code 128/)
  })

  it('refuses revisions that would be read as options or break a line protocol', () => {
    expect(checkedRevision('main~2')).toBe('main~2')
    for (const bad of ['', '--output=/tmp/x', '-p', 'a\nb', 'a\0b'])
      expect(() => checkedRevision(bad)).toThrow()
  })
})
