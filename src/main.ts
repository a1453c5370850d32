// The action: the only module that reads inputs and talks to @actions/core. It works out what to compare from
// the event, runs the same pipeline as the CLI, and publishes the verdict: a check run with annotations, one
// living PR comment, the job summary and the outputs. Every decision lives in a pure module (action-inputs,
// action-event, action-outcome, report/*); every API call in src/github/. This file wires them together.

import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { lstat, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { parseActionInputs, type ActionInputs } from './action-inputs.js'
import {
  comparisonForEvent,
  publishTargetForEvent,
  type EventPayload,
  type PublishTarget
} from './action-event.js'
import { actionOutputs, checkConclusion, commentMarker, commentPlan, stepFails } from './action-outcome.js'
import { loadConfig, thresholdsFor } from './config/load-config.js'
import type { Config } from './config/types.js'
import { evaluateGate } from './gate/evaluate-gate.js'
import { ensureCommits } from './git/ensure-commits.js'
import { fetchLfsObjects } from './git/lfs-objects.js'
import { apiFailure, isPermissionDenied, permissionsBlock, type Permission } from './github/api-errors.js'
import { completeCheckRun, createCheckRun, type CheckRunRef } from './github/check-run.js'
import { withRetries, type GitHubClient, type RepoRef, type RetryNote } from './github/client.js'
import { pullRequestForHead } from './github/pull-request.js'
import { deleteStickyComment, upsertStickyComment, type CommentResult } from './github/sticky-comment.js'
import { tokenLogin } from './github/token-identity.js'
import {
  selectAnnotations,
  workflowCommandAnnotations,
  type Annotation,
  type AnnotationLevel
} from './report/annotations.js'
import { checkOutput, failedRunOutput } from './report/check-output.js'
import { plainText } from './report/escape.js'
import { blobLineUrl, workflowRunUrl } from './report/links.js'
import { COMMENT_MAX_BYTES, renderMarkdown, SUMMARY_MAX_BYTES } from './report/markdown.js'
import {
  parseReportFile,
  REPORT_FILE_MAX_BYTES,
  reportFileText,
  ReportFileError
} from './report/report-file.js'
import type { Shard } from './analysis/dataset-analysis.js'
import { analyseRun, PartialMerge, runCheck, type CheckOptions } from './run-check.js'
import { readPartial, writePartial } from './state/partial-file.js'
import type { Report } from './types.js'

/** Where the README explains the two-stage setup that gives pull requests from forks the full report. */
const FORKS_DOCS_URL = 'https://github.com/dataset-guard/dataset-guard#pull-requests-from-forks'
/** Log lines carry dataset paths; cut so one absurd path cannot flood the log. */
const LOG_LINE_MAX_CHARS = 2000
/** A config error lists up to 20 problems; anything longer is cut rather than printed whole. */
const ERROR_MAX_CHARS = 8000
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/
/**
 * The first retry backoff in ms, for the end-to-end tests only: they make GitHub fail on cue and should not spend
 * seconds waiting. Unset on a runner, where the client's own backoff applies.
 */
const RETRY_BASE_ENV = 'DATASET_GUARD_RETRY_BASE_MS'

/** What the runner tells every step, read once. */
interface RunContext {
  inputs: ActionInputs
  workspace: string
  repo: RepoRef | null
  serverUrl: string
  runUrl: string | null
  eventName: string
  payload: EventPayload
  defaultHead: string | null
  client: GitHubClient | null
  /** Why there is no client in a mode that publishes; said once, when the check run would start. */
  noClient: string | null
}

// Dataset paths and messages are written by whoever wrote the data; a line break in one would let it start a
// workflow command (`::set-output`, `::add-mask`) in the log. plainText keeps every log line one inert line.
const log = (line: string): void => core.info(plainText(line, LOG_LINE_MAX_CHARS))
const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error))

async function readEvent(path: string | undefined): Promise<EventPayload> {
  if (path === undefined || path === '') return {}
  // A missing payload means an event we cannot use: say so (as for any such event) rather than crash.
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '{}'
    throw error
  })
  const parsed = JSON.parse(text) as unknown
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as EventPayload)
    : {}
}

function repoFromEnv(): RepoRef | null {
  const [owner, repo, ...rest] = (process.env.GITHUB_REPOSITORY ?? '').split('/')
  return owner && repo && rest.length === 0 ? { owner, repo } : null
}

