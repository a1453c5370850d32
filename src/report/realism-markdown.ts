// The realism and eval-leakage sections of the markdown report: how far the synthetic (or added) rows are from
// the real (or existing) ones, as a table, a Mermaid bar chart and collapsed examples, and the added rows that
// repeat eval rows. Every string taken from the report goes through escape.ts, labels and sentences included:
// a report file read in `publish` mode is untrusted input.

import type { DatasetReport, FeatureComparison, Gap, Leakage, RealismComparison, RowRef } from '../types.js'
import { codeSpan, escapeHtml, escapeInline, linkTo, mermaidText } from './escape.js'
import {
  formatCount,
  formatDecimal,
  formatPercent,
  formatSeparability,
  MISSING,
  separabilityWords
} from './format.js'
import { details, table, type Align } from './markdown-blocks.js'

export type FileUrl = ((file: string, line: number) => string) | undefined

/** Example text is cut like the pattern examples: enough to recognise a row in a list. */
const EXAMPLE_TEXT_MAX_LENGTH = 120
/** Leaks listed per dataset; the JSON report keeps up to 50 of each kind. */
const LEAKS_SHOWN = 10
/** Labels of rate features in the chart: short, fixed ASCII words, the only text Mermaid gets besides labels. */
const CHART_LABELS: Readonly<Record<string, string>> = {
  'terse-input': 'terse',
  'shorthand-input': 'shorthand',
  'lowercase-start': 'lower-case start',
  'no-final-punctuation': 'no final punct.',
  'question-mark': 'question mark',
  'likely-typo': 'likely typo',
  'uncertainty-output': 'unsure output',
  'refusal-output': 'refusal',
  'politeness-output': 'politeness'
}
/** Features under this rate on both sides are left out of the chart: their bars would not be visible. */
const CHART_MIN_RATE = 0.01
/** A chart axis ends at the next multiple of this above the largest rate, so small rates are not flattened. */
const AXIS_STEP_PERCENT = 10

export const REALISM_EXPLAINED =
  'How the rows differ from real ones, feature by feature: rates are shares of sampled rows, lengths are ' +
  'medians in words. Separability is the ROC-AUC of a simple classifier on these features: 0.50 means the ' +
  'two sides look alike, 1.00 that every row gives its side away.'

