// Turning API failures into what to do about them: a missing permission names the `permissions:` entries the
// workflow needs; a pull request from a fork explains its read-only token.

/** HTTP 403: the token may not do this (or, with rate-limit headers, may not do it now). */
const FORBIDDEN = 403

/** Every permission the action uses, as a workflow writes them. */
export const REQUIRED_PERMISSIONS = ['checks: write', 'pull-requests: write', 'contents: read'] as const
export type Permission = (typeof REQUIRED_PERMISSIONS)[number]

interface ErrorLike {
  status?: unknown
  message?: unknown
  response?: { headers?: Record<string, unknown> }
}

/** The HTTP status of an Octokit RequestError, or null for anything else (a network failure, a bug). */
export function httpStatus(error: unknown): number | null {
  const status = (error as ErrorLike | null)?.status
  return typeof status === 'number' ? status : null
}

/** A 403 that is about permissions, not a rate limit (GitHub answers both with 403). */
export function isPermissionDenied(error: unknown): boolean {
  if (httpStatus(error) !== FORBIDDEN) return false
  const e = error as ErrorLike
  const remaining = e.response?.headers?.['x-ratelimit-remaining']
  const message = typeof e.message === 'string' ? e.message : ''
  return remaining !== '0' && remaining !== 0 && !/rate limit/i.test(message)
}

/** One line for the log: what failed, with the status and GitHub's own message. */
export function apiFailure(what: string, error: unknown): string {
  const status = httpStatus(error)
  const raw = error instanceof Error ? error.message : String(error)
  // GitHub's message follows the status; keep the first line only, so a long body cannot flood the log.
  const message = raw.split('\n')[0]?.slice(0, 300) ?? ''
  return `Could not ${what}: ${status === null ? '' : `HTTP ${status}, `}${message}`
}

/** The workflow lines that grant the action what it needs, for a message. */
export function permissionsBlock(permissions: readonly Permission[] = REQUIRED_PERMISSIONS): string {
  return ['permissions:', ...permissions.map(p => `  ${p}`)].join('\n')
}
