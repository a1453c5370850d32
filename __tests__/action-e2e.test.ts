// The built action (dist/index.js) end to end, run the way the runner runs it: INPUT_* variables, a real event
// payload (from @octokit/webhooks-examples, adapted to a temporary git repository), GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files, and GITHUB_API_URL pointing at the GitHub stand-in on 127.0.0.1, which checks every
// request against GitHub's OpenAPI description. Nothing is mocked: the real @actions/github client talks HTTP.
// dist/ must be built first (`npm run build`).

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Report } from '../src/types.js'
import { ACTION_ENTRY, runAction, webhookExample, type ActionRun } from './helpers/action-run.js'
import { GitHubStandIn } from './helpers/github-stand-in.js'
import { detailsBalanced, markdownTables, visibleText } from './helpers/markdown-inspect.js'
import { gitIn, removeDir, tempDir, tempRepo, type TempRepo } from './fixtures/git/temp-repo.js'
import { HUMAN_PROMPTS } from './fixtures/human-prompts.js'
import { closeAfterCheck } from './helpers/check-run-fixtures.js'

const OWNER = 'Codertocat'
const REPO = 'Hello-World'
const REPOSITORY = `${OWNER}/${REPO}`
const MARKER = '<!-- dataset-guard -->'
const BOT = 'github-actions[bot]'
const TOKEN = 'ghs_stand-in-token'

const CHECK_RUNS = 'POST /repos/{owner}/{repo}/check-runs'
const CHECK_RUN_UPDATE = 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}'
const LIST_COMMENTS = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments'
const CREATE_COMMENT = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments'
const UPDATE_COMMENT = 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}'
const DELETE_COMMENT = 'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}'

const CONFIG = `datasets:
  - name: chat-sft
    paths: ["data/**/*.jsonl"]
    fields: { input: [prompt], output: [response] }
    provenance:
      field: source
      values: { human: real, gpt: synthetic }
`

const HUMAN = HUMAN_PROMPTS.slice(0, 28)
const BASE_ROWS = 20

/** Dataset text written to break the comment: close <details>, split tables, ping people, link issues, run HTML. */
const HOSTILE = (i: number) =>
  `</details> | @octocat please fix #${i + 1} <img src=x onerror=alert(1)> <script>alert(1)</script> ` +
  `[click](javascript:alert(1)) </td></tr></table> ~~~`

const row = (prompt: string, source: string) => JSON.stringify({ prompt, response: 'ok', source })
const humanRows = (from: number, to: number) => HUMAN.slice(from, to).map(p => row(p, 'human'))
const templatedRows = (count: number, offset = 0) =>
  Array.from({ length: count }, (_, i) =>
    row(`What is ${i + offset + 3} + ${((i + offset) * 7) % 50}?`, 'gpt')
  )
const hostileRows = (count: number) => Array.from({ length: count }, (_, i) => row(HOSTILE(i), 'gpt'))
const INVALID_ROWS = 60
const invalidRows = () => Array.from({ length: INVALID_ROWS }, (_, i) => `{"prompt": "broken row ${i}`)

interface Scenario {
  head: string
  merge: string
  branch: string
}

let upstream: TempRepo
let mainTip: string
let pr1: Scenario
let pr2: Scenario
let docsPr: Scenario
let goodPr: Scenario
let standIn: GitHubStandIn
const workspaces: string[] = []
/** 1-based lines of the unparseable rows in the first push's data/train.jsonl. */
let invalidLines: number[] = []

function mergeInto(base: string, branch: string, name: string): string {
  upstream.git(['checkout', '-q', '-b', name, base])
  upstream.git(['merge', '-q', '--no-ff', '-m', `Merge ${branch} into main`, branch])
  return upstream.git(['rev-parse', 'HEAD'])
}

/** A shallow clone at one commit, as actions/checkout makes it: the action must fetch the rest itself. */
function checkout(branch: string): string {
  const dir = tempDir()
  workspaces.push(dir)
  gitIn(dir, ['clone', '-q', '--depth', '1', '--branch', branch, `file://${upstream.dir}`, '.'])
  return dir
}

