// The check run's `output`: a one-line title, the markdown summary (the report itself) and the details text
// (what did not fit elsewhere: annotations not sent, every finding, every rule, the parameters). Pure, and each
// part is kept within GitHub's limit with a note of what was left out.

import { describeResult } from '../gate/evaluate-gate.js'
import type { Finding, Report, RuleOutcome } from '../types.js'
import type { Annotation, AnnotationSelection } from './annotations.js'
import { codeSpan, escapeInline, linkTo, plainText } from './escape.js'
import { formatCount } from './format.js'
import { CHECK_RUN_SUMMARY_MAX_BYTES, CHECK_RUN_TEXT_MAX_BYTES } from './github-limits.js'
import { renderMarkdown } from './markdown.js'

export interface CheckOutput {
  title: string
  summary: string
  text: string
}

export interface CheckOutputOptions {
  /** A link to a line of a file at the head commit. */
  fileUrl?: (file: string, line: number) => string
  annotations: AnnotationSelection
  /** The cap the user set, named in the note about annotations left out. */
  maxAnnotations: number
  marker?: string
}

/**
 * GitHub documents no limit for the title, but it is shown on one line in the checks list and the merge box;
 * past this it is cut there anyway.
 */
export const CHECK_TITLE_MAX_CHARS = 200
/** A message or a rule note in the details list. */
const LINE_TEXT_MAX_CHARS = 400
/**
 * An error shown in a failed run's summary; config errors list up to 20 problems, each on a line. 40 lines of
 * 300 characters (at most 4 bytes each) stay under the summary's 65,535 bytes.
 */
const ERROR_LINE_MAX_CHARS = 300
const ERROR_LINES_SHOWN = 40

const OUTCOME_ICON: Record<RuleOutcome, string> = { pass: '✅', warn: '⚠️', fail: '❌', skipped: '⏭️' }

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/** The verdict on one line: `unique-pattern ratio 0.04 < 0.50 in data/train.jsonl`. */
export function checkTitle(report: Report): string {
  const headline = plainText(report.verdict.headline.trim(), CHECK_TITLE_MAX_CHARS)
  return headline.length > 0 ? headline : 'dataset-guard'
}

function annotationNote(selection: AnnotationSelection, maxAnnotations: number): string | null {
  const total = selection.all.length
  if (total === 0) return null
  const sent = selection.annotations.length
  if (selection.omitted === 0) {
    return `**Annotations:** ${formatCount(sent)} on the dataset rows (see the Files changed tab).`
  }
  return (
    `**Annotations:** ${formatCount(sent)} of ${formatCount(total)} sent (\`max-annotations: ${maxAnnotations}\`); ` +
    `the other ${formatCount(selection.omitted)} are listed in the details below.`
  )
}

function annotationLine(a: Annotation, fileUrl: CheckOutputOptions['fileUrl']): string {
  const location = linkTo(codeSpan(`${a.path}:${a.line}`), fileUrl?.(a.path, a.line))
  return `- **${a.level}** ${location} ${escapeInline(a.title, LINE_TEXT_MAX_CHARS)}: ${escapeInline(a.message, LINE_TEXT_MAX_CHARS)}`
}

function findingLine(dataset: string, f: Finding, fileUrl: CheckOutputOptions['fileUrl']): string {
  const at = f.line === undefined ? f.file : `${f.file}:${f.line}`
  // Links point at the head commit; a base-side finding's line is not there.
  const url = f.side === 'head' && f.line !== undefined ? fileUrl?.(f.file, f.line) : undefined
  return `- **${escapeInline(f.kind)}** ${linkTo(codeSpan(at), url)} (${escapeInline(f.side)}, ${codeSpan(dataset)}): ${escapeInline(
    f.message,
    LINE_TEXT_MAX_CHARS
  )}`
}

interface Section {
  heading: string
  lines: string[]
  /** Items the report counted but did not keep (findings beyond the engine's cap). */
  uncounted?: number
}

