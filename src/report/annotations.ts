// Which rows get an annotation, in what order, with what words. Pure: a Report in, plain annotation data out;
// src/github/ sends them 50 per request, and the fallback prints the ten of each kind that matter most.

import type {
  DatasetReport,
  EvalLeak,
  Finding,
  PatternSummary,
  Report,
  RowRef,
  RuleResult
} from '../types.js'
import { plainText } from './escape.js'
import { formatCount, formatPercent } from './format.js'
import { ANNOTATION_TITLE_MAX_CHARS, WORKFLOW_ANNOTATIONS_PER_KIND } from './github-limits.js'

export type AnnotationLevel = 'failure' | 'warning' | 'notice'

export interface Annotation {
  /**
   * A repository path at the head commit, verbatim: GitHub places an annotation by matching it exactly, so it is
   * never escaped or cut here. Whoever shows it (markdown, a log line) escapes it there.
   */
  path: string
  /** 1-based line of the file. */
  line: number
  level: AnnotationLevel
  /** Plain text, at most ANNOTATION_TITLE_MAX_CHARS. */
  title: string
  /** Plain text, one paragraph. */
  message: string
}

export interface AnnotationSelection {
  /** The annotations to send, most important first. */
  annotations: Annotation[]
  /** Every candidate, sent or not, most important first. */
  all: Annotation[]
  /** Candidates left out by the cap. */
  omitted: number
}

/** Far below GitHub's 64 KB: an annotation is read in a narrow box next to a line; details live in the summary. */
const MESSAGE_MAX_CHARS = 1000
/** Finding messages come from readers and may quote the row; enough to see what is wrong with it. */
const FINDING_TEXT_MAX_CHARS = 400
/** Template keys are shown in quotes inside the message. */
const TEMPLATE_KEY_MAX_CHARS = 200
/** "Others: a:1, a:2, …": more than a handful of locations stops being read. */
const OTHER_LOCATIONS_SHOWN = 5

const LEVEL_RANK: Record<AnnotationLevel, number> = { failure: 0, warning: 1, notice: 2 }

// Within a level: whole-file problems first (they hide every row of the file), then repeated patterns (one
// annotation speaks for many rows), then single rows.
// Leaks come before other single rows: one row can spoil an eval set's scores.
type CandidateKind =
  'invalid-file' | 'lfs-pointer' | 'pattern' | 'leak' | 'invalid-row' | 'duplicate' | 'skipped-file'
const KIND_RANK: Record<CandidateKind, number> = {
  'invalid-file': 0,
  'lfs-pointer': 1,
  pattern: 2,
  leak: 3,
  'invalid-row': 4,
  duplicate: 5,
  'skipped-file': 6
}

interface Candidate {
  annotation: Annotation
  kind: CandidateKind
  /** Rows the annotation speaks for; larger first within a kind. */
  weight: number
  order: number
}

const PATTERN_RULES = ['min-unique-pattern-ratio', 'max-unique-pattern-ratio-drop', 'min-novel-pattern-ratio']
const DUPLICATE_RULES = ['max-duplicate-share']
const EXACT_LEAK_RULES = ['max-eval-leaks']
const NEAR_LEAK_RULES = ['max-eval-near-duplicates']

/** The level a dataset's rules give their annotations: failure when one of them failed, and so on. */
function levelFromRules(results: RuleResult[], dataset: string, rules: string[]): AnnotationLevel {
  const mine = results.filter(r => r.dataset === dataset && rules.includes(r.rule))
  if (mine.some(r => r.outcome === 'fail')) return 'failure'
  if (mine.some(r => r.outcome === 'warn')) return 'warning'
  return 'notice'
}

// Parquet has no lines: a RowRef's line is the row number, and the annotation sits on the file's first line.
function isRowNumbered(path: string): boolean {
  return /\.parquet$/i.test(path)
}

