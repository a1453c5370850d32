// The CLI's report: compact plain text, coloured only when asked. Dataset text goes through plainText, so a row
// holding ESC sequences cannot recolour, move the cursor in, retitle or clear the reader's terminal.

import type { DatasetReport, RealismComparison, Report, RuleOutcome, RuleResult } from '../types.js'
import { plainText } from './escape.js'
import {
  formatAddedRemoved,
  formatChange,
  formatCount,
  formatPercent,
  formatRatio,
  formatRuleChange,
  formatSeparability,
  formatThreshold,
  separabilityWords,
  shortSha
} from './format.js'

export interface TerminalOptions {
  color: boolean
}

const TOP_PATTERNS = 3
const TOP_GAPS = 3
const GAP_MAX_LENGTH = 160
const FINDINGS_SHOWN = 5
const NAME_MAX_LENGTH = 120
const KEY_MAX_LENGTH = 100
const MESSAGE_MAX_LENGTH = 200
const INDENT = '  '

type Style = 'red' | 'green' | 'yellow' | 'dim' | 'bold'
const SGR: Record<Style, string> = { red: '31', green: '32', yellow: '33', dim: '2', bold: '1' }

const MARK: Record<RuleOutcome, string> = { pass: '✓', warn: '!', fail: '✗', skipped: '-' }
const OUTCOME_STYLE: Record<RuleOutcome, Style> = {
  pass: 'green',
  warn: 'yellow',
  fail: 'red',
  skipped: 'dim'
}

function painter(color: boolean) {
  return (style: Style, text: string) => (color ? `\x1b[${SGR[style]}m${text}\x1b[0m` : text)
}

function verdictLine(report: Report, paint: ReturnType<typeof painter>): string {
  const { verdict } = report
  // The gate's headline already counts further failures and warnings.
  const headline = plainText(verdict.headline, MESSAGE_MAX_LENGTH)
  const suffix = headline.length > 0 ? `: ${headline}` : ''
  if (verdict.conclusion === 'failure') return paint('red', `✗ failed${suffix}`)
  if (report.datasets.length === 0) return paint('dim', `- no dataset changed${suffix}`)
  return paint('green', `✓ passed${suffix}`)
}

function ruleLine(r: RuleResult, paint: ReturnType<typeof painter>): string {
  const level = r.level === 'warn' ? ' (warn)' : ''
  const note =
    r.note !== undefined && r.note.trim().length > 0 ? `: ${plainText(r.note, MESSAGE_MAX_LENGTH)}` : ''
  const what = `${plainText(r.dataset, NAME_MAX_LENGTH)}  ${plainText(r.metric)}  ${formatRuleChange(r)}`
  return `${INDENT}${paint(OUTCOME_STYLE[r.outcome], MARK[r.outcome])} ${what}  ${formatThreshold(r)}${level}  ${plainText(r.outcome)}${note}`
}

function mixText(d: DatasetReport): string {
  const real = `real ${formatChange(d.base?.mix.realFraction, d.head?.mix.realFraction, formatPercent)}`
  if (d.head === null) return real
  const { mix } = d.head
  return `${real} (head: ${formatCount(mix.real)} real, ${formatCount(mix.synthetic)} synthetic, ${formatCount(
    mix.unknown
  )} unknown)`
}

function datasetLines(d: DatasetReport, paint: ReturnType<typeof painter>): string[] {
  const lines = [`${INDENT}${paint('bold', plainText(d.name, NAME_MAX_LENGTH))} (${plainText(d.status)})`]
  const rows = `rows ${formatChange(d.base?.rows, d.head?.rows, formatCount)} (${formatAddedRemoved(
    d.change.added,
    d.change.removed
  )})`
  const ratio = `unique-pattern ratio ${formatChange(d.base?.uniquePatternRatio, d.head?.uniquePatternRatio, formatRatio)}`
  const novel = `novel in added ${formatRatio(d.change.novelPatternRatio)}`
  lines.push(`${INDENT}${INDENT}${[rows, ratio, novel].join(' · ')}`)
  lines.push(`${INDENT}${INDENT}${mixText(d)}`)
  const top = d.change.largestAddedPatterns.slice(0, TOP_PATTERNS)
  if (top.length > 0) {
    lines.push(`${INDENT}${INDENT}largest added patterns:`)
    const width = Math.max(...top.map(p => formatCount(p.size).length))
    for (const p of top) {
      const state = p.existedAtBase === undefined ? '' : p.existedAtBase ? ' existing' : ' new'
      lines.push(
        `${INDENT.repeat(3)}${formatCount(p.size).padStart(width)}${paint('dim', state)}  ${plainText(
          p.templateKey,
          KEY_MAX_LENGTH
        )}`
      )
    }
  }
  lines.push(...realismLines(d), ...leakageLines(d))
  return lines
}

