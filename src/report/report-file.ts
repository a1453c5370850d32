// Reading a report written by another run: the `publish` mode's input, the artifact of the `analyse` stage.
// That run executed the pull request's code, so the file is untrusted input: it is parsed as JSON only (never
// evaluated or used as a path), checked against the shape of a Report with hard caps on every list and string,
// stripped of unknown keys, and then rendered through the same escaping as a report made here.

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import type { Report } from '../types.js'

/** A real report is well under a megabyte (findings are capped per dataset); far larger is an attack or a mistake. */
export const REPORT_FILE_MAX_BYTES = 32 * 1024 * 1024

// Caps far above what the analysis writes, so a genuine report always passes and a crafted one cannot make the
// renderer or the API calls do unbounded work.
const MAX_DATASETS = 1000
const MAX_FINDINGS = 1000
const MAX_PATTERNS = 100
const MAX_EXAMPLES = 100
const MAX_RESULTS = 20_000
const MAX_PARAMETERS = 100
/** A realism comparison has 11 features and at most as many gaps. */
const MAX_FEATURES = 64
const MAX_EVAL_SETS = 1000
const MAX_TEXT = 10_000
const MAX_NAME = 4096
const MAX_SHORT = 200
/** Problems listed in the error; the first few are enough to see what is wrong. */
const PROBLEMS_SHOWN = 10

const text = (maxLength = MAX_TEXT) => ({ type: 'string', maxLength })
const count = { type: 'integer', minimum: 0 }
const nullableNumber = { type: ['number', 'null'] }
const enumOf = (values: readonly string[]) => ({ type: 'string', enum: values })
const object = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false
})
const list = (items: unknown, maxItems: number) => ({ type: 'array', items, maxItems })

// A repository path: relative, no `..` segment, no NUL. It ends up in annotations and in link URLs.
const repoPath = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_NAME,
  pattern: '^(?!/)(?!(?:.*/)?\\.\\.(?:/|$))[^\\u0000]+$'
}
const sha = { type: 'string', pattern: '^(?:[0-9a-f]{40}|[0-9a-f]{64})$' }
const rowRef = object({ file: repoPath, line: { type: 'integer', minimum: 1 } })
const provenanceMix = object({
  real: count,
  synthetic: count,
  unknown: count,
  realFraction: nullableNumber,
  unknownFraction: nullableNumber
})
const pattern = object(
  {
    templateKey: text(),
    size: count,
    variants: count,
    examples: list(rowRef, MAX_EXAMPLES),
    exampleTexts: list(text(), MAX_EXAMPLES),
    existedAtBase: { type: 'boolean' }
  },
  ['templateKey', 'size', 'variants', 'examples', 'exampleTexts']
)
const side = {
  anyOf: [
    { type: 'null' },
    object({
      files: list(repoPath, MAX_FINDINGS),
      rows: count,
      invalidRows: count,
      unique: object({ exact: count, normalised: count, canonical: count, template: count, pattern: count }),
      uniquePatternRatio: nullableNumber,
      effectivePatterns: nullableNumber,
      mix: provenanceMix,
      syntheticUniquePatternRatio: nullableNumber,
      diversity: object({ compressionRatio: nullableNumber, distinct2: nullableNumber }),
      largestPatterns: list(pattern, MAX_PATTERNS)
    })
  ]
}
const change = object({
  added: count,
  removed: count,
  unchanged: count,
  changed: count,
  duplicatesOfExisting: count,
  duplicateShare: nullableNumber,
  inExistingPatterns: count,
  newPatterns: count,
  novelPatternRatio: nullableNumber,
  addedUniquePatternRatio: nullableNumber,
  addedMix: provenanceMix,
  largestAddedPatterns: list(pattern, MAX_PATTERNS),
  duplicateExamples: list(rowRef, MAX_EXAMPLES)
})
const finding = object(
  {
    kind: enumOf(['invalid-row', 'invalid-file', 'lfs-pointer', 'skipped-file']),
    file: repoPath,
    line: { type: 'integer', minimum: 1 },
    message: text(),
    side: enumOf(['base', 'head'])
  },
  ['kind', 'file', 'message', 'side']
)
const number = { type: 'number' }
const examples = {
  examplesA: list(rowRef, MAX_EXAMPLES),
  examplesB: list(rowRef, MAX_EXAMPLES),
  exampleTextsA: list(text(), MAX_EXAMPLES),
  exampleTextsB: list(text(), MAX_EXAMPLES)
}
const featureComparison = object({
  feature: text(MAX_SHORT),
  description: text(MAX_SHORT),
  kind: enumOf(['rate', 'length']),
  a: number,
  b: number,
  divergence: number,
  ...examples
})
const gap = object({ feature: text(MAX_SHORT), sentence: text(), divergence: number, ...examples })
const comparison = {
  anyOf: [
    { type: 'null' },
    object({
      labelA: text(MAX_SHORT),
      labelB: text(MAX_SHORT),
      rowsA: count,
      rowsB: count,
      sampledA: count,
      sampledB: count,
      features: list(featureComparison, MAX_FEATURES),
      vocabularyDivergence: number,
      separability: nullableNumber,
      gaps: list(gap, MAX_FEATURES)
    })
  ]
}
const realism = {
  anyOf: [
    { type: 'null' },
    object({
      sampleSize: count,
      baseline: { enum: ['real', 'reference', 'none', null] },
      reference: { type: ['string', 'null'], maxLength: MAX_NAME },
      realVsSynthetic: comparison,
      existingVsAdded: comparison
    })
  ]
}
const leak = object({
  kind: enumOf(['exact', 'normalised', 'near-duplicate']),
  evalSet: text(MAX_NAME),
  row: rowRef,
  text: text(),
  evalRow: rowRef,
  similarity: number
})
const leakage = {
  anyOf: [
    { type: 'null' },
    object({
      evalSets: list(object({ name: text(MAX_NAME), rows: count, ownRows: count }), MAX_EVAL_SETS),
      checked: count,
      exact: count,
      normalised: count,
      nearDuplicate: count,
      leaks: list(leak, MAX_FINDINGS),
      leaksOmitted: count
    })
  ]
}
const datasetProperties = {
  name: text(MAX_NAME),
  status: enumOf(['added', 'deleted', 'modified']),
  format: enumOf(['jsonl', 'json', 'csv', 'tsv', 'parquet', 'mixed']),
  base: side,
  head: side,
  change,
  findings: list(finding, MAX_FINDINGS),
  findingsOmitted: count,
  realism,
  leakage
}
// A report written before the realism report and eval sets existed has neither key; the renderers read a missing
// one as null.
const dataset = object(
  datasetProperties,
  Object.keys(datasetProperties).filter(key => key !== 'realism' && key !== 'leakage')
)
const ruleResult = object(
  {
    rule: text(MAX_SHORT),
    dataset: text(MAX_NAME),
    metric: text(MAX_SHORT),
    value: nullableNumber,
    baseValue: nullableNumber,
    comparator: enumOf(['>=', '<=']),
    threshold: { type: 'number' },
    unit: enumOf(['ratio', 'percent', 'count']),
    level: enumOf(['fail', 'warn']),
    outcome: enumOf(['pass', 'warn', 'fail', 'skipped']),
    note: text(MAX_TEXT)
  },
  ['rule', 'dataset', 'metric', 'value', 'comparator', 'threshold', 'unit', 'level', 'outcome']
)
const commit = object({ ref: text(MAX_NAME), sha })

