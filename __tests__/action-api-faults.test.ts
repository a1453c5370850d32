// The built action (dist/index.js) against a GitHub stand-in that fails on cue: server errors, dropped
// connections, a secondary rate limit, a comment deleted while it is edited, a rejected batch of annotations, and
// an API that stays down. In every case the job summary and the outputs carry the full verdict, the exit code
// follows the gate, and the log says what failed. Config errors are surfaced the same way, and by the CLI with
// exit code 2. dist/ must be built first (`npm run build`).

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { cli, EXIT_USAGE } from '../src/cli.js'
import type { Report } from '../src/types.js'
import { ACTION_ENTRY, runAction, webhookExample, type ActionRun } from './helpers/action-run.js'
import { GitHubStandIn } from './helpers/github-stand-in.js'
import { gitIn, removeDir, tempDir, tempRepo, type TempRepo } from './fixtures/git/temp-repo.js'
import { HUMAN_PROMPTS } from './fixtures/human-prompts.js'
import { closeAfterCheck } from './helpers/check-run-fixtures.js'

const OWNER = 'Codertocat'
const REPO = 'Hello-World'
const REPOSITORY = `${OWNER}/${REPO}`
const MARKER = '<!-- dataset-guard -->'
const BOT = 'github-actions[bot]'
const PR = 4
/** Backoff of the action's client in these runs: the waits are proven in github-faults; here they cost nothing. */
const FAST_RETRIES = { DATASET_GUARD_RETRY_BASE_MS: '5' }

const CHECK_RUNS = 'POST /repos/{owner}/{repo}/check-runs'
const CHECK_RUN_UPDATE = 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}'
const LIST_COMMENTS = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments'
const CREATE_COMMENT = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments'
const UPDATE_COMMENT = 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}'

const HUMAN = HUMAN_PROMPTS.slice(0, 10)
const row = (prompt: string) => JSON.stringify({ prompt, response: 'ok' })
/** Enough unparseable rows for two batches of annotations. */
const INVALID_ROWS = 70

let upstream: TempRepo
let base: string
let head: string
let standIn: GitHubStandIn
const workspaces: string[] = []

beforeAll(() => {
  if (!existsSync(ACTION_ENTRY)) throw new Error(`${ACTION_ENTRY} is missing: run \`npm run build\` first`)
  upstream = tempRepo()
  upstream.write('data/train.jsonl', `${HUMAN.map(row).join('\n')}\n`)
  upstream.write('bad.yml', 'datasets:\n  - name: [unclosed\n')
  base = upstream.commit('base')
  upstream.git(['checkout', '-q', '-b', 'feature'])
  const templated = Array.from({ length: 60 }, (_, i) => row(`What is ${i + 3} + ${(i * 7) % 50}?`))
  const invalid = Array.from({ length: INVALID_ROWS }, (_, i) => `{"prompt": "broken row ${i}`)
  upstream.write('data/train.jsonl', `${[...HUMAN.map(row), ...templated, ...invalid].join('\n')}\n`)
  head = upstream.commit('templated and broken rows')
})

afterAll(() => {
  upstream?.cleanup()
  for (const dir of workspaces) removeDir(dir)
})

afterEach(async () => closeAfterCheck(standIn))

async function runOnPullRequest(inputs: Record<string, string> = {}): Promise<ActionRun> {
  const workspace = tempDir()
  workspaces.push(workspace)
  gitIn(workspace, ['clone', '-q', '--branch', 'feature', `file://${upstream.dir}`, '.'])
  const payload = webhookExample('pull_request', 'synchronize')
  const pr = payload.pull_request as Record<string, Record<string, unknown>>
  payload.number = PR
  pr.number = PR as never
  pr.head!.sha = head
  pr.head!.ref = 'feature'
  pr.base!.sha = base
  pr.base!.ref = 'main'
  return runAction({
    workspace,
    eventName: 'pull_request',
    payload,
    inputs: { 'github-token': 'ghs_stand-in-token', 'max-annotations': '100', ...inputs },
    apiUrl: standIn.url,
    repository: REPOSITORY,
    sha: head,
    env: FAST_RETRIES
  })
}