async function runContext(inputs: ActionInputs): Promise<RunContext> {
  const repo = repoFromEnv()
  const serverUrl = process.env.GITHUB_SERVER_URL || 'https://github.com'
  const runId = process.env.GITHUB_RUN_ID
  let client: GitHubClient | null = null
  let noClient: string | null = null
  if (inputs.mode !== 'analyse') {
    if (repo === null) noClient = 'GITHUB_REPOSITORY (owner/name) is not set'
    else if (inputs.githubToken === '') noClient = 'the github-token input is empty'
    else client = withRetries(getOctokit(inputs.githubToken), retryOptions())
  }
  return {
    inputs,
    workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
    repo,
    serverUrl,
    runUrl: repo !== null && runId ? workflowRunUrl(serverUrl, repo, runId) : null,
    eventName: process.env.GITHUB_EVENT_NAME ?? '',
    payload: await readEvent(process.env.GITHUB_EVENT_PATH),
    defaultHead: process.env.GITHUB_SHA || null,
    client,
    noClient
  }
}

function retryOptions(): {
  baseDelayMs?: number
  onRetry: (note: RetryNote) => void
  onFound: (request: string) => void
} {
  const base = Number(process.env[RETRY_BASE_ENV])
  return {
    ...(process.env[RETRY_BASE_ENV] && Number.isFinite(base) && base >= 0 && { baseDelayMs: base }),
    onRetry: note => {
      const what = note.status === null ? 'the connection failed' : `HTTP ${note.status}`
      log(
        `GitHub API: ${note.request} failed (${what}: ${note.reason}); retry ${note.retry} of ` +
          `${note.maxRetries} in ${(note.waitMs / 1000).toFixed(1)} s`
      )
    },
    onFound: request =>
      log(`GitHub API: ${request} had been carried out before its answer was lost; not sent again`)
  }
}

interface Denied {
  what: string
  permission: Permission
}

/** Publishes one run's outcome: the check run, the comment, the job summary, annotations, outputs, exit. */
class Publisher {
  private checkRun: CheckRunRef | null = null
  private checkRunFailed = false
  private readonly denied: Denied[] = []
  pullRequest: number | null = null

  constructor(
    private readonly ctx: RunContext,
    private readonly fromFork: boolean
  ) {}

  private get api(): { client: GitHubClient; repo: RepoRef } | null {
    const { client, repo } = this.ctx
    return client !== null && repo !== null ? { client, repo } : null
  }

  /** Records an API failure: permission problems are explained together at the end, others right away. */
  private apiProblem(what: string, permission: Permission, error: unknown): void {
    if (isPermissionDenied(error)) this.denied.push({ what, permission })
    else this.warn(plainText(apiFailure(what, error), LOG_LINE_MAX_CHARS))
  }

  /** Warnings the step prints count against the 10 warning annotations GitHub keeps per step. */
  private warnings = 0
  warn(message: string): void {
    this.warnings++
    core.warning(message)
  }

  async startCheckRun(headSha: string): Promise<void> {
    const api = this.api
    if (this.checkRun !== null || this.checkRunFailed) return
    if (api === null) {
      if (this.ctx.noClient !== null)
        this.warn(`${this.ctx.noClient}: publishing only the job summary and annotations`)
      this.checkRunFailed = true
      return
    }
    try {
      this.checkRun = await createCheckRun(api.client, api.repo, {
        name: this.ctx.inputs.checkName,
        headSha,
        ...(this.ctx.runUrl !== null && { detailsUrl: this.ctx.runUrl })
      })
      log(
        `Check run "${this.ctx.inputs.checkName}" started on ${headSha.slice(0, 7)}: ${this.checkRun.htmlUrl}`
      )
    } catch (error) {
      this.checkRunFailed = true
      this.apiProblem('create the check run', 'checks: write', error)
    }
  }

  /** The action could not finish: the check run says why, so it is never left pending. */
  async fail(error: unknown, hint?: string): Promise<void> {
    const api = this.api
    const output = failedRunOutput(errorText(error), hint)
    if (api !== null && this.checkRun !== null) {
      try {
        await completeCheckRun(api.client, api.repo, this.checkRun.id, {
          conclusion: 'failure',
          output,
          annotations: []
        })
      } catch (apiError) {
        this.apiProblem('complete the check run', 'checks: write', apiError)
      }
    }
    core.setOutput('passed', 'false')
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(output.summary).write()
    this.explainDenied()
  }

