// src/github/ against the GitHub stand-in, through the real @actions/github client over HTTP, and the stand-in
// itself: it must refuse what GitHub refuses, so the other tests can trust it.

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { getOctokit } from '@actions/github'
import { apiFailure, httpStatus, isPermissionDenied, permissionsBlock } from '../src/github/api-errors.js'
import { completeCheckRun, createCheckRun } from '../src/github/check-run.js'
import type { GitHubClient } from '../src/github/client.js'
import { pullRequestForHead } from '../src/github/pull-request.js'
import { deleteStickyComment, ownMarkedComments, upsertStickyComment } from '../src/github/sticky-comment.js'
import { ACTIONS_BOT_LOGIN, tokenLogin } from '../src/github/token-identity.js'
import { annotations, closeAfterCheck, output } from './helpers/check-run-fixtures.js'
import { GitHubStandIn, type StandInOptions } from './helpers/github-stand-in.js'

const repo = { owner: 'octo-org', repo: 'datasets' }
const SHA = 'c'.repeat(40)
const MARKER = '<!-- dataset-guard -->'

let standIn: GitHubStandIn
let client: GitHubClient

async function start(options: Partial<StandInOptions> = {}): Promise<void> {
  standIn = await GitHubStandIn.start({ ...repo, ...options })
  client = getOctokit('ghs_token', { baseUrl: standIn.url })
}

beforeEach(async () => start())

afterEach(async () => closeAfterCheck(standIn))

describe('the stand-in', () => {
  it('refuses what GitHub would refuse, and records it as a problem', async () => {
    await expect(
      client.request('POST /repos/{owner}/{repo}/check-runs', { ...repo, name: 5 } as never)
    ).rejects.toMatchObject({
      status: 422
    })
    await expect(
      client.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...repo,
        issue_number: 1,
        perPage: 5
      })
    ).rejects.toMatchObject({ status: 422 })
    await expect(client.request('GET /repos/{owner}/{repo}/no-such-thing', repo)).rejects.toMatchObject({
      status: 404
    })
    expect(standIn.problems).toEqual([
      expect.stringMatching(
        /^POST \/repos\/\{owner\}\/\{repo\}\/check-runs: body \(root\) must have required property 'head_sha'/
      ),
      expect.stringMatching(/^POST \/repos\/\{owner\}\/\{repo\}\/check-runs: body \/name must be string/),
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments: unknown query parameter perPage',
      "GET /repos/octo-org/datasets/no-such-thing: no such operation in GitHub's OpenAPI description"
    ])
    expect(() => standIn.assertValid()).toThrow(/requests GitHub would not accept/)
    standIn.clearCalls()
  })

  it('fails on cue, then answers normally', async () => {
    standIn.fail({ operation: 'POST /repos/{owner}/{repo}/check-runs', status: 500, times: 1 })
    await expect(createCheckRun(client, repo, { name: 'n', headSha: SHA })).rejects.toMatchObject({
      status: 500
    })
    await expect(createCheckRun(client, repo, { name: 'n', headSha: SHA })).resolves.toMatchObject({
      id: expect.any(Number)
    })
    expect(standIn.callsTo('POST /repos/{owner}/{repo}/check-runs').map(c => c.status)).toEqual([500, 201])
  })

  it("lists a commit's check runs by name, newest first, every run only with filter: all", async () => {
    const create = (name: string, external_id: string, head_sha = SHA) =>
      client.rest.checks.create({ ...repo, name, head_sha, external_id })
    await create('dataset-guard', 'a')
    await create('dataset-guard', 'b')
    await create('other', 'c')
    await create('dataset-guard', 'd', 'd'.repeat(40))
    const list = async (query: { filter?: 'all' | 'latest'; per_page?: number; page?: number }) =>
      (await client.rest.checks.listForRef({ ...repo, ref: SHA, check_name: 'dataset-guard', ...query })).data
    expect((await list({ filter: 'all' })).check_runs.map(r => r.external_id)).toEqual(['b', 'a'])
    expect((await list({})).check_runs.map(r => r.external_id)).toEqual(['b'])
    const second = await list({ filter: 'all', per_page: 1, page: 2 })
    expect([second.total_count, second.check_runs.map(r => r.external_id)]).toEqual([2, ['a']])
  })
})

