// The check run: created in progress as soon as the run starts, completed once with the conclusion, the output
// and the first annotations, then given the rest of the annotations 50 per request. Created once: a create
// retried after its answer was lost takes the run it made instead of making a second one.

import { randomUUID } from 'node:crypto'
import type { Annotation } from '../report/annotations.js'
import type { CheckOutput } from '../report/check-output.js'
import { ANNOTATIONS_PER_REQUEST, CHECK_RUNS_PER_PAGE } from '../report/github-limits.js'
import type { Conclusion } from '../types.js'
import { apiFailure, httpStatus } from './api-errors.js'
import type { BeforeRetry, GitHubClient, RepoRef } from './client.js'

/** HTTP 422: GitHub rejected the body, e.g. an annotation on a path or line it does not accept. */
const UNPROCESSABLE = 422

export interface CheckRunRef {
  id: number
  htmlUrl: string
  /** The GitHub App the token belongs to; its bot is the author of the token's comments. */
  appSlug: string | null
}

export interface NewCheckRun {
  name: string
  headSha: string
  /** Where "Details" leads: the workflow run's log. */
  detailsUrl?: string
}

const IN_PROGRESS_OUTPUT = {
  title: 'Analysing the changed datasets…',
  summary: 'dataset-guard is reading the datasets at the base and head commits.'
}

/**
 * The run with this name and external_id on the commit, as the answer of the list request that found it. Every
 * run is listed (filter: all), not only the newest of the name, which may be another's.
 */
async function findCheckRun(
  client: GitHubClient,
  repo: RepoRef,
  run: NewCheckRun,
  externalId: string
): ReturnType<BeforeRetry> {
  const pages = client.paginate.iterator(client.rest.checks.listForRef, {
    ...repo,
    ref: run.headSha,
    check_name: run.name,
    filter: 'all',
    per_page: CHECK_RUNS_PER_PAGE
  })
  for await (const page of pages) {
    const found = page.data.find(r => r.external_id === externalId)
    if (found !== undefined) return { ...page, data: found }
  }
  return undefined
}

/**
 * Creates the check run on the head commit, in progress. Its external_id is new for each call, so a retry of
 * the create (see BeforeRetry in client.ts) finds the run that call made, if GitHub made it, and never another
 * job's or an earlier run's of the same name.
 */
export async function createCheckRun(
  client: GitHubClient,
  repo: RepoRef,
  run: NewCheckRun
): Promise<CheckRunRef> {
  const externalId = `dataset-guard-${randomUUID()}`
  const beforeRetry: BeforeRetry = () => findCheckRun(client, repo, run, externalId)
  const { data } = await client.rest.checks.create({
    ...repo,
    name: run.name,
    head_sha: run.headSha,
    external_id: externalId,
    status: 'in_progress',
    started_at: new Date().toISOString(),
    ...(run.detailsUrl !== undefined && { details_url: run.detailsUrl }),
    output: IN_PROGRESS_OUTPUT,
    request: { beforeRetry }
  })
  return { id: data.id, htmlUrl: data.html_url ?? '', appSlug: data.app?.slug ?? null }
}

type ApiAnnotation = {
  path: string
  start_line: number
  end_line: number
  annotation_level: Annotation['level']
  title: string
  message: string
}

function apiAnnotation(a: Annotation): ApiAnnotation {
  return {
    path: a.path,
    start_line: a.line,
    end_line: a.line,
    annotation_level: a.level,
    title: a.title,
    message: a.message
  }
}

function outputFields(output: CheckOutput): { title: string; summary: string; text?: string } {
  return { title: output.title, summary: output.summary, ...(output.text !== '' && { text: output.text }) }
}

export interface CheckRunCompletion {
  conclusion: Conclusion
  output: CheckOutput
  annotations: Annotation[]
  /** Told when GitHub rejects a batch of annotations (HTTP 422): that batch is dropped and the rest still sent. */
  onRejectedBatch?: (rejected: RejectedBatch) => void
}

export interface RejectedBatch {
  /** 1-based position of the batch among the requests. */
  batch: number
  annotations: number
  /** What GitHub said, as one log line. */
  message: string
}

/**
 * Completes the check run with its conclusion and output, sending the annotations ANNOTATIONS_PER_REQUEST at a
 * time. The first request already completes the run, so a failure while sending later batches cannot leave it
 * pending. Returns the number of requests made.
 */
export async function completeCheckRun(
  client: GitHubClient,
  repo: RepoRef,
  checkRunId: number,
  completion: CheckRunCompletion
): Promise<number> {
  const batches: ApiAnnotation[][] = []
  for (let i = 0; i < completion.annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    batches.push(completion.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST).map(apiAnnotation))
  }
  const output = outputFields(completion.output)
  const update = async (body: Record<string, unknown>, batch: ApiAnnotation[] | undefined, index: number) => {
    try {
      await client.rest.checks.update({
        ...repo,
        check_run_id: checkRunId,
        ...body,
        output: { ...output, ...(batch !== undefined && { annotations: batch }) }
      })
      return 1
    } catch (error) {
      if (httpStatus(error) !== UNPROCESSABLE || batch === undefined) throw error
      completion.onRejectedBatch?.({
        batch: index + 1,
        annotations: batch.length,
        message: apiFailure(`add ${batch.length} annotation(s) to the check run`, error)
      })
      // The first request is also the one that completes the run: send it again without the annotations, so a
      // rejected batch can never leave the check pending.
      if (index === 0) {
        await update(body, undefined, index)
        return 2
      }
      return 1
    }
  }
  let requests = await update(
    { status: 'completed', conclusion: completion.conclusion, completed_at: new Date().toISOString() },
    batches[0],
    0
  )
  // Each update appends its annotations to the ones the run already has; title and summary are required.
  for (const [i, batch] of batches.entries()) {
    if (i > 0) requests += await update({}, batch, i)
  }
  return requests
}
