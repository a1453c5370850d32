// What a verdict means for the run: the check run's conclusion, whether the step fails, the step's outputs and
// what happens to the PR comment. Pure, so the rules that block a merge are tested without a runner.

import { DEFAULT_CHECK_NAME, type CommentMode, type FailOn } from './action-inputs.js'
import { DEFAULT_MARKER } from './report/markdown.js'
import type { Conclusion, Report, Verdict } from './types.js'

/**
 * The check run's conclusion. `neutral` when no dataset changed (and, with `fail-on: never`, for a failed gate):
 * branch protection treats neutral as passing, so a required check never blocks a pull request that does not
 * touch data, and is never left pending.
 */
export function checkConclusion(verdict: Verdict, failOn: FailOn): Conclusion {
  if (verdict.conclusion === 'neutral') return 'neutral'
  if (failOn === 'never') return verdict.passed ? 'success' : 'neutral'
  if (!verdict.passed) return 'failure'
  return failOn === 'warn' && verdict.warnings > 0 ? 'failure' : 'success'
}

/** Whether the step fails: that is what blocks the merge when the job is a required check. */
export function stepFails(verdict: Verdict, failOn: FailOn): boolean {
  return checkConclusion(verdict, failOn) === 'failure'
}

/** Output values are strings; a metric no dataset has is the empty string, which reads as false in `if:`. */
const RATIO_DIGITS = 4

/** The lowest (or highest) known value, RATIO_DIGITS decimals; empty when no dataset has one. */
function extreme(values: (number | null | undefined)[], pick: (...known: number[]) => number): string {
  const known = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
  return known.length === 0 ? '' : pick(...known).toFixed(RATIO_DIGITS)
}
const lowest = (values: (number | null | undefined)[]): string => extreme(values, Math.min)
const highest = (values: (number | null | undefined)[]): string => extreme(values, Math.max)

export interface ActionOutputs {
  passed: string
  'unique-pattern-ratio': string
  'real-fraction': string
  'novel-pattern-ratio': string
  'synthetic-separability': string
  'eval-leaks': string
}

/**
 * The step's outputs. With several datasets each metric is the one closest to failing, which is what a
 * follow-up step usually asks about: the lowest ratio, the highest separability, and the leaks of every dataset
 * added up. The JSON report has every dataset's numbers.
 */
export function actionOutputs(report: Report, failOn: FailOn): ActionOutputs {
  const heads = report.datasets.map(d => d.head)
  const leakages = report.datasets.flatMap(d => (d.leakage ? [d.leakage] : []))
  return {
    passed: String(!stepFails(report.verdict, failOn)),
    'unique-pattern-ratio': lowest(heads.map(h => h?.uniquePatternRatio)),
    'real-fraction': lowest(heads.map(h => h?.mix.realFraction)),
    'novel-pattern-ratio': lowest(report.datasets.map(d => d.change.novelPatternRatio)),
    'synthetic-separability': highest(report.datasets.map(d => d.realism?.realVsSynthetic?.separability)),
    'eval-leaks':
      leakages.length === 0
        ? ''
        : String(leakages.reduce((sum, l) => sum + l.exact + l.normalised + l.nearDuplicate, 0))
  }
}

/**
 * `post`: create the comment or edit it in place; `update`: edit an existing comment but create none;
 * `remove`: delete it; `leave`: do not touch comments at all.
 */
export type CommentPlan = 'post' | 'update' | 'remove' | 'leave'

/**
 * What the `comment` input asks for, given the report:
 * - `always`: every run posts or edits the comment.
 * - `on-change`: only pull requests that change a dataset get one; when a later push takes the dataset changes
 *   out, the comment (now about changes the pull request no longer makes) is deleted.
 * - `on-failure`: only a failing check creates a comment; once it passes the comment is edited to say so, not
 *   left showing an old failure.
 * - `never`: no comment, and an existing one is left alone.
 */
export function commentPlan(mode: CommentMode, report: Report, failOn: FailOn): CommentPlan {
  switch (mode) {
    case 'always':
      return 'post'
    case 'on-change':
      return report.datasets.length > 0 ? 'post' : 'remove'
    case 'on-failure':
      return checkConclusion(report.verdict, failOn) === 'failure' ? 'post' : 'update'
    case 'never':
      return 'leave'
  }
}

/**
 * The hidden marker of the PR comment for a check name. The default check keeps the renderer's default marker;
 * another name gets its own, so two configurations in one workflow keep two comments. Characters that could end
 * an HTML comment are removed until none is left, so the renderer embeds exactly this string.
 */
export function commentMarker(checkName: string): string {
  if (checkName === DEFAULT_CHECK_NAME) return DEFAULT_MARKER
  let inner = checkName.replace(/\p{Cc}/gu, ' ')
  while (/--|[<>]/.test(inner)) inner = inner.replace(/--|[<>]/g, '')
  return `<!-- ${`dataset-guard: ${inner}`.trim()} -->`
}
