// Fetching what actions/checkout leaves out, on a real upstream repository and shallow clones of it.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ensureCommits, FetchError } from '../src/git/ensure-commits.js'
import { hasCommit, isShallow, mergeBase } from '../src/git/commits.js'
import { gitIn, removeDir, tempDir, tempRepo, type TempRepo } from './fixtures/git/temp-repo.js'

let upstream: TempRepo
let branchPoint: string
let mainTip: string
let featureTip: string
let mergeCommit: string
const clones: string[] = []

/** A clone of one commit, the way actions/checkout makes it by default. */
function shallowClone(branch: string): string {
  const dir = tempDir()
  clones.push(dir)
  gitIn(dir, ['clone', '-q', '--depth', '1', '--branch', branch, `file://${upstream.dir}`, '.'])
  return dir
}

beforeAll(() => {
  upstream = tempRepo()
  upstream.write('data/a.jsonl', '{"prompt":"a"}\n')
  branchPoint = upstream.commit('root')
  upstream.git(['checkout', '-q', '-b', 'feature'])
  // Enough history on the branch that a depth-1 fetch of each tip cannot see where they meet.
  for (let i = 0; i < 3; i++) {
    upstream.write('data/a.jsonl', `{"prompt":"a"}\n{"prompt":"b${i}"}\n`)
    featureTip = upstream.commit(`feature ${i}`)
  }
  upstream.git(['checkout', '-q', 'main'])
  for (let i = 0; i < 3; i++) {
    upstream.write('README.md', `main ${i}\n`)
    mainTip = upstream.commit(`main ${i}`)
  }
  upstream.git(['checkout', '-q', '-b', 'merge'])
  upstream.git(['merge', '-q', '--no-ff', '-m', 'merge', 'feature'])
  mergeCommit = upstream.git(['rev-parse', 'HEAD'])
  upstream.git(['checkout', '-q', 'main'])
})

afterAll(() => {
  upstream.cleanup()
  for (const dir of clones) removeDir(dir)
})

describe('ensureCommits', () => {
  it('fetches both commits of a pull request and history down to their merge base, saying so', async () => {
    const dir = shallowClone('merge')
    expect(await hasCommit(dir, mainTip)).toBe(false)
    const lines: string[] = []

    const commits = await ensureCommits(dir, { base: mainTip, head: featureTip }, line => lines.push(line))

    expect(commits).toEqual({ base: mainTip, head: featureTip })
    expect(await mergeBase(dir, mainTip, featureTip)).toBe(branchPoint)
    // Still shallow: only what was needed came over.
    expect(await isShallow(dir)).toBe(true)
    expect(lines[0]).toBe(
      `The base commit ${mainTip.slice(0, 7)} is not in the checkout (actions/checkout fetches one commit by ` +
        'default): fetching it from origin, shallowly'
    )
    expect(lines).toContain(`Found the merge base ${branchPoint.slice(0, 7)}`)
  })

  it('does nothing when everything is there', async () => {
    const lines: string[] = []
    const commits = await ensureCommits(upstream.dir, { base: 'main', head: 'feature' }, line =>
      lines.push(line)
    )
    expect(commits).toEqual({ base: mainTip, head: featureTip })
    expect(lines).toEqual([])
  })

  it('resolves a branch name it has to fetch to the fetched commit', async () => {
    const dir = shallowClone('merge')
    const commits = await ensureCommits(dir, { base: 'main', head: mergeCommit })
    expect(commits.base).toBe(mainTip)
  })

  it('fails with the workflow fix when it cannot fetch', async () => {
    const dir = shallowClone('merge')
    gitIn(dir, ['remote', 'set-url', 'origin', `file://${upstream.dir}-gone`])
    const failure = ensureCommits(dir, { base: mainTip, head: featureTip })
    await expect(failure).rejects.toBeInstanceOf(FetchError)
    await expect(failure).rejects.toThrow(/Could not fetch the base commit .* from origin: .*fetch-depth: 0/)
  })

  it('fails with the workflow fix when there is no origin to fetch from', async () => {
    const dir = shallowClone('merge')
    gitIn(dir, ['remote', 'remove', 'origin'])
    await expect(ensureCommits(dir, { base: mainTip, head: mergeCommit })).rejects.toThrow(
      /is not in the repository, and there is no remote "origin" to fetch it from\. Fix: .*fetch-depth: 0/
    )
  })
})