function where(ref: RowRef): string {
  return isRowNumbered(ref.file) ? `${ref.file} row ${ref.line}` : `${ref.file}:${ref.line}`
}

function annotationAt(ref: RowRef, level: AnnotationLevel, title: string, message: string): Annotation {
  return {
    path: ref.file,
    line: isRowNumbered(ref.file) ? 1 : Math.max(1, Math.floor(ref.line)),
    level,
    title: plainText(title, ANNOTATION_TITLE_MAX_CHARS),
    message: plainText(message, MESSAGE_MAX_CHARS)
  }
}

const plural = (n: number, one: string, many = `${one}s`): string =>
  `${formatCount(n)} ${n === 1 ? one : many}`

function findingCandidate(d: DatasetReport, f: Finding): Omit<Candidate, 'order'> | null {
  // Annotations sit on the head commit's files; a base-side finding has no line there (it is in the summary).
  if (f.side !== 'head') return null
  const rowRef = { file: f.file, line: f.line ?? 1 }
  const text = plainText(f.message, FINDING_TEXT_MAX_CHARS)
  switch (f.kind) {
    case 'invalid-row':
      return {
        kind: 'invalid-row',
        weight: 1,
        annotation: annotationAt(
          rowRef,
          'failure',
          `Unparseable row in ${d.name}`,
          `${isRowNumbered(f.file) ? `Row ${rowRef.line}: ` : ''}${text}. ` +
            'The row is left out of the analysis and would be lost from training.'
        )
      }
    case 'invalid-file':
      return {
        kind: 'invalid-file',
        weight: 1,
        annotation: annotationAt(rowRef, 'failure', `Unreadable data file in ${d.name}`, text)
      }
    case 'lfs-pointer':
      return {
        kind: 'lfs-pointer',
        weight: 1,
        annotation: annotationAt(
          { file: f.file, line: 1 },
          'warning',
          `Git LFS pointer, not data: ${d.name} was not analysed from this file`,
          `This file ${text}`
        )
      }
    case 'skipped-file':
      return {
        kind: 'skipped-file',
        weight: 1,
        annotation: annotationAt({ file: f.file, line: 1 }, 'notice', `File skipped in ${d.name}`, text)
      }
  }
}

function patternMessage(p: PatternSummary): string {
  const state =
    p.existedAtBase === true
      ? 'a pattern the dataset already had'
      : p.existedAtBase === false
        ? 'a pattern new in this change'
        : 'a pattern'
  const variants = p.variants > 1 ? ` (${plural(p.variants, 'variant')} folded together)` : ''
  const others = p.examples.slice(1, 1 + OTHER_LOCATIONS_SHOWN).map(where)
  const unlisted = p.size - 1 - others.length
  let rest = ''
  if (others.length > 0) {
    rest = ` Others: ${others.join(', ')}${unlisted > 0 ? `, and ${plural(unlisted, 'more row')}` : ''}.`
  } else if (unlisted > 0) rest = ` ${plural(unlisted, 'more row')} share it.`
  const key = plainText(p.templateKey, TEMPLATE_KEY_MAX_CHARS)
  return (
    `${plural(p.size, 'added row')} share the template "${key}"${variants}, ${state}. ` +
    `This is the first of them.${rest} The report lists the largest patterns with examples.`
  )
}