describe('check runs', () => {
  it('creates the run in progress on the head commit and names its app', async () => {
    const run = await createCheckRun(client, repo, {
      name: 'dataset-guard',
      headSha: SHA,
      detailsUrl: 'https://github.com/o/r/actions/runs/1'
    })
    expect(run).toEqual({
      id: standIn.checkRuns[0]?.id,
      htmlUrl: `https://github.com/${repo.owner}/${repo.repo}/runs/${run.id}`,
      appSlug: 'github-actions'
    })
    expect(standIn.checkRuns[0]).toMatchObject({
      name: 'dataset-guard',
      head_sha: SHA,
      status: 'in_progress',
      details_url: 'https://github.com/o/r/actions/runs/1'
    })
  })

  it('completes it in the first request and sends annotations 50 at a time', async () => {
    const run = await createCheckRun(client, repo, { name: 'dataset-guard', headSha: SHA })
    const requests = await completeCheckRun(client, repo, run.id, {
      conclusion: 'failure',
      output,
      annotations: annotations(120)
    })
    const stored = standIn.checkRuns[0]
    expect(requests).toBe(3)
    expect(stored?.annotationBatches).toEqual([50, 50, 20])
    expect(stored?.annotations.map(a => a.start_line)).toEqual(annotations(120).map(a => a.line))
    expect(stored).toMatchObject({ status: 'completed', conclusion: 'failure', output })
    const updates = standIn.callsTo('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}')
    expect(updates[0]?.body).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect(updates.slice(1).every(u => !('conclusion' in (u.body as object)))).toBe(true)
  })

  it('completes a run without annotations in one request', async () => {
    const run = await createCheckRun(client, repo, { name: 'dataset-guard', headSha: SHA })
    expect(
      await completeCheckRun(client, repo, run.id, {
        conclusion: 'neutral',
        output: { ...output, text: '' },
        annotations: []
      })
    ).toBe(1)
    expect(standIn.checkRuns[0]).toMatchObject({ conclusion: 'neutral', annotations: [] })
  })
})

describe('the sticky comment', () => {
  const target = { issueNumber: 9, marker: MARKER, author: ACTIONS_BOT_LOGIN }

  it('creates it once, edits it in place, and leaves an identical body alone', async () => {
    expect(await upsertStickyComment(client, repo, target, `${MARKER}\none`)).toMatchObject({
      action: 'created'
    })
    expect(await upsertStickyComment(client, repo, target, `${MARKER}\ntwo`)).toMatchObject({
      action: 'updated'
    })
    expect(await upsertStickyComment(client, repo, target, `${MARKER}\ntwo`)).toMatchObject({
      action: 'unchanged'
    })
    expect(standIn.comments.map(c => c.body)).toEqual([`${MARKER}\ntwo`])
    expect(standIn.callsTo('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}')).toHaveLength(1)
  })

  it('never takes a comment by someone else that carries the marker', async () => {
    const pasted = standIn.addComment(9, 'mallory', `${MARKER}\nnot yours`)
    const botLookalike = standIn.addComment(9, 'github-actions', `${MARKER}\nalso not yours`)
    expect(await upsertStickyComment(client, repo, target, `${MARKER}\nours`)).toMatchObject({
      action: 'created'
    })
    expect(standIn.comments.find(c => c.id === pasted.id)?.body).toBe(`${MARKER}\nnot yours`)
    expect(standIn.comments.find(c => c.id === botLookalike.id)?.body).toBe(`${MARKER}\nalso not yours`)
    expect(await deleteStickyComment(client, repo, target)).toMatchObject({ action: 'deleted' })
    expect(standIn.comments.map(c => c.login)).toEqual(['mallory', 'github-actions'])
  })

  it('finds its comment on a later page and removes duplicates of its own', async () => {
    for (let i = 0; i < 150; i++) standIn.addComment(9, 'reviewer', `comment ${i}`)
    const first = standIn.addComment(9, ACTIONS_BOT_LOGIN, `${MARKER}\nold`, 'Bot')
    const duplicate = standIn.addComment(9, ACTIONS_BOT_LOGIN, `${MARKER}\nraced`, 'Bot')
    expect((await ownMarkedComments(client, repo, target)).map(c => c.id)).toEqual([first.id, duplicate.id])
    standIn.clearCalls()

    const result = await upsertStickyComment(client, repo, target, `${MARKER}\nnew`)

    expect(result).toMatchObject({ action: 'updated', duplicatesDeleted: 1 })
    expect(standIn.comments.filter(c => c.login === ACTIONS_BOT_LOGIN).map(c => [c.id, c.body])).toEqual([
      [first.id, `${MARKER}\nnew`]
    ])
    expect(
      standIn
        .callsTo('GET /repos/{owner}/{repo}/issues/{issue_number}/comments')
        .map(c => c.query.page ?? '1')
    ).toEqual(['1', '2'])
  })

  it('creates nothing when asked only to update, and deleting nothing is fine', async () => {
    expect(await upsertStickyComment(client, repo, target, `${MARKER}\nx`, false)).toMatchObject({
      action: 'none',
      url: null
    })
    expect(await deleteStickyComment(client, repo, target)).toMatchObject({ action: 'none' })
    expect(standIn.comments).toEqual([])
  })
})