/** The shape of a Report, as JSON Schema. Exported for tests that check it stays in step with types.ts. */
export const reportSchema = object({
  tool: object({ name: { const: 'dataset-guard' }, version: text(MAX_SHORT) }),
  base: commit,
  head: commit,
  datasets: list(dataset, MAX_DATASETS),
  verdict: object({
    conclusion: enumOf(['success', 'failure', 'neutral']),
    passed: { type: 'boolean' },
    headline: text(),
    results: list(ruleResult, MAX_RESULTS),
    failures: count,
    warnings: count
  }),
  parameters: {
    type: 'object',
    maxProperties: MAX_PARAMETERS,
    propertyNames: { maxLength: MAX_SHORT },
    additionalProperties: { type: ['number', 'string', 'boolean'], maxLength: MAX_SHORT }
  }
})

export class ReportFileError extends Error {
  override readonly name = 'ReportFileError'
}

// Unknown keys are removed, not rejected, so a report from a newer analyse stage still publishes; they are
// never read, so they cannot carry anything to the output. (`removeAdditional: true` removes them wherever a
// schema says `additionalProperties: false`, which every object but `parameters` does.)
//
// Compiled on first use, not when the module loads: the CLI and the action load this module at start, and so does
// their reading thread (the same bundle), and compiling took 0.15-0.19 s of each start (timed on this module
// alone). Only the publish mode parses a report file.
let validator: ValidateFunction<Report> | null = null

function validate(data: unknown): data is Report {
  validator ??= new Ajv({ allErrors: true, removeAdditional: true, strict: false }).compile<Report>(
    reportSchema
  )
  return validator(data)
}

function problem(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(the top level)' : error.instancePath
  return `${where} ${error.message ?? 'is invalid'}`
}

/**
 * A lone surrogate (half of a UTF-16 pair, which a dataset's JSON can hold as an escape), or a pair's halves
 * in the wrong order.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
const REPLACEMENT_CHARACTER = '\uFFFD'

/**
 * The text of a report file (`--json`, the action's report-file output): indented JSON with every string made
 * well-formed, a lone surrogate replaced by U+FFFD. Example texts come from the dataset, and JSON.stringify
 * writes a lone surrogate as an escape that strict parsers (jq, serde_json) refuse, so one odd row made the
 * whole file unreadable to them.
 */
export function reportFileText(report: Report): string {
  const json = JSON.stringify(
    report,
    (_, value: unknown) =>
      typeof value === 'string' ? value.replace(LONE_SURROGATE, REPLACEMENT_CHARACTER) : value,
    2
  )
  return `${json}\n`
}

/**
 * A report file's contents as a Report, or a ReportFileError that says what is wrong. The text must be JSON,
 * within REPORT_FILE_MAX_BYTES, and match the shape of a Report within its caps.
 */
export function parseReportFile(content: string): Report {
  if (Buffer.byteLength(content, 'utf8') > REPORT_FILE_MAX_BYTES) {
    throw new ReportFileError(`The report file is larger than ${REPORT_FILE_MAX_BYTES} bytes`)
  }
  let data: unknown
  try {
    data = JSON.parse(content)
  } catch {
    // JSON.parse quotes the text around the error, and the text is not ours to print.
    throw new ReportFileError('The report file is not valid JSON')
  }
  if (!validate(data)) {
    const problems = (validator?.errors ?? []).slice(0, PROBLEMS_SHOWN).map(problem)
    throw new ReportFileError(`The report file is not a dataset-guard report: ${problems.join('; ')}`)
  }
  return data
}