function datasetCandidates(report: Report, d: DatasetReport): Omit<Candidate, 'order'>[] {
  const out: Omit<Candidate, 'order'>[] = []
  for (const f of d.findings) {
    const c = findingCandidate(d, f)
    if (c !== null) out.push(c)
  }
  const results = report.verdict.results
  const patternLevel = levelFromRules(results, d.name, PATTERN_RULES)
  for (const p of d.change.largestAddedPatterns) {
    const first = p.examples[0]
    // A pattern of one row repeats nothing.
    if (first === undefined || p.size < 2) continue
    out.push({
      kind: 'pattern',
      weight: p.size,
      annotation: annotationAt(
        first,
        patternLevel,
        `Repeated pattern: ${plural(p.size, 'added row')} in ${d.name}`,
        patternMessage(p)
      )
    })
  }
  const duplicateLevel = levelFromRules(results, d.name, DUPLICATE_RULES)
  const { duplicatesOfExisting, added, duplicateShare } = d.change
  for (const ref of d.change.duplicateExamples) {
    const share = duplicateShare === null ? '' : ` (${formatPercent(duplicateShare)})`
    out.push({
      kind: 'duplicate',
      weight: 1,
      annotation: annotationAt(
        ref,
        duplicateLevel,
        `Added row duplicates existing data in ${d.name}`,
        `This added row repeats an input the dataset already had. ` +
          `${formatCount(duplicatesOfExisting)} of ${plural(added, 'added row')} do${share}.`
      )
    })
  }
  for (const leak of d.leakage?.leaks ?? []) {
    const level = levelFromRules(
      results,
      d.name,
      leak.kind === 'near-duplicate' ? NEAR_LEAK_RULES : EXACT_LEAK_RULES
    )
    out.push({ kind: 'leak', weight: 1, annotation: leakAnnotation(d, leak, level) })
  }
  return out
}

function leakAnnotation(d: DatasetReport, leak: EvalLeak, level: AnnotationLevel): Annotation {
  const how =
    leak.kind === 'exact'
      ? 'word for word'
      : leak.kind === 'normalised'
        ? 'once case and spacing are folded'
        : `nearly (template similarity ${leak.similarity.toFixed(2)})`
  return annotationAt(
    leak.row,
    level,
    `Added row repeats an eval row of ${leak.evalSet} in ${d.name}`,
    `This added row matches ${where(leak.evalRow)} of the eval set ${leak.evalSet} ${how}. ` +
      'Trained on, it makes that eval measure memory instead of skill.'
  )
}

function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    LEVEL_RANK[a.annotation.level] - LEVEL_RANK[b.annotation.level] ||
    KIND_RANK[a.kind] - KIND_RANK[b.kind] ||
    b.weight - a.weight ||
    a.order - b.order
  )
}

/** Every annotation the report calls for, most important first, one per file, line and title. */
export function reportAnnotations(report: Report): Annotation[] {
  const candidates: Candidate[] = report.datasets
    .flatMap(d => datasetCandidates(report, d))
    .map((c, order) => ({ ...c, order }))
    .sort(compareCandidates)
  const seen = new Set<string>()
  const out: Annotation[] = []
  for (const { annotation } of candidates) {
    const key = `${annotation.path}\0${annotation.line}\0${annotation.title}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(annotation)
  }
  return out
}

/** The `max` most important annotations, and how many were left out. */
export function selectAnnotations(report: Report, max: number): AnnotationSelection {
  const all = reportAnnotations(report)
  const annotations = all.slice(0, Math.max(0, max))
  return { annotations, all, omitted: all.length - annotations.length }
}

/**
 * For workflow commands (`::error file=…`), which GitHub keeps only the first 10 of per kind and step: the most
 * important of each level, in order, so the ones that explain the failure are not the ones dropped. `reserved`
 * counts the commands of a kind the step prints anyway (the failure message is an error, a permission warning a
 * warning), which take from the same 10.
 */
export function workflowCommandAnnotations(
  all: Annotation[],
  reserved: Partial<Record<AnnotationLevel, number>> = {}
): { annotations: Annotation[]; omitted: number } {
  const taken: Record<AnnotationLevel, number> = {
    failure: reserved.failure ?? 0,
    warning: reserved.warning ?? 0,
    notice: reserved.notice ?? 0
  }
  const annotations = all.filter(a => taken[a.level]++ < WORKFLOW_ANNOTATIONS_PER_KIND)
  return { annotations, omitted: all.length - annotations.length }
}