function pullRequestEvent(scenario: Scenario, number: number, options: { fork?: boolean } = {}) {
  const payload = webhookExample('pull_request', 'synchronize')
  const pr = payload.pull_request as Record<string, Record<string, unknown>>
  payload.number = number
  pr.number = number as never
  pr.head!.sha = scenario.head
  pr.head!.ref = scenario.branch
  pr.base!.sha = mainTip
  pr.base!.ref = 'main'
  payload.after = scenario.head
  if (options.fork) {
    const headRepo = pr.head!.repo as Record<string, unknown>
    pr.head!.repo = { ...headRepo, full_name: `forker/${REPO}`, fork: true }
  }
  return payload
}

async function runOnPullRequest(
  scenario: Scenario,
  number: number,
  inputs: Record<string, string> = {},
  options: { fork?: boolean } = {}
): Promise<ActionRun> {
  return runAction({
    workspace: checkout(`merge-${scenario.branch}`),
    eventName: 'pull_request',
    payload: pullRequestEvent(scenario, number, options),
    inputs: { 'github-token': TOKEN, ...inputs },
    apiUrl: standIn.url,
    repository: REPOSITORY,
    sha: scenario.merge
  })
}

function ourComments(issue: number) {
  return standIn.comments.filter(c => c.issueNumber === issue && c.login === BOT && c.body.includes(MARKER))
}

function reportOf(run: ActionRun): Report {
  const content = run.outputs['report-json-content']
  if (content === undefined) throw new Error(`no report-json written:\n${run.stdout}\n${run.stderr}`)
  return JSON.parse(content) as Report
}

beforeAll(async () => {
  if (!existsSync(ACTION_ENTRY)) throw new Error(`${ACTION_ENTRY} is missing: run \`npm run build\` first`)
  upstream = tempRepo()
  upstream.write('.github/dataset-guard.yml', CONFIG)
  upstream.write('data/train.jsonl', `${humanRows(0, BASE_ROWS).join('\n')}\n`)
  upstream.write('README.md', 'datasets\n')
  const base = upstream.commit('base')

  // The first push: templated synthetic rows, hostile rows and unparseable rows on top of the human ones.
  upstream.git(['checkout', '-q', '-b', 'feature', base])
  const pushed = [...humanRows(0, BASE_ROWS), ...templatedRows(80), ...hostileRows(12)]
  invalidLines = invalidRows().map((_, i) => pushed.length + i + 1)
  upstream.write('data/train.jsonl', `${[...pushed, ...invalidRows()].join('\n')}\n`)
  const head1 = upstream.commit('add generated rows')

  // main moves on after the branch point, so the merge base is not main's tip.
  upstream.git(['checkout', '-q', 'main'])
  upstream.write('README.md', 'datasets, documented\n')
  mainTip = upstream.commit('docs on main')
  pr1 = { head: head1, merge: mergeInto(mainTip, 'feature', 'merge-feature'), branch: 'feature' }

  // The second push on the same pull request.
  upstream.git(['checkout', '-q', 'feature'])
  upstream.write(
    'data/train.jsonl',
    `${[...pushed, ...templatedRows(30, 80), ...invalidRows()].join('\n')}\n`
  )
  const head2 = upstream.commit('more generated rows')
  pr2 = { head: head2, merge: mergeInto(mainTip, 'feature', 'merge-feature-2'), branch: 'feature-2' }
  upstream.git(['branch', '-q', 'feature-2', head2])

  // A pull request that changes no dataset, and one whose dataset change passes the gate.
  upstream.git(['checkout', '-q', '-b', 'docs', mainTip])
  upstream.write('README.md', 'datasets, documented better\n')
  const docsHead = upstream.commit('docs only')
  docsPr = { head: docsHead, merge: mergeInto(mainTip, 'docs', 'merge-docs'), branch: 'docs' }
  upstream.git(['checkout', '-q', '-b', 'good', mainTip])
  upstream.write('data/train.jsonl', `${humanRows(0, HUMAN.length).join('\n')}\n`)
  const goodHead = upstream.commit('a few real rows')
  goodPr = { head: goodHead, merge: mergeInto(mainTip, 'good', 'merge-good'), branch: 'good' }
  upstream.git(['checkout', '-q', 'main'])
})

afterAll(() => {
  upstream?.cleanup()
  for (const dir of workspaces) removeDir(dir)
})

// Every request the action made must be one GitHub accepts.
afterEach(async () => closeAfterCheck(standIn))

