// The check run: created in progress as soon as the run starts, completed once with the conclusion, the output
// and the first annotations, then given the rest of the annotations 50 per request.

import type { Annotation } from '../report/annotations.js'
import type { CheckOutput } from '../report/check-output.js'
import { ANNOTATIONS_PER_REQUEST } from '../report/github-limits.js'
import type { Conclusion } from '../types.js'
import { apiFailure, httpStatus } from './api-errors.js'
import type { GitHubClient, RepoRef } from './client.js'

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

/** Creates the check run on the head commit, in progress. */
export async function createCheckRun(
  client: GitHubClient,
  repo: RepoRef,
  run: NewCheckRun
): Promise<CheckRunRef> {
  const { data } = await client.rest.checks.create({
    ...repo,
    name: run.name,
    head_sha: run.headSha,
    status: 'in_progress',
    started_at: new Date().toISOString(),
    ...(run.detailsUrl !== undefined && { details_url: run.detailsUrl }),
    output: IN_PROGRESS_OUTPUT
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
