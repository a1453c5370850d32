// The one Octokit type the API layer works with. main.ts builds the client once (from @actions/github's
// getOctokit, which honours GITHUB_API_URL), makes it retry transient failures, and passes it to every function
// here. A request that must not be carried out twice (a create) says how to find what it made: see BeforeRetry.

import type { getOctokit } from '@actions/github'
import { httpStatus } from './api-errors.js'

export type GitHubClient = ReturnType<typeof getOctokit>

type Response = Awaited<ReturnType<GitHubClient['request']>>

/**
 * A request option, `request: { beforeRetry }`, for a request that must not be carried out twice. A server
 * error or a dropped connection may come after GitHub carried the request out, with only the answer lost; so
 * before retrying after one, the client calls this to look for what the request made. A response it returns is
 * taken as the request's own, and nothing is retried; undefined retries. A rate-limited request was refused
 * before anything was done, so it is retried without looking.
 */
export type BeforeRetry = () => Promise<Response | undefined>

/** The repository the run belongs to (GITHUB_REPOSITORY). */
export interface RepoRef {
  owner: string
  repo: string
}

/** Retries after the first attempt. Four attempts ride out a short outage without holding a job for minutes. */
export const MAX_RETRIES = 3
/** The first backoff; each retry doubles it (1 s, 2 s, 4 s), as GitHub asks clients to back off exponentially. */
export const RETRY_BASE_DELAY_MS = 1000
/**
 * The longest wait for a rate limit (GitHub's `retry-after` or `x-ratelimit-reset`). GitHub asks for a minute
 * after a secondary rate limit; a primary limit can reset an hour later, which is not worth holding a runner:
 * such a request fails at once and the log says why.
 */
export const MAX_RATE_LIMIT_WAIT_MS = 60_000

const FORBIDDEN = 403
const TOO_MANY_REQUESTS = 429
const SERVER_ERROR = 500

export interface RetryOptions {
  /** The first backoff in ms; RETRY_BASE_DELAY_MS by default (tests make it short). */
  baseDelayMs?: number
  maxRetries?: number
  maxRateLimitWaitMs?: number
  /** Told before each retry, for the log. */
  onRetry?: (retry: RetryNote) => void
  /**
   * Told when, before a retry, a request's BeforeRetry found what the request had already made (its answer was
   * lost), so it is not sent again: `request` as in RetryNote.
   */
  onFound?: (request: string) => void
  /** Waits; tests replace it to see the waits without spending them. */
  sleep?: (ms: number) => Promise<void>
  /** The clock, in ms since the epoch, to turn `x-ratelimit-reset` into a wait. */
  now?: () => number
}

export interface RetryNote {
  /** `POST /repos/{owner}/{repo}/check-runs` */
  request: string
  /** The HTTP status, or null when the connection failed (Octokit reports those as 500 with no response). */
  status: number | null
  reason: string
  /** 1-based retry number. */
  retry: number
  maxRetries: number
  waitMs: number
}

interface ErrorLike {
  message?: unknown
  response?: { headers?: Record<string, unknown> }
}

type Wait = { retry: true; waitMs: number; rateLimited: boolean } | { retry: false }

/**
 * How long to wait before retrying a failed request, or no retry: server errors and dropped connections back off
 * exponentially; rate limits wait as GitHub says, when that is within the cap. Anything else (a refused
 * permission, a missing resource, a rejected body) is the caller's to handle, at once.
 */
export function retryWait(
  error: unknown,
  attempt: number,
  options: { baseDelayMs: number; maxRateLimitWaitMs: number; now: number }
): Wait {
  const status = httpStatus(error)
  const e = (error ?? {}) as ErrorLike
  const headers = e.response?.headers ?? {}
  const message = typeof e.message === 'string' ? e.message : ''
  const backoff = options.baseDelayMs * 2 ** attempt
  if (status === FORBIDDEN || status === TOO_MANY_REQUESTS) {
    const retryAfter = Number(headers['retry-after'])
    const remaining = headers['x-ratelimit-remaining']
    const reset = Number(headers['x-ratelimit-reset'])
    let waitMs: number | null = null
    if (Number.isFinite(retryAfter) && headers['retry-after'] !== undefined) waitMs = retryAfter * 1000
    else if ((remaining === '0' || remaining === 0) && Number.isFinite(reset))
      waitMs = Math.max(0, reset * 1000 - options.now)
    else if (/secondary rate limit/i.test(message) || status === TOO_MANY_REQUESTS) waitMs = backoff
    if (waitMs === null || waitMs > options.maxRateLimitWaitMs) return { retry: false }
    return { retry: true, waitMs, rateLimited: true }
  }
  if (status !== null && status >= SERVER_ERROR) return { retry: true, waitMs: backoff, rateLimited: false }
  return { retry: false }
}

/**
 * Makes every request of the client retry transient failures (see retryWait), a bounded number of times; a
 * request with a BeforeRetry is looked for before each retry that might repeat it.
 */
export function withRetries(client: GitHubClient, options: RetryOptions = {}): GitHubClient {
  const baseDelayMs = options.baseDelayMs ?? RETRY_BASE_DELAY_MS
  const maxRetries = options.maxRetries ?? MAX_RETRIES
  const maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? MAX_RATE_LIMIT_WAIT_MS
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>(done => setTimeout(done, ms)))
  const now = options.now ?? Date.now
  client.hook.wrap('request', async (request, requestOptions) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(requestOptions)
      } catch (error) {
        if (attempt >= maxRetries) throw error
        const wait = retryWait(error, attempt, { baseDelayMs, maxRateLimitWaitMs, now: now() })
        if (!wait.retry) throw error
        const status = httpStatus(error)
        const response = (error as ErrorLike).response
        const raw = error instanceof Error ? error.message : String(error)
        options.onRetry?.({
          request: `${requestOptions.method} ${requestOptions.url}`,
          // Octokit turns a dropped connection into a 500 without a response.
          status: response === undefined ? null : status,
          reason: wait.rateLimited ? 'rate limited' : (raw.split('\n')[0] ?? '').slice(0, 200),
          retry: attempt + 1,
          maxRetries,
          waitMs: wait.waitMs
        })
        await sleep(wait.waitMs)
        if (!wait.rateLimited) {
          const beforeRetry = requestOptions.request?.beforeRetry as BeforeRetry | undefined
          const found = await beforeRetry?.()
          if (found !== undefined) {
            options.onFound?.(`${requestOptions.method} ${requestOptions.url}`)
            return found
          }
        }
      }
    }
  })
  return client
}
