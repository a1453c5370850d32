// The markdown report: the sticky PR comment, the check-run summary and the job summary all use it. Pure: a
// Report in, a string out. Every piece of dataset text passes through escape.ts on its way in.

import type {
  DatasetReport,
  Finding,
  PatternSummary,
  Report,
  RuleOutcome,
  RuleResult,
  SideMetrics
} from '../types.js'
import { codeSpan, escapeHtml, escapeInline, linkTo, mermaidText } from './escape.js'
import {
  formatAddedRemoved,
  formatChange,
  formatCount,
  formatDecimal,
  formatPercent,
  formatRatio,
  formatRuleChange,
  formatThreshold,
  shortSha
} from './format.js'
import { details, table, type Align } from './markdown-blocks.js'
import {
  hasRealismExamples,
  leakageBlock,
  leakageIntro,
  leakageRow,
  leakExamples,
  realismBlock,
  realismSection
} from './realism-markdown.js'

/** GitHub rejects an issue comment over 65,536 characters; bytes are never fewer than characters. */
export const COMMENT_MAX_BYTES = 65_000
/** GitHub drops a job summary over 1 MiB; this leaves room for whatever else the job writes. */
export const SUMMARY_MAX_BYTES = 1_000_000
export const DEFAULT_MARKER = '<!-- dataset-guard -->'

export interface MarkdownOptions {
  /** Budget in UTF-8 bytes; sections are left out, least useful first, until the report fits. */
  maxBytes?: number
  links?: {
    /** A link to a line of a file at the head commit. */
    fileUrl?: (file: string, line: number) => string
    checkRunUrl?: string
  }
  /** The hidden comment that marks our sticky comment, so it is updated instead of posted again. */
  marker?: string
}

// Enough to explain the failures in a long findings list without turning the comment into a log.
const FINDINGS_SHOWN = 50
const EXAMPLES_PER_PATTERN = 3
// Analysis decides how many patterns it keeps; this only guards the comment against a long list.
const PATTERNS_SHOWN = 10
// A pie per dataset reads well for a handful of datasets and becomes noise after that; the table has them all.
const MIX_CHARTS_SHOWN = 6
const HEADLINE_MAX_LENGTH = 300
const NOTE_MAX_LENGTH = 200
const MESSAGE_MAX_LENGTH = 240
const EXAMPLE_TEXT_MAX_LENGTH = 120

const TITLE: Record<'passed' | 'failed' | 'none', string> = {
  passed: '✅ passed',
  failed: '❌ failed',
  none: '⚪ no dataset changed'
}

const OUTCOME_ICON: Record<RuleOutcome, string> = { pass: '✅', warn: '⚠️', fail: '❌', skipped: '⏭️' }
// When rule rows must be cut, the ones that explain the verdict stay.
const OUTCOME_PRIORITY: Record<RuleOutcome, number> = { fail: 0, warn: 1, skipped: 2, pass: 3 }

const UNIQUE_PATTERN_RATIO_EXPLAINED =
  'Unique-pattern ratio = distinct patterns / rows: 1.00 means every row is its own pattern; ' +
  '0.01 means one pattern per hundred rows.'

function markerComment(marker: string | undefined): string {
  if (marker === undefined) return DEFAULT_MARKER
  const inner = marker
    .replace(/^\s*<!--/, '')
    .replace(/-->\s*$/, '')
    .replace(/--|[<>]/g, '')
    .trim()
  return `<!-- ${inner} -->`
}

function titleState(report: Report): keyof typeof TITLE {
  if (report.verdict.conclusion === 'failure') return 'failed'
  return report.datasets.length === 0 ? 'none' : 'passed'
}

function headerBlock(report: Report, marker: string): string {
  const lines = [marker, `## dataset-guard: ${TITLE[titleState(report)]}`]
  // The gate's headline already counts further failures and warnings.
  const escaped = escapeInline(report.verdict.headline.trim(), HEADLINE_MAX_LENGTH)
  // Empty bold (`****`) alone on a line would render as a horizontal rule.
  return escaped.length > 0 ? `${lines.join('\n')}\n\n**${escaped}**` : lines.join('\n')
}

