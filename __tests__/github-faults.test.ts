// GitHub API faults against the stand-in, through the real client over HTTP: transient failures are retried a
// bounded number of times with exponential backoff, rate limits wait as GitHub says (capped), a create whose
// answer was lost leaves one check run or comment, not two, a comment deleted under our feet is posted again,
// and a rejected batch of annotations is dropped without losing the rest.

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { getOctokit } from '@actions/github'
import { completeCheckRun, createCheckRun, type RejectedBatch } from '../src/github/check-run.js'
import {
  MAX_RATE_LIMIT_WAIT_MS,
  MAX_RETRIES,
  RETRY_BASE_DELAY_MS,
  retryWait,
  withRetries,
  type GitHubClient,
  type RetryNote
} from '../src/github/client.js'
import { upsertStickyComment } from '../src/github/sticky-comment.js'
import { annotations, closeAfterCheck, output } from './helpers/check-run-fixtures.js'
import { GitHubStandIn } from './helpers/github-stand-in.js'

const repo = { owner: 'octo-org', repo: 'datasets' }
const SHA = 'c'.repeat(40)
const MARKER = '<!-- dataset-guard -->'
const CHECK_RUNS = 'POST /repos/{owner}/{repo}/check-runs'
const CHECK_RUN_UPDATE = 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}'
const LIST_CHECK_RUNS = 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs'
const UPDATE_COMMENT = 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}'
const CREATE_COMMENT = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments'
const NOW = Date.UTC(2025, 0, 1)

let standIn: GitHubStandIn
let client: GitHubClient
let waits: number[]
let notes: RetryNote[]
let found: string[]

beforeEach(async () => {
  standIn = await GitHubStandIn.start(repo)
  waits = []
  notes = []
  found = []
  client = withRetries(getOctokit('ghs_token', { baseUrl: standIn.url }), {
    sleep: async ms => void waits.push(ms),
    now: () => NOW,
    onRetry: note => notes.push(note),
    onFound: request => found.push(request)
  })
})

afterEach(async () => closeAfterCheck(standIn))

describe('retries', () => {
  it('retries 5xx answers with exponential backoff, then succeeds', async () => {
    standIn.fail({ operation: CHECK_RUNS, status: 502, times: 2 })
    await expect(createCheckRun(client, repo, { name: 'n', headSha: SHA })).resolves.toMatchObject({
      id: expect.any(Number)
    })
    expect(standIn.callsTo(CHECK_RUNS).map(c => c.status)).toEqual([502, 502, 201])
    expect(waits).toEqual([RETRY_BASE_DELAY_MS, 2 * RETRY_BASE_DELAY_MS])
    expect(notes.map(n => [n.request, n.status, n.retry])).toEqual([
      ['POST /repos/{owner}/{repo}/check-runs', 502, 1],
      ['POST /repos/{owner}/{repo}/check-runs', 502, 2]
    ])
  })

  it('retries a dropped connection', async () => {
    standIn.fail({ operation: CHECK_RUNS, status: 0, reset: true, times: 1 })
    await createCheckRun(client, repo, { name: 'n', headSha: SHA })
    expect(standIn.checkRuns).toHaveLength(1)
    expect(notes).toEqual([expect.objectContaining({ status: null, retry: 1 })])
  })

  it('gives up after a bounded number of retries with the last error', async () => {
    standIn.fail({ operation: CHECK_RUNS, status: 503 })
    await expect(createCheckRun(client, repo, { name: 'n', headSha: SHA })).rejects.toMatchObject({
      status: 503
    })
    expect(standIn.callsTo(CHECK_RUNS)).toHaveLength(MAX_RETRIES + 1)
    expect(waits).toEqual([1, 2, 4].map(k => k * RETRY_BASE_DELAY_MS))
  })

  it('waits as long as a secondary rate limit says, and as x-ratelimit-reset says', async () => {
    standIn.fail({
      operation: CHECK_RUNS,
      status: 403,
      message: 'You have exceeded a secondary rate limit.',
      headers: { 'retry-after': '7' },
      times: 1
    })
    standIn.fail({
      operation: CHECK_RUNS,
      status: 429,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 12) },
      times: 1
    })
    await createCheckRun(client, repo, { name: 'n', headSha: SHA })
    expect(standIn.callsTo(CHECK_RUNS).map(c => c.status)).toEqual([403, 429, 201])
    expect(waits).toEqual([7000, 12_000])
    expect(notes.every(n => n.reason === 'rate limited')).toBe(true)
  })

  it('does not wait beyond the cap: a limit that resets in an hour fails at once', async () => {
    standIn.fail({
      operation: CHECK_RUNS,
      status: 403,
      message: 'API rate limit exceeded',
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 3600) },
      times: 1
    })
    await expect(createCheckRun(client, repo, { name: 'n', headSha: SHA })).rejects.toMatchObject({
      status: 403
    })
    expect(waits).toEqual([])
  })

  it('never retries a refused permission, a missing resource or a rejected body', async () => {
    for (const status of [403, 404, 422]) {
      standIn.fail({ operation: CHECK_RUNS, status, times: 1 })
      await expect(createCheckRun(client, repo, { name: 'n', headSha: SHA })).rejects.toMatchObject({
        status
      })
    }
    expect(standIn.callsTo(CHECK_RUNS)).toHaveLength(3)
    expect(waits).toEqual([])
  })

  it('decides from status and headers alone', () => {
    const options = { baseDelayMs: 10, maxRateLimitWaitMs: MAX_RATE_LIMIT_WAIT_MS, now: NOW }
    const error = (status: number, headers: Record<string, string> = {}, message = '') =>
      Object.assign(new Error(message), { status, response: { headers } })
    expect(retryWait(error(500), 2, options)).toEqual({ retry: true, waitMs: 40, rateLimited: false })
    expect(retryWait(error(403, { 'retry-after': '61' }), 0, options)).toEqual({ retry: false })
    expect(retryWait(error(403, {}, 'You have exceeded a secondary rate limit'), 1, options)).toEqual({
      retry: true,
      waitMs: 20,
      rateLimited: true
    })
    expect(retryWait(new Error('a bug'), 0, options)).toEqual({ retry: false })
  })
})

