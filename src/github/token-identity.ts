// Who the token is, so the action recognises its own PR comment: a comment is ours only when our marker is in it
// AND its author is the token's own login, so a marker pasted by anyone else cannot hijack the comment.

import type { GitHubClient } from './client.js'
import { httpStatus } from './api-errors.js'

/** The author of everything the workflow's GITHUB_TOKEN writes. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]'

/**
 * The login the token writes as. A check run can only be created by a GitHub App, and its response names the
 * app: an app's installation token writes as `<slug>[bot]` (for GITHUB_TOKEN, `github-actions[bot]`). Without
 * an app slug (no check run), a personal token can say who it is (GET /user); an installation token cannot
 * (HTTP 403), and is then taken to be GITHUB_TOKEN.
 */
export async function tokenLogin(client: GitHubClient, appSlug: string | null): Promise<string> {
  if (appSlug !== null && appSlug !== '') return `${appSlug}[bot]`
  try {
    const { data } = await client.rest.users.getAuthenticated()
    return data.login
  } catch (error) {
    const status = httpStatus(error)
    if (status === 401 || status === 403 || status === 404) return ACTIONS_BOT_LOGIN
    throw error
  }
}