describe('the action on a pull request', () => {
  it('publishes a check run, annotations in batches of 50, one comment, the summary and outputs; fails the step', async () => {
    standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO })
    // Someone pasted our marker: it must not be mistaken for our comment. And enough comments for two pages.
    const pasted = standIn.addComment(2, 'mallory', `${MARKER}\nI am the dataset-guard comment now`)
    for (let i = 0; i < 120; i++) standIn.addComment(2, `reviewer${i % 3}`, `looks fine ${i}`)

    const run = await runOnPullRequest(pr1, 2, { 'max-annotations': '200' })

    expect(run.code).toBe(1)
    const report = reportOf(run)
    expect(report.verdict.passed).toBe(false)
    expect(report.head.sha).toBe(pr1.head)

    // The check run: created first, in progress, on the pull request's head (not the merge commit).
    expect(standIn.calls[0]?.operation).toBe(CHECK_RUNS)
    const created = standIn.callsTo(CHECK_RUNS)
    expect(created).toHaveLength(1)
    expect(created[0]?.body).toMatchObject({
      name: 'dataset-guard',
      head_sha: pr1.head,
      status: 'in_progress'
    })
    const updates = standIn.callsTo(CHECK_RUN_UPDATE)
    expect(updates[0]?.body).toMatchObject({ status: 'completed', conclusion: 'failure' })
    const [checkRun] = standIn.checkRuns
    expect(checkRun?.conclusion).toBe('failure')
    expect(checkRun?.output.title).toBe(report.verdict.headline)
    expect(checkRun?.output.summary).toContain('dataset-guard: ❌ failed')

    // Annotations: more than one request's worth, none over 50, every unparseable row on its own line.
    const annotations = checkRun?.annotations ?? []
    expect(annotations.length).toBeGreaterThan(50)
    expect(checkRun?.annotationBatches.every(n => n <= 50)).toBe(true)
    expect(checkRun?.annotationBatches.reduce((a, b) => a + b, 0)).toBe(annotations.length)
    expect(updates).toHaveLength(checkRun?.annotationBatches.length ?? 0)
    const unparseable = annotations.filter(a => a.title === 'Unparseable row in chat-sft')
    expect(unparseable.map(a => a.start_line).sort((a, b) => Number(a) - Number(b))).toEqual(invalidLines)
    expect(unparseable.every(a => a.annotation_level === 'failure' && a.path === 'data/train.jsonl')).toBe(
      true
    )
    const patterns = annotations.filter(a => String(a.title).startsWith('Repeated pattern'))
    expect(patterns.length).toBeGreaterThan(0)
    expect(String(patterns[0]?.message)).toMatch(/share the template "what is <n> \+ <n>"/)

    // One comment, ours, linking the check run; the pasted marker is left alone.
    const ours = ourComments(2)
    expect(ours).toHaveLength(1)
    expect(ours[0]?.body.startsWith(MARKER)).toBe(true)
    expect(ours[0]?.body).toContain(`https://github.com/${REPOSITORY}/runs/${checkRun?.id}`)
    expect(standIn.comments.find(c => c.id === pasted.id)?.body).toBe(
      `${MARKER}\nI am the dataset-guard comment now`
    )
    expect(standIn.callsTo(UPDATE_COMMENT)).toHaveLength(0)

    // The hostile rows are shown, but cannot close <details>, split a table, ping anyone or run HTML.
    const body = ours[0]?.body ?? ''
    expect(visibleText(body)).toContain('@octocat please fix')
    expect(detailsBalanced(body)).toBe(true)
    expect(body).not.toMatch(/@octocat/)
    expect(body).not.toMatch(/#1\b/)
    expect(body).not.toMatch(/<(script|img|table|td|tr)\b/i)
    expect(body).not.toContain('](javascript:')
    for (const table of markdownTables(body)) {
      for (const cells of table.rows) expect(cells).toHaveLength(table.header.length)
    }

    // Outputs, the JSON report, the job summary; the log says what was fetched.
    expect(run.outputs.passed).toBe('false')
    expect(Number(run.outputs['unique-pattern-ratio'])).toBeCloseTo(
      report.datasets[0]?.head?.uniquePatternRatio ?? NaN,
      4
    )
    expect(Number(run.outputs['real-fraction'])).toBeLessThan(0.7)
    expect(run.outputs['novel-pattern-ratio']).toMatch(/^0\.\d{4}$/)
    const separability = report.datasets[0]?.realism?.realVsSynthetic?.separability
    expect(separability).toEqual(expect.any(Number))
    expect(run.outputs['synthetic-separability']).toBe(separability?.toFixed(4))
    // No eval sets are configured here: the leak count is empty, not 0.
    expect(report.datasets[0]?.leakage).toBeNull()
    expect(run.outputs['eval-leaks']).toBe('')
    expect(run.summary).toContain('## dataset-guard: ❌ failed')
    expect(detailsBalanced(run.summary)).toBe(true)
    expect(run.stdout).toMatch(
      /base commit [0-9a-f]{7} is not in the checkout .*fetching it from origin, shallowly/
    )
    expect(run.commands.filter(c => c.command === 'error').map(c => c.message)).toEqual([
      report.verdict.headline
    ])
  })

  it('edits the same comment on the next push instead of posting another', async () => {
    standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO })
    for (let i = 0; i < 120; i++) standIn.addComment(2, 'reviewer', `filler ${i}`)
    const first = await runOnPullRequest(pr1, 2)
    expect(first.code).toBe(1)
    const [comment] = ourComments(2)
    const firstBody = comment?.body
    standIn.clearCalls()

    const second = await runOnPullRequest(pr2, 2)

    expect(second.code).toBe(1)
    expect(standIn.callsTo(CREATE_COMMENT)).toHaveLength(0)
    const edits = standIn.callsTo(UPDATE_COMMENT)
    expect(edits).toHaveLength(1)
    expect(edits[0]?.params.comment_id).toBe(String(comment?.id))
    expect(ourComments(2)).toHaveLength(1)
    expect(ourComments(2)[0]?.body).not.toBe(firstBody)
    // Our comment was on the second page of 121 comments: the list was followed there.
    expect(standIn.callsTo(LIST_COMMENTS).map(c => c.query.page ?? '1')).toEqual(['1', '2'])
    expect(standIn.callsTo(CHECK_RUNS)[0]?.body).toMatchObject({ head_sha: pr2.head })
  })

  it('from a fork with a read-only token: falls back to the job summary and 10 annotations per kind, still fails', async () => {
    standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO, token: 'read-only' })

    const run = await runOnPullRequest(pr1, 2, {}, { fork: true })

    expect(run.code).toBe(1)
    expect(standIn.successfulWrites()).toEqual([])
    expect(standIn.callsTo(CHECK_RUNS).map(c => c.status)).toEqual([403])
    expect(standIn.callsTo(CREATE_COMMENT).map(c => c.status)).toEqual([403])
    // GitHub keeps 10 annotations of each kind per step; the failure message and our warning are among them.
    for (const kind of ['error', 'warning', 'notice']) {
      expect(run.commands.filter(c => c.command === kind).length).toBeLessThanOrEqual(10)
    }
    const errors = run.commands.filter(c => c.command === 'error')
    expect(errors).toHaveLength(10)
    expect(errors.slice(0, 9).every(c => c.properties.file === 'data/train.jsonl')).toBe(true)
    expect(errors[0]?.properties.title).toMatch(/^Repeated pattern: 80 added rows/)
    const explanation = run.commands.find(c => c.command === 'warning' && /comes from a fork/.test(c.message))
    expect(explanation?.message).toMatch(/two-stage setup .*mode: publish on workflow_run/)
    expect(run.summary).toContain('## dataset-guard: ❌ failed')
    expect(run.outputs.passed).toBe('false')
  })

  it('names the permissions entries when a same-repository token may not write', async () => {
    standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO, token: 'read-only' })

    const run = await runOnPullRequest(pr1, 2)

    const warning = run.commands.find(c => c.command === 'warning' && /HTTP 403/.test(c.message))
    expect(warning?.message).toMatch(/create the check run and update the pull request comment/)
    expect(warning?.message).toContain(
      'permissions:\n  checks: write\n  pull-requests: write\n  contents: read'
    )
    expect(run.code).toBe(1)
  })

  it('passes a change that keeps the data healthy: success, exit 0', async () => {
    standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO })

    const run = await runOnPullRequest(goodPr, 5)

    expect(run.code).toBe(0)
    expect(run.outputs.passed).toBe('true')
    expect(standIn.checkRuns[0]?.conclusion).toBe('success')
    expect(ourComments(5)).toHaveLength(1)
    expect(run.commands.filter(c => c.command === 'error')).toEqual([])
  })

  it('completes a neutral check with a one-line summary when no dataset changed, and removes a stale comment', async () => {
    standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO })
    standIn.addComment(7, BOT, `${MARKER}\n## dataset-guard: ❌ failed`, 'Bot')

    const run = await runOnPullRequest(docsPr, 7)

    expect(run.code).toBe(0)
    const [checkRun] = standIn.checkRuns
    expect(checkRun?.status).toBe('completed')
    expect(checkRun?.conclusion).toBe('neutral')
    expect(checkRun?.output.summary?.split('\n')).toHaveLength(1)
    expect(standIn.callsTo(DELETE_COMMENT)).toHaveLength(1)
    expect(ourComments(7)).toEqual([])
    expect(run.outputs.passed).toBe('true')
  })

  it('says what it runs on for an event it cannot use, and exits 0 without calling GitHub', async () => {
    standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO })

    const run = await runAction({
      workspace: checkout('main'),
      eventName: 'issues',
      payload: webhookExample('issues', 'opened'),
      inputs: { 'github-token': TOKEN },
      apiUrl: standIn.url,
      repository: REPOSITORY,
      sha: mainTip
    })

    expect(run.code).toBe(0)
    expect(standIn.calls).toEqual([])
    const notice = run.commands.find(c => c.command === 'notice')
    expect(notice?.message).toMatch(
      /nothing to compare on the issues event: it runs on pull_request, .*base and head inputs/
    )
  })

  it('completes the check run as a failure, saying why, when it cannot run at all', async () => {
    standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO })

    const run = await runOnPullRequest(pr1, 2, { config: '.github/missing.yml' })

    expect(run.code).toBe(1)
    const [checkRun] = standIn.checkRuns
    expect(checkRun?.status).toBe('completed')
    expect(checkRun?.conclusion).toBe('failure')
    expect(checkRun?.output.title).toMatch(/^dataset-guard could not run: .*missing\.yml/)
    expect(run.outputs.passed).toBe('false')
    expect(run.summary).toContain('## dataset-guard could not finish')
    expect(standIn.callsTo(CREATE_COMMENT)).toEqual([])
  })

  it('rejects an invalid input by name', async () => {
    standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO })

    const run = await runOnPullRequest(pr1, 2, { 'fail-on': 'sometimes' })

    expect(run.code).toBe(1)
    expect(run.commands.find(c => c.command === 'error')?.message).toBe(
      'dataset-guard: Input "fail-on" must be one of fail, warn, never; got "sometimes"'
    )
    expect(standIn.calls).toEqual([])
  })
})