describe('a comment created but whose answer is lost', () => {
  it('is not left twice when the retried create posts it again', async () => {
    standIn.fail({ operation: CREATE_COMMENT, status: 0, reset: true, applied: true, times: 1 })
    const target = { issueNumber: 7, marker: MARKER, author: 'github-actions[bot]' }
    const result = await upsertStickyComment(client, repo, target, `${MARKER}\nreport`)
    // The first POST was written and its answer dropped; the retry wrote a second comment.
    expect(standIn.callsTo(CREATE_COMMENT)).toHaveLength(2)
    expect(result).toMatchObject({ action: 'created', duplicatesDeleted: 1 })
    const left = standIn.comments.filter(c => c.issueNumber === 7)
    expect(left).toHaveLength(1)
    expect(result.url).toContain(String(left[0]?.id))
  })
})

describe('a check run created but whose answer is lost', () => {
  it('is created once: the retry finds the run the lost request made, and the completion lands on it', async () => {
    standIn.fail({ operation: CHECK_RUNS, status: 0, reset: true, applied: true, times: 1 })

    const run = await createCheckRun(client, repo, { name: 'dataset-guard', headSha: SHA })

    // GitHub created the run and the answer was lost; the retry looked for it instead of creating another.
    expect(standIn.checkRuns).toHaveLength(1)
    expect(run.id).toBe(standIn.checkRuns[0]?.id)
    expect(standIn.callsTo(CHECK_RUNS).map(c => c.status)).toEqual([201])
    expect(standIn.callsTo(LIST_CHECK_RUNS).map(c => c.query)).toEqual([
      expect.objectContaining({ check_name: 'dataset-guard', filter: 'all' })
    ])
    expect(notes).toEqual([expect.objectContaining({ request: CHECK_RUNS, status: null, retry: 1 })])
    expect(found).toEqual([CHECK_RUNS])

    await completeCheckRun(client, repo, run.id, {
      conclusion: 'failure',
      output,
      annotations: annotations(70)
    })
    expect(standIn.checkRuns).toEqual([
      expect.objectContaining({
        id: run.id,
        status: 'completed',
        conclusion: 'failure',
        output,
        annotationBatches: [50, 20]
      })
    ])
  })

  it('is created again when the lost request never arrived, and never takes an earlier run of the same name', async () => {
    // An earlier run of the workflow left a run with this name on the commit.
    const earlier = await createCheckRun(client, repo, { name: 'dataset-guard', headSha: SHA })
    standIn.fail({ operation: CHECK_RUNS, status: 502, times: 1 })
    standIn.fail({ operation: CHECK_RUNS, status: 0, reset: true, times: 1 })

    const run = await createCheckRun(client, repo, { name: 'dataset-guard', headSha: SHA })

    expect(run.id).not.toBe(earlier.id)
    expect(standIn.checkRuns.map(r => r.id)).toEqual([earlier.id, run.id])
    expect(standIn.callsTo(CHECK_RUNS).map(c => c.status)).toEqual([201, 502, 0, 201])
    expect(standIn.callsTo(LIST_CHECK_RUNS)).toHaveLength(2)
    expect(found).toEqual([])
    // Each create has its own external_id; a retry sends the same one.
    const ids = standIn.callsTo(CHECK_RUNS).map(c => (c.body as { external_id?: string }).external_id)
    expect(ids[0]).toEqual(expect.any(String))
    expect(new Set(ids.slice(1))).toEqual(new Set([ids[1]]))
    expect(ids[1]).not.toBe(ids[0])
  })

  it('is not looked for after a rate limit, which GitHub refuses before doing anything', async () => {
    standIn.fail({ operation: CHECK_RUNS, status: 429, headers: { 'retry-after': '1' }, times: 1 })
    await createCheckRun(client, repo, { name: 'dataset-guard', headSha: SHA })
    expect(standIn.callsTo(CHECK_RUNS).map(c => c.status)).toEqual([429, 201])
    expect(standIn.callsTo(LIST_CHECK_RUNS)).toEqual([])
  })
})