  async publish(report: Report): Promise<void> {
    const { inputs } = this.ctx
    const outputs = actionOutputs(report, inputs.failOn)
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
    core.setOutput('report-json', await writeReportJson(report, inputs.checkName))

    const headSha = report.head.sha
    const repo = this.ctx.repo
    const fileUrl =
      repo !== null && SHA.test(headSha)
        ? (file: string, line: number) => blobLineUrl(this.ctx.serverUrl, repo, headSha, file, line)
        : undefined
    const marker = commentMarker(inputs.checkName)
    const selection = selectAnnotations(report, inputs.maxAnnotations)

    const checkRunDone = await this.completeWith(report, selection, fileUrl, marker)
    const checkRunUrl = checkRunDone ? this.checkRun?.htmlUrl : undefined
    await this.comment(
      report,
      renderMarkdown(report, { maxBytes: COMMENT_MAX_BYTES, links: { fileUrl, checkRunUrl }, marker }),
      marker
    )

    if (process.env.GITHUB_STEP_SUMMARY) {
      await core.summary
        .addRaw(
          renderMarkdown(report, { maxBytes: SUMMARY_MAX_BYTES, links: { fileUrl, checkRunUrl }, marker })
        )
        .write()
    }
    this.explainDenied()
    const fails = stepFails(report.verdict, inputs.failOn)
    // Without a check run the annotations go out as workflow commands, which GitHub caps at 10 per kind; the
    // failure message and our own warnings take from the same 10.
    if (!checkRunDone)
      emitWorkflowAnnotations(selection.all, { failure: fails ? 1 : 0, warning: this.warnings })

    log(`dataset-guard: ${report.verdict.headline}`)
    if (fails) core.setFailed(plainText(report.verdict.headline, LOG_LINE_MAX_CHARS))
  }

  private async completeWith(
    report: Report,
    selection: ReturnType<typeof selectAnnotations>,
    fileUrl: ((file: string, line: number) => string) | undefined,
    marker: string
  ): Promise<boolean> {
    const api = this.api
    if (api === null || this.checkRun === null) return false
    const { inputs } = this.ctx
    const conclusion = checkConclusion(report.verdict, inputs.failOn)
    const output = checkOutput(report, {
      fileUrl,
      annotations: selection,
      maxAnnotations: inputs.maxAnnotations,
      marker
    })
    let dropped = 0
    try {
      const requests = await completeCheckRun(api.client, api.repo, this.checkRun.id, {
        conclusion,
        output,
        annotations: selection.annotations,
        onRejectedBatch: rejected => {
          dropped += rejected.annotations
          this.warn(
            plainText(
              `${rejected.message}. GitHub rejected annotation batch ${rejected.batch} (HTTP 422): its ` +
                `${rejected.annotations} annotation(s) were dropped; the check's details list every finding`,
              LOG_LINE_MAX_CHARS
            )
          )
        }
      })
      const sent = selection.annotations.length
      log(
        `Check run completed: ${conclusion}, ${dropped > 0 ? `${sent - dropped} of ` : ''}${sent} annotation(s) in ${requests} request(s)` +
          (selection.omitted > 0 ? `, ${selection.omitted} more listed in its details` : '')
      )
      return true
    } catch (error) {
      this.apiProblem('complete the check run', 'checks: write', error)
      return false
    }
  }

  private async comment(report: Report, body: string, marker: string): Promise<void> {
    const api = this.api
    const { inputs } = this.ctx
    if (api === null || this.pullRequest === null) return
    const plan = commentPlan(inputs.comment, report, inputs.failOn)
    if (plan === 'leave') return
    let result: CommentResult
    try {
      const author = await tokenLogin(api.client, this.checkRun?.appSlug ?? null)
      const target = { issueNumber: this.pullRequest, marker, author }
      result =
        plan === 'remove'
          ? await deleteStickyComment(api.client, api.repo, target)
          : await upsertStickyComment(api.client, api.repo, target, body, plan === 'post')
    } catch (error) {
      this.apiProblem('update the pull request comment', 'pull-requests: write', error)
      return
    }
    const where = `pull request #${this.pullRequest}`
    const said: Record<CommentResult['action'], string> = {
      created: `Commented on ${where}: ${result.url ?? ''}`,
      updated: `Updated the comment on ${where}: ${result.url ?? ''}`,
      unchanged: `The comment on ${where} is up to date: ${result.url ?? ''}`,
      deleted: `Deleted the comment on ${where}: no dataset changes to report any more`,
      none: `No comment on ${where} (comment: ${inputs.comment})`
    }
    if (result.recreated)
      log(`Our comment on ${where} was deleted while this run updated it: posting it again`)
    log(said[result.action])
    if (result.duplicatesDeleted > 0) log(`Removed ${result.duplicatesDeleted} duplicate comment(s) of ours`)
  }