function ruleRow(r: RuleResult): string[] {
  const level = r.level === 'warn' ? ' (warn)' : ''
  const note =
    r.note !== undefined && r.note.trim().length > 0 ? ` — ${escapeInline(r.note, NOTE_MAX_LENGTH)}` : ''
  return [
    codeSpan(r.dataset),
    escapeInline(r.metric),
    formatRuleChange(r),
    `${formatThreshold(r)}${level}`,
    `${OUTCOME_ICON[r.outcome] ?? ''} ${escapeInline(r.outcome)}${note}`
  ]
}

function rulesBlock(rows: string[][]): string {
  return `### Gate\n\n${table(
    ['Dataset', 'Metric', `Base → head`, 'Threshold', 'Outcome'],
    ['left', 'left', 'right', 'right', 'left'],
    rows
  )}`
}

function realCell(d: DatasetReport): string {
  const real = formatChange(d.base?.mix.realFraction, d.head?.mix.realFraction, formatPercent)
  const unknown = d.head?.mix.unknownFraction
  return unknown !== null && unknown !== undefined && unknown > 0
    ? `${real} (unknown ${formatPercent(unknown)})`
    : real
}

function datasetRow(d: DatasetReport): string[] {
  const rows = formatChange(d.base?.rows, d.head?.rows, formatCount)
  return [
    codeSpan(d.name),
    escapeInline(d.status),
    `${rows} (${formatAddedRemoved(d.change.added, d.change.removed)})`,
    formatChange(d.base?.uniquePatternRatio, d.head?.uniquePatternRatio, formatRatio),
    formatRatio(d.change.novelPatternRatio),
    realCell(d)
  ]
}

function datasetsBlock(rows: string[][]): string {
  const header = [
    'Dataset',
    'Status',
    'Rows (base → head)',
    'Unique-pattern ratio',
    'Novel patterns in added rows'
  ]
  return `### Datasets\n\n${table(
    [...header, 'Real'],
    ['left', 'left', 'right', 'right', 'right', 'right'],
    rows
  )}\n\n${UNIQUE_PATTERN_RATIO_EXPLAINED}`
}

function mixChart(d: DatasetReport, head: SideMetrics): string | null {
  const slices = (['real', 'synthetic', 'unknown'] as const).filter(k => head.mix[k] > 0)
  if (slices.length === 0) return null
  const lines = ['```mermaid', 'pie showData', `    title ${mermaidText(d.name)} at head`]
  for (const k of slices) lines.push(`    "${k}" : ${Math.round(head.mix[k])}`)
  lines.push('```')
  return lines.join('\n')
}

function mixBlock(charts: string[], moreDatasets: boolean): string | null {
  if (charts.length === 0) return null
  const note = moreDatasets
    ? `\n\nCharts for the first ${formatCount(MIX_CHARTS_SHOWN)} datasets of the table.`
    : ''
  return `### Real / synthetic mix\n\n${charts.join('\n\n')}${note}`
}

function atBase(p: PatternSummary): string {
  if (p.existedAtBase === undefined) return '—'
  return p.existedAtBase ? 'existing' : 'new'
}

function exampleCell(
  p: PatternSummary,
  fileUrl: ((file: string, line: number) => string) | undefined
): string {
  const items: string[] = []
  p.examples.slice(0, EXAMPLES_PER_PATTERN).forEach((ref, i) => {
    const label = codeSpan(`${ref.file}:${ref.line}`)
    const text = p.exampleTexts[i]
    const link = linkTo(label, fileUrl?.(ref.file, ref.line))
    items.push(text === undefined ? link : `${link} ${escapeInline(text, EXAMPLE_TEXT_MAX_LENGTH)}`)
  })
  return items.join('<br>')
}

function patternsBlock(d: DatasetReport, withExamples: boolean, options: MarkdownOptions): string | null {
  const patterns = d.change.largestAddedPatterns.slice(0, PATTERNS_SHOWN)
  if (patterns.length === 0) return null
  const header = ['Rows', 'Variants', 'At base', 'Template key']
  const align: Align[] = ['right', 'right', 'left', 'left']
  if (withExamples) {
    header.push('Examples')
    align.push('left')
  }
  const rows = patterns.map(p => {
    const cells = [formatCount(p.size), formatCount(p.variants), atBase(p), codeSpan(p.templateKey)]
    if (withExamples) cells.push(exampleCell(p, options.links?.fileUrl))
    return cells
  })
  return details(
    `Largest patterns in the added rows: <code>${escapeHtml(d.name)}</code>`,
    table(header, align, rows)
  )
}

