// Making sure both commits of a comparison, and the history where they meet, are in the repository.
// actions/checkout clones a single commit by default (on a pull request, the merge commit, which is neither the
// base nor the head), so the action fetches what is missing from `origin`, shallowly, and says so; when it
// cannot, the error names the workflow change that fixes it.

import { hasCommit, isShallow, mergeBase } from './commits.js'
import { checkedRevision, gitResult, runGit } from './run-git.js'

/** actions/checkout names the remote `origin` and leaves credentials in the repository config for it. */
export const FETCH_REMOTE = 'origin'

/**
 * Depths tried, in turn, to reach the merge base of a shallow clone before fetching the whole history: most
 * pull requests branch off within a few dozen commits, and each step costs one round trip.
 */
export const DEEPEN_DEPTHS = [50, 500, 5000] as const

export const FETCH_DEPTH_FIX =
  'Fix: give actions/checkout `fetch-depth: 0` (so the checkout has the whole history) and keep its default ' +
  '`persist-credentials: true` (so git can fetch from origin).'

export class FetchError extends Error {
  override readonly name = 'FetchError'
}

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/
const short = (rev: string): string => (SHA.test(rev) ? rev.slice(0, 7) : rev)

export interface EnsuredCommits {
  /** Full shas of both commits, present in the repository. */
  base: string
  head: string
}

type Log = (line: string) => void

async function resolved(repo: string, rev: string): Promise<string | null> {
  const result = await gitResult(repo, [
    'rev-parse',
    '--verify',
    '--quiet',
    `${checkedRevision(rev)}^{commit}`
  ])
  return result.exitCode === 0 ? result.stdout.toString('utf8').trim() : null
}

async function hasRemote(repo: string, name: string): Promise<boolean> {
  const remotes = (await runGit(repo, ['remote'])).split('\n').map(r => r.trim())
  return remotes.includes(name)
}

async function fetch(repo: string, args: string[], what: string): Promise<void> {
  const result = await gitResult(repo, ['fetch', '--no-tags', '--no-recurse-submodules', '--quiet', ...args])
  if (result.exitCode !== 0) {
    const detail = result.stderr.trim().split('\n').slice(-3).join(' ')
    throw new FetchError(
      `Could not fetch ${what} from ${FETCH_REMOTE}: ${detail || `git fetch exited with ${result.exitCode}`}. ${FETCH_DEPTH_FIX}`
    )
  }
}

async function ensureCommit(repo: string, rev: string, label: string, log: Log): Promise<string> {
  const sha = await resolved(repo, rev)
  if (sha !== null) return sha
  if (!(await hasRemote(repo, FETCH_REMOTE))) {
    throw new FetchError(
      `The ${label} commit ${rev} is not in the repository, and there is no remote "${FETCH_REMOTE}" to fetch it from. ${FETCH_DEPTH_FIX}`
    )
  }
  const shallow = await isShallow(repo)
  log(
    `The ${label} commit ${short(rev)} is not in the checkout (actions/checkout fetches one commit by default): ` +
      `fetching it from ${FETCH_REMOTE}${shallow ? ', shallowly' : ''}`
  )
  // In a full clone a depth would turn the repository shallow and cut the history merge-base needs.
  await fetch(
    repo,
    [...(shallow ? ['--depth=1'] : []), FETCH_REMOTE, checkedRevision(rev)],
    `the ${label} commit ${rev}`
  )
  const fetched = SHA.test(rev) ? rev : (await runGit(repo, ['rev-parse', 'FETCH_HEAD^{commit}'])).trim()
  if (!(await hasCommit(repo, fetched))) {
    throw new FetchError(`${FETCH_REMOTE} did not send the ${label} commit ${rev}. ${FETCH_DEPTH_FIX}`)
  }
  return fetched
}

/** Deepens a shallow clone until the two histories meet, or until the whole history is there. */
async function ensureMergeBase(repo: string, base: string, head: string, log: Log): Promise<void> {
  if ((await mergeBase(repo, base, head)) !== null) return
  // In a full clone, histories that do not meet are unrelated: run-check then compares with base itself.
  if (!(await isShallow(repo))) return
  for (const depth of DEEPEN_DEPTHS) {
    log(
      `Fetching up to ${depth} commits of history of ${short(base)} and ${short(head)} to find where they meet`
    )
    await fetch(
      repo,
      [`--depth=${depth}`, FETCH_REMOTE, base, head],
      `the history of ${short(base)} and ${short(head)}`
    )
    const found = await mergeBase(repo, base, head)
    if (found !== null) {
      log(`Found the merge base ${short(found)}`)
      return
    }
  }
  if (await isShallow(repo)) {
    log(`Fetching the whole history of ${short(base)} and ${short(head)}`)
    await fetch(
      repo,
      ['--unshallow', FETCH_REMOTE, base, head],
      `the history of ${short(base)} and ${short(head)}`
    )
  }
}

/**
 * Both revisions as full shas, fetching from origin whatever is missing: either commit (shallowly when the clone
 * is shallow), then history until their merge base is present. Throws a FetchError naming the workflow fix
 * (`fetch-depth: 0`) when git cannot fetch.
 */
export async function ensureCommits(
  repo: string,
  revisions: { base: string; head: string },
  log: Log = () => undefined
): Promise<EnsuredCommits> {
  const base = await ensureCommit(repo, revisions.base, 'base', log)
  const head = await ensureCommit(repo, revisions.head, 'head', log)
  await ensureMergeBase(repo, base, head, log)
  return { base, head }
}
