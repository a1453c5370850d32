// The one living PR comment: found by our hidden marker AND the token's own login, created once, edited in place
// on every later run (or deleted), never posted twice. Earlier duplicates of ours (two runs racing) are removed.

import { COMMENTS_PER_PAGE } from '../report/github-limits.js'
import { httpStatus } from './api-errors.js'
import type { GitHubClient, RepoRef } from './client.js'

export interface StickyCommentTarget {
  issueNumber: number
  /** The hidden marker our comment carries, e.g. `<!-- dataset-guard -->`. */
  marker: string
  /** The token's login; comments by anyone else are never touched, whatever they contain. */
  author: string
}

export interface OwnComment {
  id: number
  body: string
  htmlUrl: string
}

export type CommentAction = 'created' | 'updated' | 'unchanged' | 'deleted' | 'none'

export interface CommentResult {
  action: CommentAction
  /** The comment's address, when one exists after the call. */
  url: string | null
  /** Extra comments of ours that were deleted so that one remains. */
  duplicatesDeleted: number
  /** The comment to edit was gone (HTTP 404), so a new one was created. */
  recreated?: boolean
}

/** HTTP 404: the comment was deleted (by someone, or by a racing run) after it was listed. */
const NOT_FOUND = 404

/** Our marked comments on the issue, oldest first, following every page of the list. */
export async function ownMarkedComments(
  client: GitHubClient,
  repo: RepoRef,
  target: StickyCommentTarget
): Promise<OwnComment[]> {
  const author = target.author.toLowerCase()
  const found: OwnComment[] = []
  const pages = client.paginate.iterator(client.rest.issues.listComments, {
    ...repo,
    issue_number: target.issueNumber,
    per_page: COMMENTS_PER_PAGE
  })
  for await (const page of pages) {
    for (const c of page.data) {
      if (c.user?.login.toLowerCase() === author && (c.body ?? '').includes(target.marker)) {
        found.push({ id: c.id, body: c.body ?? '', htmlUrl: c.html_url })
      }
    }
  }
  return found
}

async function deleteAll(client: GitHubClient, repo: RepoRef, comments: OwnComment[]): Promise<number> {
  for (const c of comments) await client.rest.issues.deleteComment({ ...repo, comment_id: c.id })
  return comments.length
}

/**
 * Edits our comment to `body`, or creates it when there is none and `create` is true. An identical body is left
 * alone (no edit, no "edited" mark, no notification).
 */
export async function upsertStickyComment(
  client: GitHubClient,
  repo: RepoRef,
  target: StickyCommentTarget,
  body: string,
  create = true
): Promise<CommentResult> {
  const [first, ...duplicates] = await ownMarkedComments(client, repo, target)
  const duplicatesDeleted = await deleteAll(client, repo, duplicates)
  const createComment = async (): Promise<CommentResult> => {
    const { data } = await client.rest.issues.createComment({
      ...repo,
      issue_number: target.issueNumber,
      body
    })
    // A create retried after a lost answer (see client.ts) may have been written twice, and a racing run may
    // have posted too: keep the comment just created and delete any other of ours, so one remains.
    const others = (await ownMarkedComments(client, repo, target)).filter(c => c.id !== data.id)
    const extra = await deleteAll(client, repo, others)
    return { action: 'created', url: data.html_url, duplicatesDeleted: duplicatesDeleted + extra }
  }
  if (first === undefined) {
    if (!create) return { action: 'none', url: null, duplicatesDeleted }
    return createComment()
  }
  if (first.body === body) return { action: 'unchanged', url: first.htmlUrl, duplicatesDeleted }
  try {
    const { data } = await client.rest.issues.updateComment({ ...repo, comment_id: first.id, body })
    return { action: 'updated', url: data.html_url, duplicatesDeleted }
  } catch (error) {
    // Deleted between the list and the edit: the pull request had a report, so it gets one again.
    if (httpStatus(error) !== NOT_FOUND) throw error
    return { ...(await createComment()), recreated: true }
  }
}

/** Deletes our comment (and any duplicates); others' comments are never touched. */
export async function deleteStickyComment(
  client: GitHubClient,
  repo: RepoRef,
  target: StickyCommentTarget
): Promise<CommentResult> {
  const ours = await ownMarkedComments(client, repo, target)
  const deleted = await deleteAll(client, repo, ours)
  return { action: deleted > 0 ? 'deleted' : 'none', url: null, duplicatesDeleted: Math.max(0, deleted - 1) }
}