describe('a comment deleted while it is updated', () => {
  it('is posted again instead of failing', async () => {
    const old = standIn.addComment(3, 'github-actions[bot]', `${MARKER}\nold`, 'Bot')
    // Listed, then gone by the time of the edit.
    standIn.fail({ operation: UPDATE_COMMENT, status: 404, times: 1 })
    const target = { issueNumber: 3, marker: MARKER, author: 'github-actions[bot]' }

    const result = await upsertStickyComment(client, repo, target, `${MARKER}\nnew`)

    expect(result).toMatchObject({ action: 'created', recreated: true })
    expect(standIn.callsTo(UPDATE_COMMENT).map(c => c.params.comment_id)).toEqual([String(old.id)])
    expect(standIn.callsTo(CREATE_COMMENT)).toHaveLength(1)
    expect(standIn.comments.filter(c => c.body === `${MARKER}\nnew`)).toHaveLength(1)
  })

  it('still fails on other errors', async () => {
    standIn.addComment(3, 'github-actions[bot]', `${MARKER}\nold`, 'Bot')
    standIn.fail({ operation: UPDATE_COMMENT, status: 403, times: 1 })
    const target = { issueNumber: 3, marker: MARKER, author: 'github-actions[bot]' }
    await expect(upsertStickyComment(client, repo, target, `${MARKER}\nnew`)).rejects.toMatchObject({
      status: 403
    })
    expect(standIn.callsTo(CREATE_COMMENT)).toEqual([])
  })
})

describe('a batch of annotations GitHub rejects', () => {
  it('drops a later batch, says so, and sends the rest', async () => {
    const run = await createCheckRun(client, repo, { name: 'dataset-guard', headSha: SHA })
    standIn.fail({ operation: CHECK_RUN_UPDATE, status: 422, after: 1, times: 1 })
    const rejected: RejectedBatch[] = []

    const requests = await completeCheckRun(client, repo, run.id, {
      conclusion: 'failure',
      output,
      annotations: annotations(120),
      onRejectedBatch: r => rejected.push(r)
    })

    expect(requests).toBe(3)
    expect(standIn.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect(standIn.checkRuns[0]?.annotationBatches).toEqual([50, 20])
    expect(rejected).toEqual([
      {
        batch: 2,
        annotations: 50,
        message: expect.stringMatching(/^Could not add 50 annotation\(s\).*HTTP 422/)
      }
    ])
  })

  it('completes the run without the first batch when that one is rejected, so it is never left pending', async () => {
    const run = await createCheckRun(client, repo, { name: 'dataset-guard', headSha: SHA })
    standIn.fail({ operation: CHECK_RUN_UPDATE, status: 422, times: 1 })
    const rejected: RejectedBatch[] = []

    const requests = await completeCheckRun(client, repo, run.id, {
      conclusion: 'failure',
      output,
      annotations: annotations(70),
      onRejectedBatch: r => rejected.push(r)
    })

    expect(requests).toBe(3)
    expect(standIn.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure', output })
    expect(standIn.checkRuns[0]?.annotationBatches).toEqual([20])
    expect(rejected.map(r => r.batch)).toEqual([1])
  })
})
