// Addresses on the GitHub web site that reports link to. Pure; the server URL comes from GITHUB_SERVER_URL, so
// links work on GitHub Enterprise Server too.

/** The repository, as GITHUB_REPOSITORY names it. */
export interface RepoName {
  owner: string
  repo: string
}

function encodedPath(path: string): string {
  return path
    .split('/')
    .map(segment => encodeURIComponent(segment))
    .join('/')
}

/** A line of a file at a commit: `https://github.com/o/r/blob/<sha>/data/train.jsonl#L12`. */
export function blobLineUrl(
  serverUrl: string,
  repo: RepoName,
  sha: string,
  file: string,
  line: number
): string {
  const base = serverUrl.replace(/\/+$/, '')
  return `${base}/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}/blob/${sha}/${encodedPath(file)}#L${line}`
}

/** The workflow run's page, where its log and job summary are. */
export function workflowRunUrl(serverUrl: string, repo: RepoName, runId: string): string {
  const base = serverUrl.replace(/\/+$/, '')
  return `${base}/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}/actions/runs/${encodeURIComponent(runId)}`
}
