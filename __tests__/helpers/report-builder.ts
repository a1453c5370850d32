// Hand-built Report objects for the renderer tests: sensible defaults, override only what a test is about.

import { ruleUnit } from '../../src/gate/evaluate-gate.js'
import type {
  ChangeMetrics,
  DatasetRealism,
  DatasetReport,
  EvalLeak,
  FeatureComparison,
  Finding,
  Gap,
  Leakage,
  Mix,
  RealismComparison,
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
    realism: null,
    leakage: null,
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
    unit: ruleUnit(overrides.rule ?? 'min-unique-pattern-ratio'),
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

export function buildFeature(overrides: Partial<FeatureComparison> = {}): FeatureComparison {
  return {
    feature: 'likely-typo',
    description: 'input has a likely typo',
    kind: 'rate',
    a: 0.09,
    b: 0,
    divergence: 0.05,
    examplesA: [{ file: 'data/real.jsonl', line: 3 }],
    examplesB: [],
    exampleTextsA: ['whcih phone to buy'],
    exampleTextsB: [],
    ...overrides
  }
}

export function buildGap(overrides: Partial<Gap> = {}): Gap {
  return {
    feature: 'likely-typo',
    sentence: 'real inputs: 9% have a likely typo, synthetic: 0%',
    divergence: 0.05,
    examplesA: [
      { file: 'data/real.jsonl', line: 3 },
      { file: 'data/real.jsonl', line: 8 }
    ],
    examplesB: [{ file: 'data/synthetic.jsonl', line: 2 }],
    exampleTextsA: ['whcih phone to buy', 'recieve refund how long'],
    exampleTextsB: ['Write a short paragraph describing the benefits of exercise.'],
    ...overrides
  }
}

/** A real-vs-synthetic comparison with one rate gap, one length gap and one feature neither side shows. */
export function buildComparison(overrides: Partial<RealismComparison> = {}): RealismComparison {
  return {
    labelA: 'real',
    labelB: 'synthetic',
    rowsA: 700,
    rowsB: 400,
    sampledA: 700,
    sampledB: 400,
    features: [
      buildFeature(),
      buildFeature({
        feature: 'question-mark',
        description: 'input contains a question mark',
        a: 0.6,
        b: 0.55,
        divergence: 0.002
      }),
      buildFeature({ feature: 'refusal-output', description: 'output refuses', a: 0, b: 0, divergence: 0 }),
      buildFeature({
        feature: 'input-length',
        description: 'input length in words',
        kind: 'length',
        a: 6,
        b: 13.5,
        divergence: 0.3
      })
    ],
    vocabularyDivergence: 0.31,
    separability: 0.94,
    gaps: [
      buildGap({
        feature: 'input-length',
        sentence: 'synthetic inputs are 2.3x longer than real (median 13.5 words vs 6)',
        divergence: 0.3
      }),
      buildGap()
    ],
    ...overrides
  }
}

export function buildRealism(overrides: Partial<DatasetRealism> = {}): DatasetRealism {
  return {
    sampleSize: 5000,
    baseline: 'real',
    reference: null,
    realVsSynthetic: buildComparison(),
    existingVsAdded: buildComparison({
      labelA: 'existing',
      labelB: 'added',
      separability: 0.52,
      vocabularyDivergence: 0.01,
      gaps: []
    }),
    ...overrides
  }
}

export function buildLeak(overrides: Partial<EvalLeak> = {}): EvalLeak {
  return {
    kind: 'exact',
    evalSet: 'gsm8k-test',
    row: { file: 'data/train.jsonl', line: 1201 },
    text: 'Janet’s ducks lay 16 eggs per day.',
    evalRow: { file: 'eval/test.jsonl', line: 1 },
    similarity: 1,
    ...overrides
  }
}

export function buildLeakage(overrides: Partial<Leakage> = {}): Leakage {
  return {
    evalSets: [{ name: 'gsm8k-test', rows: 1319, ownRows: 0 }],
    checked: 250,
    exact: 1,
    normalised: 1,
    nearDuplicate: 1,
    leaks: [
      buildLeak(),
      buildLeak({ kind: 'normalised', row: { file: 'data/train.jsonl', line: 1202 } }),
      buildLeak({
        kind: 'near-duplicate',
        row: { file: 'data/train.jsonl', line: 1203 },
        evalRow: { file: 'eval/test.jsonl', line: 7 },
        similarity: 0.62
      })
    ],
    leaksOmitted: 0,
    ...overrides
  }
}
