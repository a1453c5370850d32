// Which pull request a `workflow_run` belongs to, for the publish stage. GitHub lists the pull requests of a run
// only when they come from the same repository; a fork's is found by its head branch. Either way a pull request
// counts only when its head is the commit the run analysed, so a stale or spoofed number is never used.

import type { GitHubClient, RepoRef } from './client.js'

export interface PullRequestLookup {
  headSha: string
  candidates: number[]
  headOwner: string | null
  headBranch: string | null
}

/** A branch has a handful of open pull requests at most (one per base branch). */
const PULLS_PER_PAGE = 100

/** The open pull request whose head is `headSha`, or null when there is none. */
export async function pullRequestForHead(
  client: GitHubClient,
  repo: RepoRef,
  lookup: PullRequestLookup
): Promise<number | null> {
  for (const number of lookup.candidates) {
    const { data } = await client.rest.pulls.get({ ...repo, pull_number: number })
    if (data.head.sha === lookup.headSha) return data.number
  }
  if (lookup.headOwner === null || lookup.headBranch === null) return null
  const { data } = await client.rest.pulls.list({
    ...repo,
    state: 'open',
    head: `${lookup.headOwner}:${lookup.headBranch}`,
    per_page: PULLS_PER_PAGE
  })
  return data.find(pr => pr.head.sha === lookup.headSha)?.number ?? null
}