function reportOf(run: ActionRun): Report {
  const content = run.outputs['report-json-content']
  if (content === undefined) throw new Error(`no report-json written:\n${run.stdout}\n${run.stderr}`)
  return JSON.parse(content) as Report
}

/** The full verdict reached the job summary and the outputs, and the step failed on the gate. */
function expectFullVerdict(run: ActionRun): Report {
  const report = reportOf(run)
  expect(report.verdict.passed).toBe(false)
  expect(run.code).toBe(1)
  expect(run.outputs.passed).toBe('false')
  expect(run.outputs['unique-pattern-ratio']).toMatch(/^0\.\d{4}$/)
  expect(run.summary).toContain('## dataset-guard: ❌ failed')
  expect(report.verdict.results.find(r => r.rule === 'max-invalid-rows')?.outcome).toBe('fail')
  expect(run.summary).toContain('unparseable rows')
  expect(run.commands.filter(c => c.command === 'error').map(c => c.message)).toContain(
    report.verdict.headline
  )
  return report
}

const ourComments = () =>
  standIn.comments.filter(c => c.issueNumber === PR && c.login === BOT && c.body.includes(MARKER))

describe('the action when GitHub fails', () => {
  it('rides out 5xx answers, a dropped connection and a secondary rate limit, and drops only a rejected batch', async () => {
    standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO })
    standIn.fail({ operation: CHECK_RUNS, status: 502, times: 2 })
    standIn.fail({ operation: LIST_COMMENTS, status: 0, reset: true, times: 1 })
    standIn.fail({
      operation: CREATE_COMMENT,
      status: 403,
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      headers: { 'retry-after': '1' },
      times: 1
    })
    standIn.fail({
      operation: CHECK_RUN_UPDATE,
      status: 422,
      message: 'Validation Failed',
      after: 1,
      times: 1
    })

    const run = await runOnPullRequest()

    expectFullVerdict(run)
    expect(standIn.callsTo(CHECK_RUNS).map(c => c.status)).toEqual([502, 502, 201])
    expect(standIn.callsTo(CREATE_COMMENT).map(c => c.status)).toEqual([403, 201])
    const [checkRun] = standIn.checkRuns
    expect(checkRun).toMatchObject({ status: 'completed', conclusion: 'failure' })
    // 71 annotations (70 rows and a pattern) in two batches; the second was rejected and dropped, the first kept.
    expect(standIn.callsTo(CHECK_RUN_UPDATE).map(c => c.status)).toEqual([200, 422])
    expect(checkRun?.annotationBatches).toEqual([50])
    expect(ourComments()).toHaveLength(1)
    expect(run.stdout).toMatch(
      /GitHub API: POST \/repos\/\{owner\}\/\{repo\}\/check-runs failed \(HTTP 502: .*\); retry 1 of 3/
    )
    expect(run.stdout).toMatch(
      /GitHub API: GET .*\/issues\/4\/comments\S* failed \(the connection failed: .*\); retry 1 of 3/
    )
    expect(run.stdout).toMatch(
      /GitHub API: POST .*comments failed \(HTTP 403: rate limited\); retry 1 of 3 in 1\.0 s/
    )
    const rejected = run.commands.find(c => c.command === 'warning' && /HTTP 422/.test(c.message))
    expect(run.stdout).toContain('Check run completed: failure, 50 of 71 annotation(s) in 2 request(s)')
    expect(rejected?.message).toMatch(
      /^Could not add 21 annotation\(s\) to the check run: HTTP 422, Validation Failed.*batch 2 .*dropped; the check's details list every finding/
    )
  }, 60_000)

  it('posts the comment again when the one it edits was deleted meanwhile', async () => {
    standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO })
    const old = standIn.addComment(PR, BOT, `${MARKER}\nan older report`, 'Bot')
    standIn.fail({ operation: UPDATE_COMMENT, status: 404, message: 'Not Found', times: 1 })

    const run = await runOnPullRequest()

    expectFullVerdict(run)
    expect(standIn.callsTo(UPDATE_COMMENT).map(c => [c.params.comment_id, c.status])).toEqual([
      [String(old.id), 404]
    ])
    const created = standIn.callsTo(CREATE_COMMENT)
    expect(created.map(c => c.status)).toEqual([201])
    expect(ourComments().some(c => c.body.includes('❌ failed'))).toBe(true)
    expect(run.stdout).toContain(`Our comment on pull request #${PR} was deleted while this run updated it`)
    expect(run.commands.filter(c => c.command === 'warning')).toEqual([])
  }, 60_000)

  it('when GitHub stays down: a bounded number of tries, then the summary, annotations and exit code still carry the verdict', async () => {
    standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO })
    standIn.fail({ operation: CHECK_RUN_UPDATE, status: 500 })
    standIn.fail({ operation: LIST_COMMENTS, status: 503 })

    const run = await runOnPullRequest()

    const report = expectFullVerdict(run)
    expect(standIn.callsTo(CHECK_RUN_UPDATE)).toHaveLength(4)
    expect(standIn.callsTo(LIST_COMMENTS)).toHaveLength(4)
    const warnings = run.commands.filter(c => c.command === 'warning').map(c => c.message)
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Could not complete the check run: HTTP 500/),
        expect.stringMatching(/^Could not update the pull request comment: HTTP 503/)
      ])
    )
    // Without a completed check run the findings go out as workflow-command annotations on the rows.
    const rowErrors = run.commands.filter(
      c => c.command === 'error' && c.properties.file === 'data/train.jsonl'
    )
    expect(rowErrors.length).toBeGreaterThan(0)
    expect(report.datasets[0]?.head?.invalidRows).toBe(INVALID_ROWS)
  }, 60_000)

  it('fails the check run, saying why, on a config file with a YAML syntax error', async () => {
    standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO })

    const run = await runOnPullRequest({ config: 'bad.yml' })

    expect(run.code).toBe(1)
    expect(run.outputs.passed).toBe('false')
    expect(standIn.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect(standIn.checkRuns[0]?.output.title).toMatch(/^dataset-guard could not run: .*bad\.yml/)
    expect(run.summary).toContain('## dataset-guard could not finish')
    expect(run.commands.find(c => c.command === 'error')?.message).toMatch(/^dataset-guard: .*bad\.yml/)
  }, 60_000)
})

describe('the CLI on a broken config', () => {
  it('exits 2 naming the problem: YAML syntax, an unknown key, a glob outside the repository', async () => {
    const cases: [string, RegExp][] = [
      ['datasets:\n  - name: [unclosed\n', /^Invalid YAML in .*broken\.yml: line \d+/],
      ['thresholds:\n  min-unique-pattern-ratoi: 0.5\n', /min-unique-pattern-ratoi/],
      ['datasets:\n  - name: x\n    paths: ["../elsewhere/**"]\n', /reaches outside the repository/],
      ['datasets:\n  - name: x\n    paths: ["/etc/**"]\n', /is absolute/]
    ]
    for (const [yaml, message] of cases) {
      upstream.write('broken.yml', yaml)
      let stderr = ''
      const code = await cli(['check', '--base', base, '--head', head, '--config', 'broken.yml'], {
        stdout: () => undefined,
        stderr: t => (stderr += t),
        isTty: false,
        cwd: upstream.dir
      })
      expect({ code, stderr }).toEqual({ code: EXIT_USAGE, stderr: expect.stringMatching(message) })
    }
  })
})