  /** One message for every permission problem: a fork's read-only token, or the entries the workflow lacks. */
  private explainDenied(): void {
    if (this.denied.length === 0) return
    const what = [...new Set(this.denied.map(d => d.what))].join(' and ')
    if (this.fromFork) {
      this.warn(
        `This pull request comes from a fork, so GitHub gives its workflow a read-only token: could not ${what}. ` +
          'The full report is in the job summary, and the most important findings are annotations of this step. ' +
          'To get the check run and the comment on pull requests from forks, use the two-stage setup ' +
          `(mode: analyse on pull_request, mode: publish on workflow_run): ${FORKS_DOCS_URL}`
      )
    } else {
      const needed = [...new Set(this.denied.map(d => d.permission))]
      this.warn(
        `The token may not ${what} (HTTP 403). Needed: ${needed.join(', ')}. Give the job these permissions ` +
          `(a job that sets any permission gets none it does not list):\n${permissionsBlock()}`
      )
    }
    this.denied.length = 0
  }
}

function emitWorkflowAnnotations(
  all: Annotation[],
  reserved: Partial<Record<AnnotationLevel, number>>
): void {
  const { annotations, omitted } = workflowCommandAnnotations(all, reserved)
  for (const a of annotations) {
    const properties = { title: a.title, file: a.path, startLine: a.line, endLine: a.line }
    if (a.level === 'failure') core.error(a.message, properties)
    else if (a.level === 'warning') core.warning(a.message, properties)
    else core.notice(a.message, properties)
  }
  if (omitted > 0) {
    log(
      `${omitted} more annotation(s) not shown: GitHub keeps 10 of each kind per step; the job summary lists the findings`
    )
  }
}

function reportFileName(checkName: string): string {
  const slug = checkName
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return `${slug || 'dataset-guard'}-report.json`
}

async function writeReportJson(report: Report, checkName: string): Promise<string> {
  const path = resolve(process.env.RUNNER_TEMP || tmpdir(), reportFileName(checkName))
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, reportFileText(report))
  return path
}

/** `check` and `analyse` modes: compare the event's commits and publish the result. */
async function analyseMode(ctx: RunContext): Promise<void> {
  const { inputs } = ctx
  const comparison = comparisonForEvent(ctx.eventName, ctx.payload, inputs, ctx.defaultHead)
  if (!comparison.ok) {
    core.notice(`dataset-guard: ${comparison.reason}. Nothing was checked.`)
    core.setOutput('passed', 'true')
    return
  }
  const target = comparison.value
  log(`dataset-guard: ${target.description}`)
  if (inputs.shard !== null) {
    await shardMode(ctx, target, inputs.shard)
    return
  }
  const publisher = new Publisher(ctx, target.fromFork)
  publisher.pullRequest = target.pullRequest
  // Created before anything can fail, so a required check shows as running at once and always ends.
  if (target.headSha !== null) await publisher.startCheckRun(target.headSha)

  let report: Report
  try {
    const config = await inputConfig(ctx)
    if (inputs.mode === 'merge') {
      // The shards read the commits; merging needs only their partial files and the config.
      const files = await partialFiles(ctx.workspace, inputs.partials)
      log(`Merging ${files.length} partial result(s)`)
      // One partial is held at a time beside the combined one.
      const merge = new PartialMerge()
      for (const [i, file] of files.entries()) {
        const partial = await readPartial(file, config)
        if (i === 0) await publisher.startCheckRun(partial.head.sha)
        merge.add(partial)
      }
      report = await merge.report(config)
    } else {
      const options = await checkOptions(ctx, target, config)
      await publisher.startCheckRun(options.head)
      report = await runCheck(options)
    }
  } catch (error) {
    await publisher.fail(error)
    throw error
  }
  await publisher.publish(report)
}

/**
 * One shard of a run: analyse its share of the rows and write the partial result for a later `merge` step.
 * Nothing is published: the merge publishes the whole run's check and comment.
 */
async function shardMode(
  ctx: RunContext,
  target: { base: string; head: string },
  shard: Shard
): Promise<void> {
  const { inputs } = ctx
  const partial = await analyseRun(await checkOptions(ctx, target, await inputConfig(ctx)), shard)
  const name = `dataset-guard-shard-${shard.index + 1}-of-${shard.count}.partial`
  const file = inputs.partial
    ? resolve(ctx.workspace, inputs.partial)
    : join(process.env.RUNNER_TEMP || tmpdir(), name)
  await writePartial(file, partial)
  log(`Shard ${shard.index + 1} of ${shard.count}: partial result written to ${file}`)
  core.setOutput('partial', file)
  core.setOutput('passed', 'true')
}

function inputConfig(ctx: RunContext): Promise<Config> {
  return loadConfig(resolve(ctx.workspace, ctx.inputs.config), { required: ctx.inputs.configRequired })
}