function comparisonLine(c: RealismComparison, heading: string): string {
  const value = typeof c.separability === 'number' ? c.separability : null
  const separability =
    value === null
      ? 'separability not measured (fewer than 10 sampled rows a side)'
      : `separability ${formatSeparability(value)} (${separabilityWords(value)})`
  const gaps = c.gaps.length === 0 ? ', no gaps' : ''
  return `${INDENT}${INDENT}${heading}: ${separability}${gaps}`
}

/** Separability and the top gaps of each comparison; a one-sided comparison has neither, so it gets a note. */
function realismLines(d: DatasetReport): string[] {
  const realism = d.realism ?? null
  if (realism === null) return []
  const lines: string[] = []
  const synthetic = realism.realVsSynthetic
  if (synthetic !== null && realism.baseline === 'none') {
    lines.push(
      `${INDENT}${INDENT}realism: no real rows and no realism.reference to compare the synthetic rows with`
    )
  } else if (synthetic !== null) {
    const against =
      realism.baseline === 'reference'
        ? `reference ${plainText(realism.reference ?? '', NAME_MAX_LENGTH)}`
        : 'real'
    lines.push(comparisonLine(synthetic, `realism, ${against} vs synthetic`))
    for (const gap of synthetic.gaps.slice(0, TOP_GAPS)) {
      lines.push(`${INDENT.repeat(3)}${plainText(gap.sentence, GAP_MAX_LENGTH)}`)
    }
  }
  const added = realism.existingVsAdded
  if (added !== null) {
    lines.push(comparisonLine(added, 'realism, existing vs added'))
    for (const gap of added.gaps.slice(0, TOP_GAPS)) {
      lines.push(`${INDENT.repeat(3)}${plainText(gap.sentence, GAP_MAX_LENGTH)}`)
    }
  }
  return lines
}

function leakageLines(d: DatasetReport): string[] {
  const leakage = d.leakage ?? null
  if (leakage === null) return []
  const counts = `${formatCount(leakage.exact)} exact, ${formatCount(leakage.normalised)} normalised, ${formatCount(
    leakage.nearDuplicate
  )} near-duplicate`
  const lines = [
    `${INDENT}${INDENT}eval leaks: ${counts} (of ${formatCount(leakage.checked)} added rows checked)`
  ]
  const first = leakage.leaks[0]
  if (first !== undefined) {
    const where = plainText(`${first.row.file}:${first.row.line}`, NAME_MAX_LENGTH)
    const evalWhere = plainText(`${first.evalRow.file}:${first.evalRow.line}`, NAME_MAX_LENGTH)
    lines.push(
      `${INDENT.repeat(3)}first: ${plainText(first.kind)} ${where} ${first.kind === 'near-duplicate' ? 'resembles' : 'repeats'} ${evalWhere} (${plainText(first.evalSet, NAME_MAX_LENGTH)})`
    )
  }
  return lines
}

function findingsLines(report: Report, paint: ReturnType<typeof painter>): string[] {
  let total = 0
  const shown: string[] = []
  for (const d of report.datasets) {
    total += d.findings.length + d.findingsOmitted
    for (const f of d.findings) {
      if (shown.length >= FINDINGS_SHOWN) break
      const where = plainText(f.line === undefined ? f.file : `${f.file}:${f.line}`, NAME_MAX_LENGTH)
      shown.push(
        `${INDENT}${paint('yellow', plainText(f.kind))} ${where} (${plainText(f.side)}): ${plainText(f.message, MESSAGE_MAX_LENGTH)}`
      )
    }
  }
  if (total === 0) return []
  const lines = [`Findings: ${formatCount(total)}`, ...shown]
  if (total > shown.length) lines.push(`${INDENT}…and ${formatCount(total - shown.length)} more`)
  return lines
}

/** The report as plain text for a terminal; ANSI colour only when `options.color`. */
export function renderTerminal(report: Report, options: TerminalOptions): string {
  const paint = painter(options.color)
  const base = shortSha(report.base.sha)
  const head = shortSha(report.head.sha)
  const version = `${plainText(report.tool.name, 40)} ${plainText(report.tool.version, 40)}`
  const sections: string[][] = [
    [`${paint('dim', `${version} · base ${base || '?'} → head ${head || '?'}`)}`, verdictLine(report, paint)]
  ]
  if (report.verdict.results.length > 0) {
    sections.push(['Gate', ...report.verdict.results.map(r => ruleLine(r, paint))])
  }
  if (report.datasets.length > 0) {
    sections.push(['Datasets', ...report.datasets.flatMap(d => datasetLines(d, paint))])
  }
  const findings = findingsLines(report, paint)
  if (findings.length > 0) sections.push(findings)
  return `${sections.map(s => s.join('\n')).join('\n\n')}\n`
}
