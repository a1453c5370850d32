// Which commits a workflow event asks us to compare, which commit the check run belongs to, and which pull
// request gets the comment. Pure: the event name and the parsed payload come in as data.

export type EventPayload = Record<string, unknown>

export interface Comparison {
  /** The revision to compare against (run-check starts from its merge base with `head`). */
  base: string
  head: string
  /** The full sha the check run is created on, when the event names one before git resolves anything. */
  headSha: string | null
  /** The pull request that gets the comment; null for events without one. */
  pullRequest: number | null
  /** Whether the pull request comes from a fork, whose `pull_request` token is read-only. */
  fromFork: boolean
  /** How the commits were chosen, for the log. */
  description: string
}

export type EventResult<T> = { ok: true; value: T } | { ok: false; reason: string }

export interface PublishTarget {
  /** The commit the analysed run checked: the check run goes on it. Taken from the event, never the report. */
  headSha: string
  /** The pull request, when the event says; null when it has to be looked up by head branch. */
  pullRequest: number | null
  /** Pull requests the event lists for the run; each must be checked against headSha before use. */
  candidates: number[]
  /** The head branch and its owner, to find a fork's pull request (GitHub lists none for those runs). */
  headOwner: string | null
  headBranch: string | null
  description: string
}

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/
/** `before` of a push that created the branch: there is nothing to compare with. */
const NULL_SHA = /^0+$/