function sections(report: Report, options: CheckOutputOptions): Section[] {
  const out: Section[] = []
  const notSent = options.annotations.all.slice(options.annotations.annotations.length)
  if (notSent.length > 0) {
    out.push({
      heading: `### Annotations not sent (${formatCount(notSent.length)})`,
      lines: notSent.map(a => annotationLine(a, options.fileUrl))
    })
  }
  const results = report.verdict.results
  if (results.length > 0) {
    out.push({
      heading: `### Every gate result (${formatCount(results.length)})`,
      lines: results.map(
        r =>
          `- ${OUTCOME_ICON[r.outcome] ?? ''} ${codeSpan(r.dataset)} ${escapeInline(describeResult(r), LINE_TEXT_MAX_CHARS)}`
      )
    })
  }
  const findings = report.datasets.flatMap(d => d.findings.map(f => findingLine(d.name, f, options.fileUrl)))
  const uncounted = report.datasets.reduce((n, d) => n + d.findingsOmitted, 0)
  if (findings.length > 0 || uncounted > 0) {
    out.push({
      heading: `### Every finding (${formatCount(findings.length + uncounted)})`,
      lines: findings,
      uncounted
    })
  }
  const parameters = Object.entries(report.parameters)
  if (parameters.length > 0) {
    out.push({
      heading: '### Parameters',
      lines: parameters.map(([k, v]) => `- ${escapeInline(k)}: ${codeSpan(String(v))}`)
    })
  }
  return out
}

/**
 * The details text, cut line by line at the end when it does not fit, with a note of how many lines were left
 * out. List items are whole lines, so a cut never leaves a broken element behind.
 */
function detailsText(report: Report, options: CheckOutputOptions): string {
  const note = (n: number) =>
    `\n\n**Left out to stay under GitHub's size limit:** ${formatCount(n)} more lines. The JSON report has everything.\n`
  const budget = CHECK_RUN_TEXT_MAX_BYTES - bytes(note(Number.MAX_SAFE_INTEGER))
  const all = sections(report, options)
  const total = all.reduce((n, s) => n + s.lines.length, 0)
  const parts: string[] = []
  let used = 0
  let kept = 0
  const add = (text: string): boolean => {
    const size = bytes(text) + (parts.length > 0 ? 1 : 0)
    if (used + size > budget) return false
    parts.push(text)
    used += size
    return true
  }
  outer: for (const section of all) {
    if (!add(parts.length > 0 ? `\n${section.heading}\n` : `${section.heading}\n`)) break
    for (const line of section.lines) {
      if (!add(line)) break outer
      kept++
    }
    if (section.uncounted !== undefined && section.uncounted > 0) {
      add(`- …and ${formatCount(section.uncounted)} more, counted but not kept by the analysis.`)
    }
  }
  const text = parts.join('\n')
  return kept < total ? `${text}${note(total - kept)}` : `${text}\n`
}

/** The check run's output for a finished analysis. */
export function checkOutput(report: Report, options: CheckOutputOptions): CheckOutput {
  // Most pull requests touch no dataset; their check says so in one line rather than an empty report.
  if (report.datasets.length === 0) {
    return {
      title: checkTitle(report),
      summary: 'No dataset changed between the base and head commits.',
      text: ''
    }
  }
  const note = annotationNote(options.annotations, options.maxAnnotations)
  const noteBlock = note === null ? '' : `\n${note}\n`
  const summary = renderMarkdown(report, {
    maxBytes: CHECK_RUN_SUMMARY_MAX_BYTES - bytes(noteBlock),
    links: { fileUrl: options.fileUrl },
    marker: options.marker
  })
  return { title: checkTitle(report), summary: `${summary}${noteBlock}`, text: detailsText(report, options) }
}

/** A fence longer than any backtick run in the text, so no line of it can close the block. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map(m => m[0].length))
  return '`'.repeat(Math.max(3, longest + 1))
}

/**
 * The check run's output when the action itself could not finish: the error, shown as inert text, and an
 * optional hint in markdown (our own words, never dataset text).
 */
export function failedRunOutput(message: string, hint?: string): CheckOutput {
  const lines = message
    .split(/\r?\n/)
    .slice(0, ERROR_LINES_SHOWN)
    .map(line => plainText(line, ERROR_LINE_MAX_CHARS))
  const body = lines.join('\n')
  const fence = fenceFor(body)
  const first = lines.find(l => l.trim().length > 0) ?? 'unknown error'
  const parts = [`## dataset-guard could not finish`, `${fence}text\n${body}\n${fence}`]
  if (hint !== undefined) parts.push(hint)
  return {
    title: plainText(`dataset-guard could not run: ${first}`, CHECK_TITLE_MAX_CHARS),
    summary: `${parts.join('\n\n')}\n`,
    text: ''
  }
}
