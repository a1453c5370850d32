// Which commits each event compares, on real payloads GitHub sent (@octokit/webhooks-examples).

import { describe, expect, it } from '@jest/globals'
import {
  comparisonForEvent,
  publishTargetForEvent,
  type EventPayload,
  type RevisionOverrides
} from '../src/action-event.js'
import { webhookExample } from './helpers/action-run.js'

const NONE: RevisionOverrides = { base: null, head: null }
const GITHUB_SHA = '1111111111111111111111111111111111111111'

function compare(
  event: string,
  payload: EventPayload,
  overrides = NONE,
  defaultHead: string | null = GITHUB_SHA
) {
  return comparisonForEvent(event, payload, overrides, defaultHead)
}

function ok<T>(result: { ok: true; value: T } | { ok: false; reason: string }): T {
  if (!result.ok) throw new Error(`expected a comparison, got: ${result.reason}`)
  return result.value
}

function reason(result: { ok: boolean; reason?: string }): string {
  if (result.ok) throw new Error('expected no comparison')
  return result.reason ?? ''
}

describe('comparisonForEvent', () => {
  it('compares a pull request head (not the merge commit) with its base', () => {
    const payload = webhookExample('pull_request', 'synchronize')
    const pr = payload.pull_request as { number: number; head: { sha: string }; base: { sha: string } }
    const value = ok(compare('pull_request', payload))
    expect(value).toMatchObject({
      base: pr.base.sha,
      head: pr.head.sha,
      headSha: pr.head.sha,
      pullRequest: pr.number,
      fromFork: false
    })
    expect(value.head).not.toBe(GITHUB_SHA)
    expect(value.description).toBe(
      `pull request #${pr.number}: comparing ${pr.head.sha.slice(0, 7)} with ${pr.base.sha.slice(0, 7)}`
    )
  })

  it('treats pull_request_target the same and tells a fork by its head repository', () => {
    const payload = webhookExample('pull_request', 'opened')
    const pr = payload.pull_request as { head: { repo: { full_name: string } } }
    pr.head.repo = { ...pr.head.repo, full_name: 'someone-else/Hello-World' }
    expect(ok(compare('pull_request_target', payload)).fromFork).toBe(true)
  })

  it('compares a merge queue group with its base', () => {
    const payload = webhookExample('merge_group', 'checks_requested')
    const group = payload.merge_group as { base_sha: string; head_sha: string }
    expect(ok(compare('merge_group', payload))).toMatchObject({
      base: group.base_sha,
      head: group.head_sha,
      headSha: group.head_sha,
      pullRequest: null
    })
  })

  it('compares a push from before to after, and explains a push that created the branch', () => {
    const created = webhookExample('push')
    expect(created.before).toMatch(/^0+$/)
    expect(reason(compare('push', created))).toMatch(/created a branch.*set the base input/)

    const pushed = { ...created, before: 'a'.repeat(40), created: false }
    expect(ok(compare('push', pushed))).toMatchObject({ base: 'a'.repeat(40), head: created.after })
    expect(reason(compare('push', { ...pushed, deleted: true, after: '0'.repeat(40) }))).toMatch(
      /deleted a branch/
    )
  })

  it('takes workflow_dispatch commits from the inputs, head defaulting to GITHUB_SHA', () => {
    const payload = webhookExample('workflow_dispatch')
    expect(reason(compare('workflow_dispatch', payload))).toMatch(/base: \$\{\{ inputs\.base \}\}/)
    const value = ok(compare('workflow_dispatch', payload, { base: 'origin/main', head: null }))
    expect(value).toMatchObject({ base: 'origin/main', head: GITHUB_SHA, headSha: GITHUB_SHA })
  })

  it('lets base and head inputs override any event; a ref head waits for git to resolve it', () => {
    const payload = webhookExample('pull_request', 'synchronize')
    const value = ok(compare('pull_request', payload, { base: 'v1.0', head: 'feature' }))
    expect(value).toMatchObject({ base: 'v1.0', head: 'feature', headSha: null })
    expect(value.description).toMatch(/set by the base\/head inputs/)
    expect(ok(compare('issues', webhookExample('issues'), { base: 'main', head: 'HEAD' })).base).toBe('main')
  })

  it('explains what it runs on for any other event, and for a missing event name', () => {
    expect(reason(compare('issues', webhookExample('issues')))).toBe(
      'dataset-guard has nothing to compare on the issues event: it runs on pull_request, pull_request_target, ' +
        'merge_group, push, workflow_dispatch, or on any event when the base and head inputs are set'
    )
    expect(reason(compare('', {}))).toMatch(/GITHUB_EVENT_NAME is not set/)
  })

  it('does not trust malformed payload fields', () => {
    const payload = { pull_request: { number: 3, head: { sha: 'not-a-sha' }, base: { sha: ['x'] } } }
    expect(reason(compare('pull_request', payload))).toMatch(/no pull_request\.base\.sha/)
  })
})

describe('publishTargetForEvent', () => {
  it('takes the analysed commit and pull requests from a workflow_run, never from elsewhere', () => {
    const payload = webhookExample('workflow_run', 'completed')
    const run = payload.workflow_run as Record<string, unknown>
    Object.assign(run, { event: 'pull_request', pull_requests: [{ number: 12 }, { number: 'x' }] })
    const result = publishTargetForEvent('workflow_run', payload)
    expect(ok(result)).toMatchObject({
      headSha: run.head_sha,
      pullRequest: null,
      candidates: [12],
      headOwner: (run.head_repository as { owner: { login: string } }).owner.login,
      headBranch: run.head_branch
    })
  })

  it('refuses a workflow_run that was not a pull request, and events it cannot publish for', () => {
    const payload = webhookExample('workflow_run', 'completed')
    ;(payload.workflow_run as Record<string, unknown>).event = 'push'
    expect(reason(publishTargetForEvent('workflow_run', payload))).toMatch(
      /triggered by push, not by a pull request/
    )
    expect(reason(publishTargetForEvent('push', webhookExample('push')))).toMatch(
      /mode: publish runs on workflow_run/
    )
  })

  it('publishes for a pull request event directly', () => {
    const payload = webhookExample('pull_request', 'opened')
    const pr = payload.pull_request as { number: number; head: { sha: string } }
    expect(ok(publishTargetForEvent('pull_request', payload))).toMatchObject({
      headSha: pr.head.sha,
      pullRequest: pr.number
    })
  })
})