function cascadeBlock(d: DatasetReport): string | null {
  if (d.base === null && d.head === null) return null
  const measure = (label: string, pick: (s: SideMetrics) => string): string[] => [
    label,
    d.base === null ? '—' : pick(d.base),
    d.head === null ? '—' : pick(d.head)
  ]
  const rows = [
    measure('Rows', s => formatCount(s.rows)),
    measure('Unique exact texts', s => formatCount(s.unique.exact)),
    measure('Unique normalised texts', s => formatCount(s.unique.normalised)),
    measure('Unique canonical texts', s => formatCount(s.unique.canonical)),
    measure('Unique template keys', s => formatCount(s.unique.template)),
    measure('Patterns', s => formatCount(s.unique.pattern)),
    measure('Effective number of patterns', s => formatDecimal(s.effectivePatterns, 1)),
    measure('Unique-pattern ratio', s => formatRatio(s.uniquePatternRatio)),
    measure('Unique-pattern ratio, synthetic rows only', s => formatRatio(s.syntheticUniquePatternRatio)),
    measure('Compression ratio (higher is more repetitive)', s => formatRatio(s.diversity.compressionRatio)),
    measure('Distinct-2', s => formatRatio(s.diversity.distinct2))
  ]
  return details(
    `Cascade and diversity: <code>${escapeHtml(d.name)}</code>`,
    table(['Measure', 'Base', 'Head'], ['left', 'right', 'right'], rows)
  )
}

interface FindingEntry {
  dataset: string
  finding: Finding
}

function findingLine(entry: FindingEntry, options: MarkdownOptions): string {
  const f = entry.finding
  const where = f.line === undefined ? f.file : `${f.file}:${f.line}`
  const fileUrl = options.links?.fileUrl
  // Links point at the head commit, so a base-side finding gets no link rather than a wrong one.
  const url =
    f.side === 'head' && f.line !== undefined && fileUrl !== undefined ? fileUrl(f.file, f.line) : undefined
  const location = linkTo(codeSpan(where), url)
  return `- **${escapeInline(f.kind)}** ${location} (${escapeInline(f.side)}, ${codeSpan(entry.dataset)}): ${escapeInline(
    f.message,
    MESSAGE_MAX_LENGTH
  )}`
}

function findingsBlock(report: Report, options: MarkdownOptions): string | null {
  const entries: FindingEntry[] = []
  let kept = 0
  let omitted = 0
  for (const d of report.datasets) {
    kept += d.findings.length
    omitted += d.findingsOmitted
    for (const finding of d.findings) {
      if (entries.length < FINDINGS_SHOWN) entries.push({ dataset: d.name, finding })
    }
  }
  const total = kept + omitted
  if (total === 0) return null
  const lines = entries.map(e => findingLine(e, options))
  const inJson = kept - entries.length
  if (omitted > 0) {
    lines.push(
      `- …and ${formatCount(total - entries.length)} more: ${formatCount(inJson)} in the JSON report, ${formatCount(omitted)} only counted.`
    )
  } else if (inJson > 0) lines.push(`- …and ${formatCount(inJson)} more in the JSON report.`)
  return details(`Findings (${formatCount(total)})`, lines.join('\n'))
}

function checkRunBlock(options: MarkdownOptions): string | null {
  const url = options.links?.checkRunUrl
  if (url === undefined) return null
  const link = linkTo('the check run', url)
  return link === 'the check run' ? null : `Annotations and the full report: ${link}.`
}

function footerBlock(report: Report): string {
  const base = shortSha(report.base.sha)
  const head = shortSha(report.head.sha)
  const commits =
    base.length > 0 || head.length > 0 ? ` · base <code>${base}</code> → head <code>${head}</code>` : ''
  return `<sub>${escapeInline(report.tool.name)} ${escapeInline(report.tool.version, 40)}${commits}</sub>`
}

/** What to include; the renderer lowers these, in order, until the report fits its budget. */
interface Plan {
  /** Example rows of the realism gaps and the eval-set leaks. */
  realismExamples: boolean
  examples: boolean
  findings: boolean
  /** Datasets (from the first) whose pattern and cascade sections are kept. */
  detailDatasets: number
  /** Datasets (from the first) whose realism section is kept. */
  realismDatasets: number
  /** Datasets (from the first) that keep their row in the datasets table. */
  datasetRows: number
  /** Rule rows kept, most important first. */
  ruleRows: number
}

