// The action's inputs, read once and validated into a plain typed object. Pure: the reader is passed in
// (`core.getInput` in the action, a map in tests), so nothing here touches the runner.

import type { Shard } from './analysis/dataset-analysis.js'
import { DEFAULT_CONFIG_PATH } from './config/defaults.js'
import { parseShard, SHARD_FORMAT } from './shard-spec.js'

export const MODES = ['check', 'analyse', 'publish', 'merge'] as const
/**
 * `check` analyses and publishes (check run, PR comment, job summary); `analyse` only analyses (job summary,
 * outputs, the JSON report) and needs no token, the first stage of the setup for public repositories;
 * `publish` reads a report written by `analyse` and publishes it, the second stage; `merge` combines the
 * partial results of `shard` runs into the report and publishes it as `check` does.
 */
export type ActionMode = (typeof MODES)[number]

export const FAIL_ON = ['fail', 'warn', 'never'] as const
/** When the step fails: on a failed gate, on a failed gate or any warning, or never. */
export type FailOn = (typeof FAIL_ON)[number]

export const COMMENT_MODES = ['always', 'on-change', 'on-failure', 'never'] as const
/** When the pull request gets its comment; see `commentPlan` in action-outcome.ts. */
export type CommentMode = (typeof COMMENT_MODES)[number]

export const DEFAULT_CHECK_NAME = 'dataset-guard'
/** Enough to point at the worst rows without turning the Files tab into a wall of annotations. */
export const DEFAULT_MAX_ANNOTATIONS = 50
/**
 * GitHub documents no cap on a check run's annotations, but each 50 cost one API request: 1,000 (20 requests)
 * bounds the time a single run spends on them.
 */
export const MAX_ANNOTATIONS_LIMIT = 1000
/** A check name is shown in the merge box and matched by branch protection; a long one helps neither. */
const CHECK_NAME_MAX_LENGTH = 100

export interface ActionInputs {
  mode: ActionMode
  /** Empty means no API call: `analyse` mode never makes one, and `check` mode then publishes only locally. */
  githubToken: string
  /** The config file, relative to the workspace. */
  config: string
  /** Whether a missing config file is an error: it is when the user named a file other than the default. */
  configRequired: boolean
  /** Globs that override the configured datasets; empty when not given. */
  paths: string[]
  failOn: FailOn
  comment: CommentMode
  maxAnnotations: number
  /** Revisions that override the ones the event names. */
  base: string | null
  head: string | null
  /** The check run's name; it also keys the PR comment, so two configurations keep two comments. */
  checkName: string
  /** `publish` mode: the report file written by `analyse`. */
  report: string | null
  /** A folder for the base side's saved analyses (one `actions/cache` restores and saves); null: no cache. */
  cacheDir: string | null
  /** Analyse only this shard of the rows and write a partial result (no check run, no comment). */
  shard: Shard | null
  /** Where a shard writes its partial result; null: a file named after the shard in RUNNER_TEMP. */
  partial: string | null
  /** `merge` mode: the shards' partial files, or folders holding them. */
  partials: string[]
}

export class ActionInputError extends Error {
  override readonly name = 'ActionInputError'
  constructor(
    readonly input: string,
    message: string
  ) {
    super(`Input "${input}" ${message}`)
  }
}

const quoted = (value: string): string => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)

function oneOf<T extends string>(
  get: (name: string) => string,
  name: string,
  allowed: readonly T[],
  fallback: T
): T {
  const value = get(name).trim()
  if (value === '') return fallback
  const match = allowed.find(a => a === value.toLowerCase())
  if (match === undefined)
    throw new ActionInputError(name, `must be one of ${allowed.join(', ')}; got ${quoted(value)}`)
  return match
}

function revision(get: (name: string) => string, name: string): string | null {
  const value = get(name).trim()
  if (value === '') return null
  // The same rule git's layer applies: an option-like or multi-line value would be read as something else.
  if (value.startsWith('-') || /[\0\n\r\s]/.test(value)) {
    throw new ActionInputError(
      name,
      `must be a commit sha or a ref such as main or origin/main (no spaces, not starting with "-"); got ${quoted(value)}`
    )
  }
  return value
}

function globs(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map(p => p.trim())
    .filter(p => p.length > 0)
}

function maxAnnotations(get: (name: string) => string): number {
  const value = get('max-annotations').trim()
  if (value === '') return DEFAULT_MAX_ANNOTATIONS
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n > MAX_ANNOTATIONS_LIMIT) {
    throw new ActionInputError(
      'max-annotations',
      `must be a whole number from 0 to ${MAX_ANNOTATIONS_LIMIT}; got ${quoted(value)}`
    )
  }
  return n
}

function checkName(get: (name: string) => string): string {
  const value = get('check-name').trim()
  if (value === '') return DEFAULT_CHECK_NAME
  if (value.length > CHECK_NAME_MAX_LENGTH || /[\p{Cc}]/u.test(value)) {
    throw new ActionInputError(
      'check-name',
      `must be one line of at most ${CHECK_NAME_MAX_LENGTH} characters; got ${quoted(value)}`
    )
  }
  return value
}

function filePath(get: (name: string) => string, name: string): string | null {
  const value = get(name).trim()
  if (value === '') return null
  if (/[\0\n\r]/.test(value))
    throw new ActionInputError(name, `must be a file path on one line; got ${quoted(value)}`)
  return value
}

/**
 * Every input, validated. `get` returns an input's value or '' when it is not set (as `core.getInput` does).
 * Throws an ActionInputError naming the input and what it accepts.
 */
export function parseActionInputs(get: (name: string) => string): ActionInputs {
  const mode = oneOf(get, 'mode', MODES, 'check')
  const githubToken = get('github-token').trim()
  // In check mode an empty token only means nothing can be published (main.ts says so); publish has no other job.
  if (githubToken === '' && mode === 'publish') {
    throw new ActionInputError(
      'github-token',
      'is empty: mode publish needs a token with checks: write and pull-requests: write (the default is ${{ github.token }})'
    )
  }
  const config = filePath(get, 'config') ?? DEFAULT_CONFIG_PATH
  const report = filePath(get, 'report')
  if (mode === 'publish' && report === null) {
    throw new ActionInputError(
      'report',
      'is required with mode: publish: the path of the downloaded report file'
    )
  }
  const shardText = get('shard').trim()
  let shard: Shard | null = null
  if (shardText !== '') {
    shard = parseShard(shardText)
    if (shard === null)
      throw new ActionInputError('shard', `must be ${SHARD_FORMAT}, got ${quoted(shardText)}`)
    if (mode === 'merge' || mode === 'publish') {
      throw new ActionInputError('shard', `cannot be used with mode: ${mode}`)
    }
  }
  const partials = get('partials')
    .split(/[\n,]/u)
    .map(entry => entry.trim())
    .filter(Boolean)
  if (mode === 'merge' && partials.length === 0) {
    throw new ActionInputError(
      'partials',
      'is required with mode: merge: the partial files of every shard, or their folder'
    )
  }
  return {
    mode,
    githubToken,
    config,
    configRequired: config !== DEFAULT_CONFIG_PATH,
    paths: globs(get('paths')),
    failOn: oneOf(get, 'fail-on', FAIL_ON, 'fail'),
    comment: oneOf(get, 'comment', COMMENT_MODES, 'on-change'),
    maxAnnotations: maxAnnotations(get),
    base: revision(get, 'base'),
    head: revision(get, 'head'),
    checkName: checkName(get),
    report,
    cacheDir: filePath(get, 'cache-dir'),
    shard,
    partial: filePath(get, 'partial'),
    partials
  }
}
