// Hand-built Report objects for the renderer tests: sensible defaults, override only what a test is about.

import type {
  ChangeMetrics,
  DatasetReport,
  Finding,
  Mix,
  PatternSummary,
  Report,
  RuleResult,
  SideMetrics
} from '../../src/types.js'

export function buildMix(real: number, synthetic: number, unknown = 0): Mix {
  const rows = real + synthetic + unknown
  return {
    real,
    synthetic,
    unknown,
    realFraction: real + synthetic === 0 ? null : real / (real + synthetic),
    unknownFraction: rows === 0 ? null : unknown / rows
  }
}

export function buildPattern(overrides: Partial<PatternSummary> = {}): PatternSummary {
  return {
    templateKey: 'what is <n> + <n>',
    size: 120,
    variants: 2,
    examples: [
      { file: 'data/train.jsonl', line: 10 },
      { file: 'data/train.jsonl', line: 11 }
    ],
    exampleTexts: ['What is 2 + 2?', 'What is 7 + 3?'],
    existedAtBase: false,
    ...overrides
  }
}

export function buildSide(overrides: Partial<SideMetrics> = {}): SideMetrics {
  return {
    files: ['data/train.jsonl'],
    rows: 1000,
    invalidRows: 0,
    unique: { exact: 990, normalised: 980, canonical: 950, template: 700, pattern: 520 },
    uniquePatternRatio: 0.52,
    effectivePatterns: 480.25,
    mix: buildMix(700, 300),
    syntheticUniquePatternRatio: 0.2,
    diversity: { compressionRatio: 2.7, distinct2: 0.61 },
    largestPatterns: [buildPattern({ existedAtBase: undefined })],
    ...overrides
  }
}

export function buildChange(overrides: Partial<ChangeMetrics> = {}): ChangeMetrics {
  return {
    added: 250,
    removed: 50,
    unchanged: 950,
    changed: 10,
    duplicatesOfExisting: 5,
    duplicateShare: 0.02,
    inExistingPatterns: 40,
    newPatterns: 3,
    novelPatternRatio: 0.012,
    addedUniquePatternRatio: 0.04,
    addedMix: buildMix(50, 200),
    largestAddedPatterns: [
      buildPattern(),
      buildPattern({ templateKey: 'translate <q> to <propn>', size: 60 })
    ],
    duplicateExamples: [{ file: 'data/train.jsonl', line: 1001 }],
    ...overrides
  }
}

export function buildFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    kind: 'invalid-row',
    file: 'data/train.jsonl',
    line: 7,
    message: 'Unexpected token } in JSON',
    side: 'head',
    ...overrides
  }
}

export function buildDataset(
  name = 'data/train.jsonl',
  overrides: Partial<DatasetReport> = {}
): DatasetReport {
  return {
    name,
    status: 'modified',
    format: 'jsonl',
    base: buildSide(),
    head: buildSide({ rows: 1200, uniquePatternRatio: 0.04, mix: buildMix(750, 400, 50) }),
    change: buildChange(),
    findings: [],
    findingsOmitted: 0,
    ...overrides
  }
}

export function buildRule(overrides: Partial<RuleResult> = {}): RuleResult {
  return {
    rule: 'min-unique-pattern-ratio',
    dataset: 'data/train.jsonl',
    metric: 'unique-pattern ratio',
    value: 0.04,
    baseValue: 0.52,
    comparator: '>=',
    threshold: 0.5,
    level: 'fail',
    outcome: 'fail',
    ...overrides
  }
}

/** A report; `verdict` overrides are merged into a verdict computed from the results. */
export function buildReport(
  overrides: Omit<Partial<Report>, 'verdict'> & { verdict?: Partial<Report['verdict']> } = {}
): Report {
  const { verdict, ...rest } = overrides
  const datasets = overrides.datasets ?? [buildDataset()]
  const results = verdict?.results ?? [
    buildRule(),
    buildRule({
      rule: 'min-real-fraction',
      metric: 'real fraction',
      value: 0.65,
      baseValue: undefined,
      threshold: 0.7,
      level: 'warn',
      outcome: 'warn'
    }),
    buildRule({
      rule: 'max-invalid-rows',
      metric: 'invalid rows',
      value: 0,
      baseValue: undefined,
      comparator: '<=',
      threshold: 0,
      outcome: 'pass'
    }),
    buildRule({
      rule: 'min-novel-pattern-ratio',
      metric: 'novel-pattern ratio',
      value: null,
      baseValue: undefined,
      threshold: 0.1,
      outcome: 'skipped',
      note: 'fewer added rows than min-added-rows'
    })
  ]
  const failures = results.filter(r => r.outcome === 'fail').length
  return {
    tool: { name: 'dataset-guard', version: '0.1.0' },
    base: { ref: 'main', sha: '0123456789abcdef0123456789abcdef01234567' },
    head: { ref: 'feature', sha: 'fedcba9876543210fedcba9876543210fedcba98' },
    datasets,
    verdict: {
      conclusion: failures > 0 ? 'failure' : datasets.length === 0 ? 'neutral' : 'success',
      passed: failures === 0,
      headline: failures > 0 ? 'unique-pattern ratio 0.04 < 0.50 in data/train.jsonl' : 'all rules passed',
      results,
      failures,
      warnings: results.filter(r => r.outcome === 'warn').length,
      ...verdict
    },
    parameters: { shingleSize: 3 },
    ...rest
  }
}