describe('tokenLogin', () => {
  it('takes the bot from the check run app, then asks GitHub, then assumes GITHUB_TOKEN', async () => {
    expect(await tokenLogin(client, 'my-app')).toBe('my-app[bot]')
    expect(standIn.calls).toEqual([])
    expect(await tokenLogin(client, null)).toBe(ACTIONS_BOT_LOGIN)
    expect(standIn.callsTo('GET /user').map(c => c.status)).toEqual([403])
  })

  it('names a personal token by its user', async () => {
    await standIn.close()
    await start({ token: 'user', userLogin: 'maintainer' })
    expect(await tokenLogin(client, null)).toBe('maintainer')
  })
})

describe('pullRequestForHead', () => {
  it('takes a listed pull request only when its head is the analysed commit, else looks up the fork branch', async () => {
    standIn.addPull({ number: 3, headSha: 'd'.repeat(40), headRef: 'main', headOwner: repo.owner })
    standIn.addPull({ number: 4, headSha: SHA, headRef: 'patch-1', headOwner: 'forker' })
    const lookup = { headSha: SHA, candidates: [3], headOwner: 'forker', headBranch: 'patch-1' }
    expect(await pullRequestForHead(client, repo, lookup)).toBe(4)
    expect(await pullRequestForHead(client, repo, { ...lookup, candidates: [4] })).toBe(4)
    expect(await pullRequestForHead(client, repo, { ...lookup, headBranch: 'other' })).toBeNull()
    expect(await pullRequestForHead(client, repo, { ...lookup, headOwner: null })).toBeNull()
  })
})

describe('api errors', () => {
  it('tells a permission 403 from a rate limit, and says what failed', async () => {
    await standIn.close()
    await start({ token: 'read-only' })
    const denied = await createCheckRun(client, repo, { name: 'n', headSha: SHA }).catch((e: unknown) => e)
    expect(httpStatus(denied)).toBe(403)
    expect(isPermissionDenied(denied)).toBe(true)
    expect(apiFailure('create the check run', denied)).toMatch(
      /^Could not create the check run: HTTP 403, Resource not accessible by integration/
    )
    expect(isPermissionDenied({ status: 403, message: 'API rate limit exceeded for installation' })).toBe(
      false
    )
    expect(
      isPermissionDenied({
        status: 403,
        message: 'x',
        response: { headers: { 'x-ratelimit-remaining': '0' } }
      })
    ).toBe(false)
    expect(httpStatus(new Error('socket hang up'))).toBeNull()
    expect(permissionsBlock()).toBe('permissions:\n  checks: write\n  pull-requests: write\n  contents: read')
  })
})