/**
 * The pipeline's options for the event's commits: both fetched (shallowly) if the checkout lacks them, and
 * their Git LFS objects too, since datasets kept in LFS are pointers in git.
 */
async function checkOptions(
  ctx: RunContext,
  target: { base: string; head: string },
  config: Config
): Promise<CheckOptions & { head: string }> {
  const commits = await ensureCommits(ctx.workspace, { base: target.base, head: target.head }, log)
  if (await fetchLfsObjects(ctx.workspace, [commits.base, commits.head])) {
    log('Fetched the Git LFS objects of both commits')
  }
  const { inputs } = ctx
  return {
    repo: ctx.workspace,
    base: commits.base,
    head: commits.head,
    config,
    paths: inputs.paths,
    cacheDir: inputs.cacheDir === null ? undefined : resolve(ctx.workspace, inputs.cacheDir),
    log
  }
}

/** The partial files named by the `partials` input: files as given, folders by their files (sorted). */
async function partialFiles(workspace: string, entries: string[]): Promise<string[]> {
  const files: string[] = []
  for (const entry of entries) {
    const path = resolve(workspace, entry)
    const info = await stat(path).catch(() => null)
    if (info === null)
      throw new Error(`the partial result ${entry} does not exist: did every shard upload one?`)
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter(name => name.endsWith('.partial')).sort()
      files.push(...names.map(name => join(path, name)))
    } else {
      files.push(path)
    }
  }
  if (files.length === 0) throw new Error('no partial results (*.partial) were found in the partials input')
  return files
}

async function readReportFile(path: string): Promise<Report> {
  const info = await lstat(path).catch(() => null)
  if (info === null)
    throw new ReportFileError(`The report file ${path} does not exist: did the analyse stage upload it?`)
  // A symlink in an artifact could point anywhere on the runner; a report is always a plain file.
  if (!info.isFile()) throw new ReportFileError(`The report file ${path} is not a regular file`)
  if (info.size > REPORT_FILE_MAX_BYTES) {
    throw new ReportFileError(`The report file is larger than ${REPORT_FILE_MAX_BYTES} bytes`)
  }
  return parseReportFile(await readFile(path, 'utf8'))
}

/**
 * `publish` mode: the second stage for public repositories. The report was written by a run of the pull
 * request's code, so it is validated, tied to the commit GitHub says was analysed, and judged again against
 * this repository's own config; only then is it rendered (through the same escaping) and published.
 */
async function publishMode(ctx: RunContext): Promise<void> {
  const { inputs } = ctx
  const found = publishTargetForEvent(ctx.eventName, ctx.payload)
  if (!found.ok) {
    core.notice(`dataset-guard: ${found.reason}`)
    return
  }
  const target: PublishTarget = found.value
  log(`dataset-guard: publishing the report for ${target.description}`)
  const publisher = new Publisher(ctx, false)
  await publisher.startCheckRun(target.headSha)

  let report: Report
  try {
    const untrusted = await readReportFile(resolve(ctx.workspace, inputs.report ?? ''))
    if (untrusted.head.sha !== target.headSha) {
      throw new ReportFileError(
        `The report is for commit ${untrusted.head.sha.slice(0, 7)}, but the run being published analysed ` +
          `${target.headSha.slice(0, 7)}: refusing a report from another run`
      )
    }
    const config = await inputConfig(ctx)
    // The verdict in the file is whatever the pull request's run wrote; the gate is this repository's.
    report = { ...untrusted, verdict: evaluateGate(untrusted.datasets, name => thresholdsFor(config, name)) }
  } catch (error) {
    await publisher.fail(error)
    throw error
  }
  publisher.pullRequest = target.pullRequest
  if (publisher.pullRequest === null && ctx.client !== null && ctx.repo !== null) {
    try {
      publisher.pullRequest = await pullRequestForHead(ctx.client, ctx.repo, target)
    } catch (error) {
      publisher.warn(
        plainText(apiFailure('find the pull request of the analysed run', error), LOG_LINE_MAX_CHARS)
      )
    }
  }
  if (publisher.pullRequest === null)
    log('No open pull request has this head commit: publishing without a comment')
  await publisher.publish(report)
}

export async function run(): Promise<void> {
  try {
    const inputs = parseActionInputs(name => core.getInput(name))
    const ctx = await runContext(inputs)
    if (inputs.mode === 'publish') await publishMode(ctx)
    else await analyseMode(ctx)
  } catch (error) {
    // setFailed escapes line breaks itself, so a multi-line config error keeps its lines and stays one command.
    core.setFailed(`dataset-guard: ${errorText(error).slice(0, ERROR_MAX_CHARS)}`)
  }
}