/** The value at a path of nested objects, or undefined. Payloads are JSON from the runner, so read defensively. */
function at(value: unknown, ...path: string[]): unknown {
  let current = value
  for (const key of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

function stringAt(value: unknown, ...path: string[]): string | null {
  const v = at(value, ...path)
  return typeof v === 'string' && v.length > 0 ? v : null
}

function numberAt(value: unknown, ...path: string[]): number | null {
  const v = at(value, ...path)
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : null
}

function shaAt(value: unknown, ...path: string[]): string | null {
  const v = stringAt(value, ...path)
  return v !== null && SHA.test(v) ? v : null
}

const short = (sha: string): string => (SHA.test(sha) ? sha.slice(0, 7) : sha)

/** The events the analysis understands, for messages. */
export const SUPPORTED_EVENTS = [
  'pull_request',
  'pull_request_target',
  'merge_group',
  'push',
  'workflow_dispatch'
]

export interface RevisionOverrides {
  base: string | null
  head: string | null
}

/**
 * The comparison an event asks for. `base` and `head` inputs override what the event names; `defaultHead` is
 * GITHUB_SHA, the head for events that carry no head of their own (workflow_dispatch).
 */
export function comparisonForEvent(
  eventName: string,
  payload: EventPayload,
  overrides: RevisionOverrides,
  defaultHead: string | null
): EventResult<Comparison> {
  const event = eventComparison(eventName, payload, defaultHead)
  const base = overrides.base ?? event.base
  const head = overrides.head ?? event.head ?? defaultHead
  if (base === null || head === null) {
    return { ok: false, reason: event.missing ?? missingReason(eventName) }
  }
  // A head given as a ref (an input, GITHUB_SHA on an odd runner) waits until git resolves it to a sha.
  const headSha = (overrides.head === null ? event.headSha : null) ?? (SHA.test(head) ? head : null)
  const overridden = overrides.base !== null || overrides.head !== null
  return {
    ok: true,
    value: {
      base,
      head,
      headSha,
      pullRequest: event.pullRequest,
      fromFork: event.fromFork,
      description: overridden
        ? `${eventName || 'this event'}: comparing ${short(head)} with ${short(base)} (set by the base/head inputs)`
        : `${event.description}: comparing ${short(head)} with ${short(base)}`
    }
  }
}

interface EventRevisions {
  base: string | null
  head: string | null
  headSha: string | null
  pullRequest: number | null
  fromFork: boolean
  description: string
  /** Why the event names no base, when it does not. */
  missing?: string
}

function eventComparison(
  eventName: string,
  payload: EventPayload,
  defaultHead: string | null
): EventRevisions {
  const none: EventRevisions = {
    base: null,
    head: null,
    headSha: null,
    pullRequest: null,
    fromFork: false,
    description: eventName
  }
  switch (eventName) {
    case 'pull_request':
    case 'pull_request_target': {
      // The pull request's own head, not the merge commit actions/checkout checks out: annotations and links
      // must point at the lines of the files as the pull request has them.
      const head = shaAt(payload, 'pull_request', 'head', 'sha')
      const number = numberAt(payload, 'pull_request', 'number')
      const headRepo = stringAt(payload, 'pull_request', 'head', 'repo', 'full_name')
      const baseRepo = stringAt(payload, 'pull_request', 'base', 'repo', 'full_name')
      return {
        base: shaAt(payload, 'pull_request', 'base', 'sha'),
        head,
        headSha: head,
        pullRequest: number,
        fromFork: headRepo !== null && baseRepo !== null && headRepo !== baseRepo,
        description: `pull request #${number ?? '?'}`,
        missing: `the ${eventName} payload has no pull_request.base.sha and head.sha`
      }
    }
    case 'merge_group': {
      const head = shaAt(payload, 'merge_group', 'head_sha')
      return {
        ...none,
        base: shaAt(payload, 'merge_group', 'base_sha'),
        head,
        headSha: head,
        description: 'merge queue group',
        missing: 'the merge_group payload has no merge_group.base_sha and head_sha'
      }
    }
    case 'push': {
      const before = stringAt(payload, 'before')
      const after = shaAt(payload, 'after')
      if (at(payload, 'deleted') === true || (after !== null && NULL_SHA.test(after))) {
        return { ...none, missing: 'the push deleted a branch: there is nothing to check' }
      }
      if (before === null || NULL_SHA.test(before)) {
        return {
          ...none,
          head: after,
          headSha: after,
          missing:
            'the push created a branch, so the event names no earlier commit to compare with: ' +
            'set the base input (for example base: origin/main) to check new branches'
        }
      }
      return {
        ...none,
        base: SHA.test(before) ? before : null,
        head: after,
        headSha: after,
        description: 'push'
      }
    }
    case 'workflow_dispatch':
      return {
        ...none,
        head: defaultHead,
        headSha: defaultHead !== null && SHA.test(defaultHead) ? defaultHead : null,
        description: 'workflow_dispatch',
        missing:
          'a workflow_dispatch run names no commits to compare: pass them to the action, for example ' +
          'base: ${{ inputs.base }} (and optionally head)'
      }
    default:
      return none
  }
}

function missingReason(eventName: string): string {
  const name = eventName === '' ? 'an unknown event (GITHUB_EVENT_NAME is not set)' : `the ${eventName} event`
  return (
    `dataset-guard has nothing to compare on ${name}: it runs on ${SUPPORTED_EVENTS.join(', ')}, ` +
    'or on any event when the base and head inputs are set'
  )
}

/**
 * What the `publish` mode publishes for: the analysed commit and its pull request. On `workflow_run` (the
 * second stage of the setup for public repositories) everything comes from the triggering run, which GitHub
 * wrote, not from the report artifact, which the pull request's code wrote.
 */
export function publishTargetForEvent(eventName: string, payload: EventPayload): EventResult<PublishTarget> {
  if (eventName === 'workflow_run') {
    const headSha = shaAt(payload, 'workflow_run', 'head_sha')
    if (headSha === null)
      return { ok: false, reason: 'the workflow_run payload has no workflow_run.head_sha' }
    const listed = at(payload, 'workflow_run', 'pull_requests')
    const candidates = Array.isArray(listed)
      ? listed.map(pr => numberAt(pr, 'number')).filter((n): n is number => n !== null)
      : []
    const event = stringAt(payload, 'workflow_run', 'event')
    if (event !== null && event !== 'pull_request' && event !== 'pull_request_target') {
      return {
        ok: false,
        reason: `the analysed run was triggered by ${event}, not by a pull request: nothing to publish`
      }
    }
    return {
      ok: true,
      value: {
        headSha,
        pullRequest: null,
        candidates,
        headOwner: stringAt(payload, 'workflow_run', 'head_repository', 'owner', 'login'),
        headBranch: stringAt(payload, 'workflow_run', 'head_branch'),
        description: `workflow run ${numberAt(payload, 'workflow_run', 'id') ?? '?'} on ${short(headSha)}`
      }
    }
  }
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const headSha = shaAt(payload, 'pull_request', 'head', 'sha')
    const number = numberAt(payload, 'pull_request', 'number')
    if (headSha === null || number === null) {
      return { ok: false, reason: `the ${eventName} payload has no pull_request.number and head.sha` }
    }
    return {
      ok: true,
      value: {
        headSha,
        pullRequest: number,
        candidates: [],
        headOwner: null,
        headBranch: null,
        description: `pull request #${number}`
      }
    }
  }
  return {
    ok: false,
    reason:
      `mode: publish runs on workflow_run (the second stage of the setup for public repositories) or on a ` +
      `pull request; this run is ${eventName === '' ? 'an unknown event' : eventName}`
  }
}
