// The one Octokit type the API layer works with. main.ts builds the client once (from @actions/github's
// getOctokit, which honours GITHUB_API_URL) and passes it to every function here.

import type { getOctokit } from '@actions/github'

export type GitHubClient = ReturnType<typeof getOctokit>

/** The repository the run belongs to (GITHUB_REPOSITORY). */
export interface RepoRef {
  owner: string
  repo: string
}