describe('the two-stage setup for public repositories', () => {
  let report: string

  async function publish(reportText: string, headSha = pr1.head): Promise<ActionRun> {
    const workspace = checkout('main')
    mkdirSync(join(workspace, 'artifact'))
    writeFileSync(join(workspace, 'artifact', 'dataset-guard-report.json'), reportText)
    const payload = webhookExample('workflow_run', 'completed')
    const workflowRun = payload.workflow_run as Record<string, unknown>
    Object.assign(workflowRun, {
      head_sha: headSha,
      event: 'pull_request',
      head_branch: 'feature',
      head_repository: { ...(workflowRun.head_repository as object), owner: { login: 'forker' } },
      pull_requests: []
    })
    return runAction({
      workspace,
      eventName: 'workflow_run',
      payload,
      inputs: { 'github-token': TOKEN, mode: 'publish', report: 'artifact/dataset-guard-report.json' },
      apiUrl: standIn.url,
      repository: REPOSITORY,
      sha: mainTip
    })
  }

  it('analyses without a token or any API call, then publishes the report from workflow_run', async () => {
    standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO })
    const analysed = await runAction({
      workspace: checkout('merge-feature'),
      eventName: 'pull_request',
      payload: pullRequestEvent(pr1, 2, { fork: true }),
      inputs: { mode: 'analyse' },
      apiUrl: standIn.url,
      repository: REPOSITORY,
      sha: pr1.merge
    })
    expect(analysed.code).toBe(1)
    expect(standIn.calls).toEqual([])
    expect(analysed.commands.filter(c => c.command === 'error')).toHaveLength(10)
    report = analysed.outputs['report-json-content'] ?? ''

    // GitHub lists no pull request for a fork's run: the stand-in knows it by its head branch.
    standIn.addPull({ number: 2, headSha: pr1.head, headRef: 'feature', headOwner: 'forker' })
    const published = await publish(report)

    expect(published.code).toBe(1)
    expect(standIn.callsTo(CHECK_RUNS)[0]?.body).toMatchObject({ head_sha: pr1.head })
    expect(standIn.checkRuns[0]?.conclusion).toBe('failure')
    expect(standIn.checkRuns[0]?.annotations.length).toBe(50)
    expect(ourComments(2)).toHaveLength(1)
  })

  it('judges a tampered report again and escapes what it carries', async () => {
    standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO })
    standIn.addPull({ number: 2, headSha: pr1.head, headRef: 'feature', headOwner: 'forker' })
    const tampered = JSON.parse(report) as Report
    tampered.verdict = {
      ...tampered.verdict,
      conclusion: 'success',
      passed: true,
      failures: 0,
      headline: 'all good'
    }
    const pattern = tampered.datasets[0]?.change.largestAddedPatterns[0]
    if (pattern !== undefined) pattern.exampleTexts = pattern.exampleTexts.map(() => HOSTILE(99))
    ;(tampered as unknown as Record<string, unknown>).extra = { script: 'rm -rf /' }

    const run = await publish(JSON.stringify(tampered))

    expect(run.code).toBe(1)
    expect(standIn.checkRuns[0]?.conclusion).toBe('failure')
    const [comment] = ourComments(2)
    expect(comment?.body).toContain('❌ failed')
    expect(detailsBalanced(comment?.body ?? '')).toBe(true)
    expect(comment?.body).not.toMatch(/<(script|img)\b|@octocat/i)
    expect(reportOf(run)).not.toHaveProperty('extra')
  })

  it('refuses a report for another commit, or one that is not a report, and says so in the check run', async () => {
    standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO })

    const other = await publish(report, pr2.head)
    expect(other.code).toBe(1)
    expect(standIn.checkRuns[0]?.conclusion).toBe('failure')
    expect(standIn.checkRuns[0]?.output.title).toMatch(
      /^dataset-guard could not run: The report is for commit/
    )

    const garbage = await publish(JSON.stringify({ tool: { name: 'dataset-guard' }, datasets: 'x' }))
    expect(garbage.code).toBe(1)
    expect(standIn.checkRuns[1]?.output.title).toMatch(/not a dataset-guard report/)
    expect(standIn.comments).toEqual([])
  })
})