function capitalised(text: string): string {
  return text.length > 0 ? text.charAt(0).toUpperCase() + text.slice(1) : text
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

function featureValue(feature: FeatureComparison, value: number): string {
  if (feature.kind === 'length') {
    const v = finite(value)
    if (v === null) return MISSING
    return Number.isInteger(v) ? formatCount(v) : formatDecimal(v, 1)
  }
  return formatPercent(value)
}

function exampleList(refs: RowRef[], texts: string[] | undefined, fileUrl: FileUrl): string {
  return refs
    .map((ref, i) => {
      const link = linkTo(codeSpan(`${ref.file}:${ref.line}`), fileUrl?.(ref.file, ref.line))
      const text = texts?.[i]
      return text === undefined || text.length === 0
        ? `- ${link}`
        : `- ${link} ${escapeInline(text, EXAMPLE_TEXT_MAX_LENGTH)}`
    })
    .join('\n')
}

/** A gap's example rows from each side, under the side's name. */
function gapExamples(gap: Gap, c: RealismComparison, fileUrl: FileUrl): string {
  const parts: string[] = []
  const sides: [string, RowRef[], string[] | undefined][] = [
    [c.labelA, gap.examplesA, gap.exampleTextsA],
    [c.labelB, gap.examplesB, gap.exampleTextsB]
  ]
  for (const [label, refs, texts] of sides) {
    if (refs.length === 0) continue
    parts.push(`**${escapeInline(capitalised(label))}**\n\n${exampleList(refs, texts, fileUrl)}`)
  }
  return parts.length > 0 ? parts.join('\n\n') : 'No example rows on either side.'
}

function comparisonTable(c: RealismComparison, oneSided: boolean): string {
  const gapOf = new Map(c.gaps.map(g => [g.feature, g.sentence]))
  const shown = c.features.filter(f => f.kind === 'length' || f.a > 0 || f.b > 0 || gapOf.has(f.feature))
  if (oneSided) {
    return table(
      ['Feature', escapeInline(capitalised(c.labelB))],
      ['left', 'right'],
      shown.map(f => [escapeInline(f.description), featureValue(f, f.b)])
    )
  }
  const align: Align[] = ['left', 'right', 'right', 'left']
  return table(
    ['Feature', escapeInline(capitalised(c.labelA)), escapeInline(capitalised(c.labelB)), 'Gap'],
    align,
    shown.map(f => {
      const gap = gapOf.get(f.feature)
      return [
        escapeInline(f.description),
        featureValue(f, f.a),
        featureValue(f, f.b),
        gap === undefined ? MISSING : escapeInline(gap)
      ]
    })
  )
}

/** Features neither side shows: worth one line, since "never" is itself a finding about both sides. */
function absentLine(c: RealismComparison, oneSided: boolean): string | null {
  const absent = c.features.filter(f => f.kind === 'rate' && f.b === 0 && (oneSided || f.a === 0))
  if (absent.length === 0) return null
  const who = oneSided ? `No ${escapeInline(c.labelB)} row` : 'Neither side'
  return `${who} shows: ${absent.map(f => escapeInline(f.description)).join('; ')}.`
}

/** The rate features side by side: one horizontal bar per feature and side, labelled `feature - side`. */
function rateChart(d: DatasetReport, c: RealismComparison, oneSided: boolean): string | null {
  const rates = c.features.filter(
    f => f.kind === 'rate' && ((!oneSided && f.a >= CHART_MIN_RATE) || f.b >= CHART_MIN_RATE)
  )
  if (rates.length === 0) return null
  const percent = (rate: number): number => {
    const v = finite(rate) ?? 0
    return Math.round(Math.min(Math.max(v, 0), 1) * 1000) / 10
  }
  const labels: string[] = []
  const values: number[] = []
  const sideA = mermaidText(c.labelA, 20)
  const sideB = mermaidText(c.labelB, 20)
  for (const f of rates) {
    const name = CHART_LABELS[f.feature] ?? mermaidText(f.feature, 30)
    if (!oneSided) {
      labels.push(`${name} - ${sideA}`)
      values.push(percent(f.a))
    }
    labels.push(oneSided ? name : `${name} - ${sideB}`)
    values.push(percent(f.b))
  }
  const top = Math.max(
    AXIS_STEP_PERCENT,
    Math.ceil(Math.max(...values) / AXIS_STEP_PERCENT) * AXIS_STEP_PERCENT
  )
  // Only whitelisted text and `%` inside the quotes: Mermaid parses its own syntax in labels.
  const title = oneSided
    ? `${mermaidText(d.name)} - ${sideB} rows - % showing each feature`
    : `${mermaidText(d.name)} - ${sideA} vs ${sideB} - % of rows`
  return [
    '```mermaid',
    'xychart-beta horizontal',
    `    title "${title}"`,
    `    x-axis [${labels.map(l => `"${l}"`).join(', ')}]`,
    `    y-axis "% of rows" 0 --> ${top}`,
    `    bar [${values.join(', ')}]`,
    '```'
  ].join('\n')
}

function separabilityLine(c: RealismComparison): string {
  const value = finite(c.separability)
  const a = escapeInline(c.labelA)
  const b = escapeInline(c.labelB)
  if (value === null) {
    return `Separability not measured: fewer than 10 sampled rows on a side.`
  }
  return (
    `Separability **${formatSeparability(value)}**: ${a} and ${b} rows are ${separabilityWords(value)}.` +
    ` Vocabulary divergence ${formatDecimal(finite(c.vocabularyDivergence), 2)}` +
    ' (0: the same words, 1: none shared).'
  )
}

function sampleNote(c: RealismComparison, oneSided: boolean): string {
  const side = (label: string, sampled: number, rows: number) =>
    `${formatCount(sampled)} of ${formatCount(rows)} ${escapeInline(label)}`
  const b = side(c.labelB, c.sampledB, c.rowsB)
  return oneSided ? `${b} rows sampled` : `${side(c.labelA, c.sampledA, c.rowsA)} and ${b} rows sampled`
}

function gapExampleBlocks(c: RealismComparison, fileUrl: FileUrl): string[] {
  return c.gaps.map(gap => details(`Examples: ${escapeHtml(gap.sentence)}`, gapExamples(gap, c, fileUrl)))
}

/** The synthetic rows against the baseline: intro, separability, table, chart, examples. */
function syntheticPart(d: DatasetReport, withExamples: boolean, fileUrl: FileUrl): string | null {
  const realism = d.realism ?? null
  const c = realism?.realVsSynthetic ?? null
  if (realism === null || c === null) return null
  const name = codeSpan(d.name)
  const oneSided = realism.baseline === 'none'
  const blocks: string[] = []
  if (oneSided) {
    blocks.push(
      `**${name}**: no real rows at head and no reference set (\`realism.reference\`) to compare the ` +
        `synthetic rows with; their own rates (${sampleNote(c, true)}).`
    )
  } else {
    const against =
      realism.baseline === 'reference'
        ? `the reference set ${codeSpan(realism.reference ?? 'reference')} (the dataset has no real rows at head)`
        : 'the real rows at head'
    blocks.push(`**${name}**: synthetic rows against ${against} (${sampleNote(c, false)}).`)
    blocks.push(separabilityLine(c))
  }
  blocks.push(comparisonTable(c, oneSided))
  const absent = absentLine(c, oneSided)
  if (absent !== null) blocks.push(absent)
  const chart = rateChart(d, c, oneSided)
  if (chart !== null) blocks.push(chart)
  if (withExamples) blocks.push(...gapExampleBlocks(c, fileUrl))
  return blocks.join('\n\n')
}

/** The added rows against those already there, collapsed: the table, then each gap with its examples. */
function addedPart(d: DatasetReport, withExamples: boolean, fileUrl: FileUrl): string | null {
  const c = d.realism?.existingVsAdded ?? null
  if (c === null) return null
  const value = finite(c.separability)
  const gaps = c.gaps.length
  const summary =
    `Added rows against the rows already there in <code>${escapeHtml(d.name)}</code>: ` +
    (value === null
      ? 'separability not measured'
      : `separability ${formatSeparability(value)} (${separabilityWords(value)})`) +
    `, ${gaps === 0 ? 'no gaps' : `${formatCount(gaps)} ${gaps === 1 ? 'gap' : 'gaps'}`}`
  const body: string[] = [`${capitalised(sampleNote(c, false))}.`, comparisonTable(c, false)]
  if (withExamples) {
    for (const gap of c.gaps)
      body.push(`**${escapeInline(gap.sentence)}**\n\n${gapExamples(gap, c, fileUrl)}`)
  }
  return details(summary, body.join('\n\n'))
}

/** One dataset's realism section, or null when it has nothing to compare. */
export function realismSection(d: DatasetReport, withExamples: boolean, fileUrl: FileUrl): string | null {
  const parts = [syntheticPart(d, withExamples, fileUrl), addedPart(d, withExamples, fileUrl)].filter(
    (p): p is string => p !== null
  )
  return parts.length === 0 ? null : parts.join('\n\n')
}

/** Whether a dataset's realism section has example rows to drop when the report must shrink. */
export function hasRealismExamples(d: DatasetReport): boolean {
  const realism = d.realism ?? null
  if (realism === null) return false
  return [realism.realVsSynthetic, realism.existingVsAdded].some(c => (c?.gaps.length ?? 0) > 0)
}

export function realismBlock(sections: string[]): string | null {
  return sections.length === 0 ? null : `### Realism\n\n${REALISM_EXPLAINED}\n\n${sections.join('\n\n')}`
}

// --- Eval-set leakage ---

function leakageOf(d: DatasetReport): Leakage | null {
  return d.leakage ?? null
}

/** One table row per dataset checked against eval sets, or null. */
export function leakageRow(d: DatasetReport): string[] | null {
  const leakage = leakageOf(d)
  if (leakage === null) return null
  return [
    codeSpan(d.name),
    formatCount(leakage.checked),
    formatCount(leakage.exact),
    formatCount(leakage.normalised),
    formatCount(leakage.nearDuplicate)
  ]
}

/** The leaks of one dataset with both locations, collapsed; null when it has none. */
export function leakExamples(d: DatasetReport, fileUrl: FileUrl): string | null {
  const leakage = leakageOf(d)
  if (leakage === null) return null
  const total = leakage.exact + leakage.normalised + leakage.nearDuplicate
  if (total === 0) return null
  const lines = leakage.leaks.slice(0, LEAKS_SHOWN).map(leak => {
    const row = linkTo(codeSpan(`${leak.row.file}:${leak.row.line}`), fileUrl?.(leak.row.file, leak.row.line))
    const evalRow = linkTo(
      codeSpan(`${leak.evalRow.file}:${leak.evalRow.line}`),
      fileUrl?.(leak.evalRow.file, leak.evalRow.line)
    )
    const similarity =
      leak.kind === 'near-duplicate'
        ? ` (template similarity ${formatDecimal(finite(leak.similarity), 2)})`
        : ''
    const verb = leak.kind === 'near-duplicate' ? 'resembles' : 'repeats'
    return `- **${escapeInline(leak.kind)}** ${row} ${verb} ${evalRow} of ${codeSpan(leak.evalSet)}${similarity}: ${escapeInline(leak.text, EXAMPLE_TEXT_MAX_LENGTH)}`
  })
  const more = total - lines.length
  if (more > 0) lines.push(`- …and ${formatCount(more)} more (the JSON report lists up to 50 of each kind).`)
  return details(`Leaks in <code>${escapeHtml(d.name)}</code>: ${formatCount(total)}`, lines.join('\n'))
}

/** The eval sets the datasets were checked against, named once each, with their rows at head. */
export function leakageIntro(datasets: readonly DatasetReport[]): string | null {
  const sets = new Map<string, number>()
  for (const d of datasets)
    for (const set of leakageOf(d)?.evalSets ?? []) if (!sets.has(set.name)) sets.set(set.name, set.rows)
  if (sets.size === 0) return null
  const names = [...sets].map(([name, rows]) =>
    rows > 0
      ? `${codeSpan(name)} (${formatCount(rows)} rows)`
      : `${codeSpan(name)} (no rows at head: check its paths)`
  )
  return (
    `Added rows checked against the eval sets ${names.join(', ')}. Exact and normalised matches repeat an eval ` +
    "row's input (normalised: ignoring case, white space and Unicode form); a near-duplicate shares most of its " +
    'template (reworded, or the same question with other numbers or names).'
  )
}

export function leakageBlock(intro: string | null, rows: string[][], examples: string[]): string | null {
  if (rows.length === 0) return null
  const parts = ['### Eval-set leakage']
  if (intro !== null) parts.push(intro)
  parts.push(
    table(
      ['Dataset', 'Added rows checked', 'Exact', 'Normalised', 'Near-duplicate'],
      ['left', 'right', 'right', 'right', 'right'],
      rows
    )
  )
  parts.push(...examples)
  return parts.join('\n\n')
}
