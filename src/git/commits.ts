// Commits the comparison is anchored on: resolving refs to full shas and finding where two histories meet.

import { checkedRevision, runGit, gitResult, GitError } from './run-git.js'

/** `rev-parse --verify --quiet` and `merge-base` exit with 1 when the answer is "none", 128 on real errors. */
const EXIT_NOT_FOUND = 1

const SHALLOW_HINT =
  'actions/checkout fetches a single commit by default; set `fetch-depth: 0` so both commits are present'

/** The full sha of the commit `rev` names (a branch, tag, sha or expression), peeling tags. */
export async function resolveCommit(repo: string, rev: string): Promise<string> {
  const args = ['rev-parse', '--verify', '--quiet', `${checkedRevision(rev)}^{commit}`]
  const result = await gitResult(repo, args)
  if (result.exitCode === 0) return result.stdout.toString('utf8').trim()
  if (result.exitCode !== EXIT_NOT_FOUND) throw new GitError(args, result.exitCode, result.stderr)
  const shallow = await isShallow(repo).catch(() => false)
  const explanation = shallow
    ? `Revision "${rev}" is not in ${repo}, which is a shallow clone: ${SHALLOW_HINT}`
    : `Revision "${rev}" does not exist in ${repo} (if this is a shallow clone, ${SHALLOW_HINT})`
  throw new GitError(args, result.exitCode, result.stderr, explanation)
}

/** The best common ancestor of `a` and `b`, or null when their histories do not meet (or are cut by a shallow clone). */
export async function mergeBase(repo: string, a: string, b: string): Promise<string | null> {
  const args = ['merge-base', checkedRevision(a), checkedRevision(b)]
  const result = await gitResult(repo, args)
  if (result.exitCode === 0) return result.stdout.toString('utf8').trim()
  if (result.exitCode === EXIT_NOT_FOUND && result.stderr.trim() === '') return null
  throw new GitError(args, result.exitCode, result.stderr)
}

/** Whether the repository is a shallow clone, where older commits are simply absent. */
export async function isShallow(repo: string): Promise<boolean> {
  const answer = (await runGit(repo, ['rev-parse', '--is-shallow-repository'])).trim()
  if (answer !== 'true' && answer !== 'false') {
    throw new GitError(
      ['rev-parse', '--is-shallow-repository'],
      0,
      `unexpected answer ${JSON.stringify(answer)}`
    )
  }
  return answer === 'true'
}

/** Whether `sha` names a commit present in the object store (false for missing objects and non-commits). */
export async function hasCommit(repo: string, sha: string): Promise<boolean> {
  const args = ['rev-parse', '--verify', '--quiet', `${checkedRevision(sha)}^{commit}`]
  const result = await gitResult(repo, args)
  if (result.exitCode === 0) return true
  if (result.exitCode === EXIT_NOT_FOUND) return false
  throw new GitError(args, result.exitCode, result.stderr)
}