describe('sharded across a workflow matrix', () => {
  it('writes a partial per shard without calling GitHub, then merges them into the check one run publishes', async () => {
    standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO })
    const partials = tempDir()
    workspaces.push(partials)
    for (const shard of ['1/2', '2/2']) {
      const file = join(partials, `shard-${shard.replace('/', '-of-')}.partial`)
      const run = await runOnPullRequest(pr1, 4, { shard, partial: file })
      expect(run.code).toBe(0)
      expect(run.outputs.partial).toBe(file)
      expect(run.stdout).toContain(`Shard ${shard.replace('/', ' of ')}: partial result written`)
    }
    expect(standIn.calls).toEqual([])

    const merged = await runOnPullRequest(pr1, 4, { mode: 'merge', partials })
    expect(merged.stdout).toContain('Merging 2 partial result(s)')
    expect(merged.code).toBe(1)
    expect(standIn.callsTo(CHECK_RUNS)[0]?.body).toMatchObject({ head_sha: pr1.head })
    expect(standIn.checkRuns[0]?.conclusion).toBe('failure')
    expect(ourComments(4)).toHaveLength(1)

    // The same pull request checked in one run gives the same report (each run has its own checkout, so the
    // config's path differs).
    const whole = await runOnPullRequest(pr1, 4)
    const withoutPath = (report: Report): Report => ({
      ...report,
      parameters: { ...report.parameters, config: 'dataset-guard.yml' }
    })
    expect(withoutPath(reportOf(merged))).toEqual(withoutPath(reportOf(whole)))
  })

  it('fails the merge, saying which, when a shard is missing', async () => {
    standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO })
    const partials = tempDir()
    workspaces.push(partials)
    await runOnPullRequest(pr1, 5, { shard: '1/3', partial: join(partials, 'one.partial') })
    const merged = await runOnPullRequest(pr1, 5, { mode: 'merge', partials })
    expect(merged.code).toBe(1)
    expect(merged.commands.find(c => c.command === 'error')?.message).toContain('shard(s) 2/3, 3/3 missing')
    expect(standIn.checkRuns[0]?.conclusion).toBe('failure')
  })
})