/** Everything escaped and formatted once, so trying a plan is only a join. */
interface Parts {
  header: string
  ruleRows: string[][]
  /** Rule indices, most important first. */
  ruleOrder: number[]
  datasetRows: string[][]
  charts: (string | null)[]
  patternsWithExamples: (string | null)[]
  patternsWithoutExamples: (string | null)[]
  cascades: (string | null)[]
  realismWithExamples: (string | null)[]
  realismWithoutExamples: (string | null)[]
  leakageIntro: string | null
  leakageRows: (string[] | null)[]
  leakExamples: (string | null)[]
  findings: string | null
  checkRun: string | null
  footer: string
  hasExamples: boolean
  hasRealismExamples: boolean
}

function partsOf(report: Report, options: MarkdownOptions): Parts {
  const results = report.verdict.results
  const ruleOrder = results
    .map((r, i) => ({ i, p: OUTCOME_PRIORITY[r.outcome] }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map(x => x.i)
  const leaks = report.datasets.map(d => leakExamples(d, options.links?.fileUrl))
  return {
    header: headerBlock(report, markerComment(options.marker)),
    ruleRows: results.map(ruleRow),
    ruleOrder,
    datasetRows: report.datasets.map(datasetRow),
    charts: report.datasets
      .slice(0, MIX_CHARTS_SHOWN)
      .map(d => (d.head === null ? null : mixChart(d, d.head))),
    patternsWithExamples: report.datasets.map(d => patternsBlock(d, true, options)),
    patternsWithoutExamples: report.datasets.map(d => patternsBlock(d, false, options)),
    cascades: report.datasets.map(cascadeBlock),
    realismWithExamples: report.datasets.map(d => realismSection(d, true, options.links?.fileUrl)),
    realismWithoutExamples: report.datasets.map(d => realismSection(d, false, options.links?.fileUrl)),
    leakageIntro: leakageIntro(report.datasets),
    leakageRows: report.datasets.map(leakageRow),
    leakExamples: leaks,
    findings: findingsBlock(report, options),
    checkRun: checkRunBlock(options),
    footer: footerBlock(report),
    hasExamples: report.datasets.some(d =>
      d.change.largestAddedPatterns.slice(0, PATTERNS_SHOWN).some(p => p.examples.length > 0)
    ),
    hasRealismExamples: report.datasets.some(hasRealismExamples) || leaks.some(l => l !== null)
  }
}

function trimNote(parts: Parts, plan: Plan, full: Plan): string | null {
  const left: string[] = []
  if (full.realismExamples && !plan.realismExamples)
    left.push('example rows of the realism gaps and eval-set leaks')
  if (full.examples && !plan.examples) left.push('example rows of the largest patterns')
  if (full.findings && !plan.findings) left.push('the findings list')
  const withDetails = (upTo: number) =>
    parts.cascades.slice(0, upTo).filter((c, i) => c !== null || parts.patternsWithoutExamples[i] !== null)
      .length
  const detailsLeft = withDetails(full.detailDatasets) - withDetails(plan.detailDatasets)
  if (detailsLeft > 0) left.push(`pattern and cascade details of ${formatCount(detailsLeft)} datasets`)
  const withRealism = (upTo: number) =>
    parts.realismWithoutExamples.slice(0, upTo).filter(r => r !== null).length
  const realismLeft = withRealism(full.realismDatasets) - withRealism(plan.realismDatasets)
  if (realismLeft > 0) left.push(`the realism sections of ${formatCount(realismLeft)} datasets`)
  if (plan.datasetRows < full.datasetRows) {
    left.push(
      `${formatCount(full.datasetRows - plan.datasetRows)} of ${formatCount(full.datasetRows)} dataset rows`
    )
  }
  if (plan.ruleRows < full.ruleRows) {
    left.push(`${formatCount(full.ruleRows - plan.ruleRows)} of ${formatCount(full.ruleRows)} gate results`)
  }
  if (left.length === 0) return null
  return `**Left out to stay under GitHub's size limit:** ${left.join('; ')}. The JSON report has everything.`
}

function assemble(parts: Parts, plan: Plan, full: Plan): string {
  const blocks: (string | null)[] = [parts.header]
  if (parts.ruleRows.length > 0) {
    const kept = new Set(parts.ruleOrder.slice(0, plan.ruleRows))
    const rows = parts.ruleRows.filter((_, i) => kept.has(i))
    if (rows.length > 0) blocks.push(rulesBlock(rows))
  }
  if (plan.datasetRows > 0) {
    blocks.push(datasetsBlock(parts.datasetRows.slice(0, plan.datasetRows)))
    const charts = parts.charts.slice(0, plan.datasetRows).filter((c): c is string => c !== null)
    blocks.push(mixBlock(charts, plan.datasetRows > MIX_CHARTS_SHOWN))
  }
  const realism = plan.realismExamples ? parts.realismWithExamples : parts.realismWithoutExamples
  blocks.push(realismBlock(realism.slice(0, plan.realismDatasets).filter((r): r is string => r !== null)))
  const leakRows = parts.leakageRows.slice(0, plan.datasetRows).filter((r): r is string[] => r !== null)
  const leaks = plan.realismExamples
    ? parts.leakExamples.slice(0, plan.datasetRows).filter((l): l is string => l !== null)
    : []
  blocks.push(leakageBlock(parts.leakageIntro, leakRows, leaks))
  const patterns = plan.examples ? parts.patternsWithExamples : parts.patternsWithoutExamples
  for (let i = 0; i < plan.detailDatasets; i++) blocks.push(patterns[i] ?? null, parts.cascades[i] ?? null)
  if (plan.findings) blocks.push(parts.findings)
  blocks.push(parts.checkRun, trimNote(parts, plan, full), parts.footer)
  return `${blocks.filter((b): b is string => b !== null).join('\n\n')}\n`
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/** The largest n in [0, max] for which fits(n) holds, assuming it holds for every smaller n once it does. */
function largestFitting(max: number, fits: (n: number) => boolean): number {
  let lo = 0
  let hi = max
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (fits(mid)) lo = mid
    else hi = mid - 1
  }
  return lo
}

/**
 * The report as GitHub-flavoured markdown, at most `maxBytes` UTF-8 bytes. When it does not fit, whole sections
 * are left out in this order: example rows (of the realism gaps and leaks, then of the patterns), the findings
 * list, per-dataset pattern and cascade sections (last dataset first), per-dataset realism sections (last
 * first), dataset table rows (and their leakage rows) beyond the first few, then passing and skipped gate rows;
 * a note says what was left out. Tables and HTML elements are never cut.
 */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const maxBytes = options.maxBytes ?? COMMENT_MAX_BYTES
  const parts = partsOf(report, options)
  const n = report.datasets.length
  const full: Plan = {
    realismExamples: parts.hasRealismExamples,
    examples: parts.hasExamples,
    findings: parts.findings !== null,
    detailDatasets: n,
    realismDatasets: n,
    datasetRows: n,
    ruleRows: parts.ruleRows.length
  }
  const fits = (plan: Plan) => byteLength(assemble(parts, plan, full)) <= maxBytes

  let plan = { ...full }
  if (fits(plan)) return assemble(parts, plan, full)
  plan = { ...plan, realismExamples: false }
  if (fits(plan)) return assemble(parts, plan, full)
  plan = { ...plan, examples: false }
  if (fits(plan)) return assemble(parts, plan, full)
  plan = { ...plan, findings: false }
  if (fits(plan)) return assemble(parts, plan, full)

  plan.detailDatasets = largestFitting(n, k => fits({ ...plan, detailDatasets: k }))
  if (!fits(plan)) plan.realismDatasets = largestFitting(n, k => fits({ ...plan, realismDatasets: k }))
  if (!fits(plan)) {
    plan.datasetRows = largestFitting(n, k => fits({ ...plan, datasetRows: k }))
    if (!fits(plan)) plan.ruleRows = largestFitting(full.ruleRows, k => fits({ ...plan, ruleRows: k }))
  }
  const text = assemble(parts, plan, full)
  if (byteLength(text) <= maxBytes) return text

  // Only a budget smaller than the header itself gets here; the marker and title are what the caller needs.
  const minimal = `${markerComment(options.marker)}\n## dataset-guard: ${TITLE[titleState(report)]}\n`
  return byteLength(minimal) <= maxBytes ? minimal : ''
}
