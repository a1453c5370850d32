import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { DEFAULT_PATTERNS, DEFAULT_THRESHOLDS } from '../src/config/defaults.js'
import {
  ConfigError,
  defaultConfig,
  loadConfig,
  parseConfig,
  thresholdsFor
} from '../src/config/load-config.js'
import type { Config } from '../src/config/types.js'

const SOURCE = '.github/dataset-guard.yml'

const FULL_EXAMPLE = `
datasets:
  - name: chat-sft
    paths: ["data/sft/**/*.jsonl"]
    format: jsonl
    fields: { input: [prompt], output: [response] }
    provenance:
      field: source
      values: { Human: real, gpt-4o: synthetic, true: synthetic }
      paths: { real: ["data/sft/real/**"], synthetic: ["./data/sft/generated/**"] }
      default: unknown
    thresholds:
      min-real-fraction: 0.6
  - name: eval
    paths: [eval/*.csv, "!eval/scratch.csv"]
defaults:
  fields: { input: [prompt] }
  provenance: { field: origin }
thresholds:
  min-unique-pattern-ratio: 0.4
  max-duplicate-share: { value: 0.2, level: warn }
  min-novel-pattern-ratio: { value: 0.25 }
  min-real-fraction: off
  max-unknown-fraction: false
  max-invalid-rows: null
  min-added-rows: 50
  max-eval-near-duplicates: 3
  max-separability: 0.9
  max-feature-divergence: { value: 0.1, level: fail }
patterns:
  shingle-size: 2
  jaccard: 0.6
  bands: 20
  rows-per-band: 6
  seed: 7
eval-sets:
  - name: gsm8k-test
    paths: [./eval/gsm8k/*.jsonl]
    fields: { input: [question] }
  - name: mmlu
    paths: [eval/mmlu.csv]
    format: csv
realism:
  sample-size: 2000
  reference: { paths: [data/real-prompts.jsonl], fields: { input: [text] } }
`

/** The ConfigError that parsing `text` throws. */
function configError(text: string): ConfigError {
  try {
    parseConfig(text, SOURCE)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('parseConfig', () => {
  it('turns a full config into the typed Config', () => {
    const expected: Config = {
      datasets: [
        {
          name: 'chat-sft',
          paths: ['data/sft/**/*.jsonl'],
          format: 'jsonl',
          fields: { input: ['prompt'], output: ['response'] },
          provenance: {
            field: 'source',
            values: { human: 'real', 'gpt-4o': 'synthetic', true: 'synthetic' },
            paths: { real: ['data/sft/real/**'], synthetic: ['data/sft/generated/**'] },
            default: 'unknown'
          },
          thresholds: { 'min-real-fraction': { value: 0.6, level: 'fail' } }
        },
        { name: 'eval', paths: ['eval/*.csv', '!eval/scratch.csv'] }
      ],
      defaults: { fields: { input: ['prompt'] }, provenance: { field: 'origin' } },
      thresholds: {
        'min-unique-pattern-ratio': { value: 0.4, level: 'fail' },
        'max-unique-pattern-ratio-drop': { value: 0.1, level: 'fail' },
        'min-novel-pattern-ratio': { value: 0.25, level: 'fail' },
        'max-duplicate-share': { value: 0.2, level: 'warn' },
        'min-real-fraction': null,
        'max-unknown-fraction': null,
        'max-invalid-rows': null,
        'max-eval-leaks': { value: 0, level: 'fail' },
        'max-eval-near-duplicates': { value: 3, level: 'warn' },
        'max-separability': { value: 0.9, level: 'warn' },
        'max-feature-divergence': { value: 0.1, level: 'fail' },
        'min-added-rows': 50
      },
      patterns: { shingleSize: 2, jaccard: 0.6, bands: 20, rowsPerBand: 6, seed: 7 },
      evalSets: [
        { name: 'gsm8k-test', paths: ['eval/gsm8k/*.jsonl'], fields: { input: ['question'] } },
        { name: 'mmlu', paths: ['eval/mmlu.csv'], format: 'csv' }
      ],
      realism: {
        sampleSize: 2000,
        reference: { name: 'reference', paths: ['data/real-prompts.jsonl'], fields: { input: ['text'] } }
      },
      source: SOURCE
    }
    expect(parseConfig(FULL_EXAMPLE, SOURCE)).toEqual(expected)
  })

  it('gives the defaults for an empty file or one with only comments, keeping the source', () => {
    for (const text of ['', '# nothing configured yet\n']) {
      expect(parseConfig(text, SOURCE)).toEqual({ ...defaultConfig(), source: SOURCE })
    }
  })

  it('keeps the default level for a bare number and for {value} without a level', () => {
    const config = parseConfig(
      'thresholds:\n  max-unknown-fraction: 0.2\n  max-invalid-rows: { value: 5 }\n',
      SOURCE
    )
    expect(config.thresholds['max-unknown-fraction']).toEqual({ value: 0.2, level: 'warn' })
    expect(config.thresholds['max-invalid-rows']).toEqual({ value: 5, level: 'fail' })
  })

  it('switches a rule off with off, false or null, and only that rule', () => {
    const config = parseConfig('thresholds:\n  min-real-fraction: off\n', SOURCE)
    expect(config.thresholds['min-real-fraction']).toBeNull()
    expect(config.thresholds['min-unique-pattern-ratio']).toEqual(
      DEFAULT_THRESHOLDS['min-unique-pattern-ratio']
    )
  })

  it('accepts YAML anchors and merge keys', () => {
    const config = parseConfig(
      [
        'datasets:',
        '  - name: a',
        '    paths: &globs [data/a/**]',
        '    thresholds: &strict { min-unique-pattern-ratio: 0.8, min-added-rows: 5 }',
        '  - name: b',
        '    paths: *globs',
        '    thresholds: { <<: *strict, min-added-rows: 10 }'
      ].join('\n'),
      SOURCE
    )
    expect(config.datasets[1]?.paths).toEqual(['data/a/**'])
    expect(config.datasets[1]?.thresholds).toEqual({
      'min-unique-pattern-ratio': { value: 0.8, level: 'fail' },
      'min-added-rows': 10
    })
  })

  it('does not share state between configs', () => {
    const first = parseConfig('thresholds:\n  min-added-rows: 1\n', SOURCE)
    first.thresholds['min-unique-pattern-ratio']!.value = 0.99
    expect(defaultConfig().thresholds['min-unique-pattern-ratio']?.value).toBe(0.5)
    expect(DEFAULT_THRESHOLDS['min-unique-pattern-ratio'].value).toBe(0.5)
  })
})

describe('parseConfig errors', () => {
  it('gives the line and column of a YAML syntax error', () => {
    const error = configError('thresholds:\n  min-real-fraction: [0.5\npatterns: {}\n')
    expect(error.message).toMatch(/^Invalid YAML in \.github\/dataset-guard\.yml: line 3, column 1: /)
    expect(error.problems[0]).toMatchObject({ line: 3, column: 1 })
  })

  it('reports duplicate keys as a YAML error with their line', () => {
    expect(configError('thresholds: {}\nthresholds: {}\n').message).toMatch(
      /line 2, column 1: Map keys must be unique/
    )
  })

  it('names an unknown key with its path and line, and lists the allowed keys', () => {
    const text =
      'datasets:\n  - name: a\n    paths: [x]\n  - name: b\n    paths: [y]\n    thresholds:\n      min-real-fractoin: 0.5\n'
    expect(configError(text).message).toBe(
      'Invalid dataset-guard config in .github/dataset-guard.yml: datasets[1].thresholds.min-real-fractoin (line 7): ' +
        'unknown key (allowed: min-unique-pattern-ratio, max-unique-pattern-ratio-drop, min-novel-pattern-ratio, ' +
        'max-duplicate-share, min-real-fraction, max-unknown-fraction, max-invalid-rows, max-eval-leaks, ' +
        'max-eval-near-duplicates, max-separability, max-feature-divergence, min-added-rows)'
    )
  })

  it('says what a key accepts when the type is wrong', () => {
    expect(configError('datasets: {name: x}\n').problems).toEqual([
      {
        path: 'datasets',
        line: 1,
        column: 1,
        message:
          'must be a list of objects {name, paths, format, fields, provenance, thresholds} (got {"name":"x"})'
      }
    ])
    expect(configError('patterns:\n  bands: 2.5\n').message).toContain(
      'patterns.bands (line 2): must be a positive integer (got 2.5)'
    )
    expect(configError('datasets:\n  - {name: a, paths: [x], format: xml}\n').message).toContain(
      'datasets[0].format (line 2): must be jsonl, json, csv, tsv or parquet (got "xml")'
    )
    expect(configError('- a\n').message).toContain(
      'the config must be an object {datasets, defaults, thresholds, patterns, eval-sets, realism}'
    )
  })

  it('rejects a ratio above 1 with every form the threshold accepts', () => {
    expect(configError('thresholds:\n  min-unique-pattern-ratio: 1.5\n').problems).toEqual([
      {
        path: 'thresholds.min-unique-pattern-ratio',
        line: 2,
        column: 3,
        message: 'must be a number between 0 and 1, an object {value, level}, off, false or null (got 1.5)'
      }
    ])
  })

  it('points inside a {value, level} object at the part that is wrong', () => {
    const error = configError('thresholds:\n  max-duplicate-share: { value: 2, level: block, extra: 1 }\n')
    expect(error.problems.map(p => `${p.path}: ${p.message}`)).toEqual([
      'thresholds.max-duplicate-share.extra: unknown key (allowed: value, level)',
      'thresholds.max-duplicate-share.value: must be a number between 0 and 1 (got 2)',
      'thresholds.max-duplicate-share.level: must be fail or warn (got "block")'
    ])
  })

  it('accepts counts only as non-negative integers', () => {
    const error = configError('thresholds:\n  max-invalid-rows: -1\n  min-added-rows: 2.5\n')
    expect(error.problems.map(p => `${p.path}: ${p.message}`)).toEqual([
      'thresholds.max-invalid-rows: must be a non-negative integer, an object {value, level}, off, false or null (got -1)',
      'thresholds.min-added-rows: must be a non-negative integer (got 2.5)'
    ])
  })

  it('reports a missing required key and an empty list', () => {
    const error = configError('datasets:\n  - name: a\n  - name: b\n    paths: []\n')
    expect(error.problems.map(p => `${p.path}: ${p.message}`)).toEqual([
      'datasets[0].paths: required, but missing',
      'datasets[1].paths: must be a non-empty list of strings (got [])'
    ])
  })

  it('rejects globs that climb out with ../ or are absolute, naming the glob', () => {
    const error = configError(
      [
        'datasets:',
        '  - name: a',
        '    paths: ["../secret/**", "/etc/**", "~/data/*", "data/{a,..}/x", "data/ok/**", "C:/data/*"]'
      ].join('\n')
    )
    expect(error.message).toContain(
      'datasets[0].paths[0] (line 3): glob `../secret/**` reaches outside the repository'
    )
    expect(error.problems.map(p => p.path)).toEqual([
      'datasets[0].paths[0]',
      'datasets[0].paths[1]',
      'datasets[0].paths[2]',
      'datasets[0].paths[3]',
      'datasets[0].paths[5]'
    ])
    expect(error.problems[1]?.message).toBe(
      'glob `/etc/**` is absolute: write it relative to the repository root'
    )
    expect(error.problems[2]?.message).toMatch(/^glob `~\/data\/\*` starts at a home directory/)
  })

  it('checks the globs of provenance paths too', () => {
    const error = configError('defaults:\n  provenance:\n    paths: { synthetic: ["!../gen/**"] }\n')
    expect(error.problems).toEqual([
      expect.objectContaining({ path: 'defaults.provenance.paths.synthetic[0]', line: 3 })
    ])
  })

  it('rejects duplicate dataset names', () => {
    const error = configError(
      'datasets:\n  - {name: a, paths: [x]}\n  - {name: b, paths: [y]}\n  - {name: a, paths: [z]}\n'
    )
    expect(error.message).toContain(
      'datasets[2].name (line 4): duplicate dataset name "a" (also datasets[0].name)'
    )
  })

  it('rejects provenance values that differ only in case but map differently', () => {
    const error = configError('defaults:\n  provenance:\n    values: { Human: real, human: synthetic }\n')
    expect(error.problems[0]?.path).toBe('defaults.provenance.values.human')
    expect(error.problems[0]?.message).toContain('compared in lower case')
  })

  it('quotes odd values readably: infinities, and aliases that contain themselves', () => {
    expect(configError('thresholds:\n  min-real-fraction: .inf\n').message).toContain('(got Infinity)')
    expect(configError('datasets: &d\n  - *d\n').message).toContain(
      'datasets[0] (line 2): must be an object {name, paths, format, fields, provenance, thresholds} (got a value that contains itself)'
    )
  })

  it('accepts a seed only as a 32-bit unsigned integer, which the hash functions take', () => {
    expect(configError('patterns: { seed: 99999999999 }\n').message).toContain(
      'patterns.seed (line 1): must be an integer between 0 and 4294967295 (got 99999999999)'
    )
  })

  it('lists several problems in file order, one a line', () => {
    const message = configError(
      'patterns:\n  bands: 0\n  jaccard: 0\nthresholds:\n  min-real-fraction: 2\n'
    ).message
    expect(message.split('\n')).toEqual([
      'Invalid dataset-guard config in .github/dataset-guard.yml:',
      '  - patterns.bands (line 2): must be a positive integer (got 0)',
      '  - patterns.jaccard (line 3): must be a number above 0 and at most 1 (got 0)',
      '  - thresholds.min-real-fraction (line 5): must be a number between 0 and 1, an object {value, level}, off, false or null (got 2)'
    ])
  })
})

describe('parseConfig: eval sets and realism', () => {
  it('keeps the level a rule has when switched on with a bare number: realism and near-duplicates warn', () => {
    const config = parseConfig(
      'thresholds:\n  max-separability: 0.9\n  max-feature-divergence: 0.05\n  max-eval-near-duplicates: 2\n  max-eval-leaks: 3\n',
      SOURCE
    )
    expect(config.thresholds).toMatchObject({
      'max-separability': { value: 0.9, level: 'warn' },
      'max-feature-divergence': { value: 0.05, level: 'warn' },
      'max-eval-near-duplicates': { value: 2, level: 'warn' },
      'max-eval-leaks': { value: 3, level: 'fail' }
    })
    expect(defaultConfig().thresholds).toMatchObject({
      'max-eval-leaks': { value: 0, level: 'fail' },
      'max-eval-near-duplicates': null,
      'max-separability': null,
      'max-feature-divergence': null
    })
  })

  it('names the reference `reference` unless the config names it', () => {
    const config = parseConfig('realism:\n  reference: { paths: [ref/*.jsonl], format: jsonl }\n', SOURCE)
    expect(config.realism).toEqual({
      sampleSize: 5000,
      reference: { name: 'reference', paths: ['ref/*.jsonl'], format: 'jsonl' }
    })
  })

  it('rejects a missing eval set name and an out-of-range sample size', () => {
    const message = configError(
      ['eval-sets:', '  - paths: [eval/b.jsonl]', 'realism:', '  sample-size: 50000'].join('\n')
    ).message
    expect(message).toContain('eval-sets[0].name (line 2): required, but missing')
    expect(message).toContain(
      'realism.sample-size (line 4): must be an integer between 0 and 20000 (got 50000)'
    )
  })

  it('rejects duplicate eval set names and globs outside the repository', () => {
    const message = configError(
      [
        'eval-sets:',
        '  - name: test',
        '    paths: [eval/a.jsonl]',
        '  - name: test',
        '    paths: [../secret.jsonl]',
        'realism:',
        '  reference: { paths: [/abs/ref.jsonl] }'
      ].join('\n')
    ).message
    expect(message).toContain(
      'eval-sets[1].name (line 4): duplicate eval set name "test" (also eval-sets[0].name)'
    )
    expect(message).toContain(
      'eval-sets[1].paths[0] (line 5): glob `../secret.jsonl` reaches outside the repository'
    )
    expect(message).toContain('realism.reference.paths[0] (line 7): glob `/abs/ref.jsonl` is absolute')
  })
})

describe('thresholdsFor', () => {
  const config = parseConfig(
    [
      'datasets:',
      '  - name: strict',
      '    paths: [a/**]',
      '    thresholds:',
      '      min-unique-pattern-ratio: 0.8',
      '      max-duplicate-share: off',
      '      min-added-rows: 5',
      '  - name: plain',
      '    paths: [b/**]',
      'thresholds:',
      '  min-unique-pattern-ratio: { value: 0.3, level: warn }',
      '  min-real-fraction: off'
    ].join('\n'),
    SOURCE
  )

  it("lays a dataset's own thresholds over the top-level ones, key by key", () => {
    expect(thresholdsFor(config, 'strict')).toEqual({
      ...DEFAULT_THRESHOLDS,
      'min-unique-pattern-ratio': { value: 0.8, level: 'fail' },
      'max-duplicate-share': null,
      'min-real-fraction': null,
      'min-added-rows': 5
    })
  })

  it('gives the top-level thresholds to datasets without their own and to unconfigured ones', () => {
    const topLevel = {
      ...DEFAULT_THRESHOLDS,
      'min-unique-pattern-ratio': { value: 0.3, level: 'warn' },
      'min-real-fraction': null
    }
    expect(thresholdsFor(config, 'plain')).toEqual(topLevel)
    expect(thresholdsFor(config, 'data/other.jsonl')).toEqual(topLevel)
  })

  it('does not change the config it reads', () => {
    thresholdsFor(config, 'strict')['min-added-rows'] = 999
    expect(config.thresholds['min-added-rows']).toBe(DEFAULT_THRESHOLDS['min-added-rows'])
  })
})

describe('loadConfig', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dataset-guard-config-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('gives the built-in defaults, with no source, when the file is missing or no path is given', async () => {
    const expected = {
      datasets: [],
      defaults: {},
      thresholds: DEFAULT_THRESHOLDS,
      patterns: DEFAULT_PATTERNS,
      evalSets: [],
      realism: { sampleSize: 5000, reference: null },
      source: null
    }
    expect(await loadConfig(join(dir, 'missing.yml'))).toEqual(expected)
    expect(await loadConfig(null)).toEqual(expected)
  })

  it('fails on a missing file when the config is required', async () => {
    const path = join(dir, 'missing.yml')
    await expect(loadConfig(path, { required: true })).rejects.toThrow(`Config file ${path} not found`)
    await expect(loadConfig(null, { required: true })).rejects.toBeInstanceOf(ConfigError)
  })

  it('reads and parses a file, with the path as the source', async () => {
    const path = join(dir, 'config.yml')
    await writeFile(path, '\ufeffthresholds:\n  min-added-rows: 7\n')
    const config = await loadConfig(path, { required: true })
    expect(config.thresholds['min-added-rows']).toBe(7)
    expect(config.source).toBe(path)
  })

  it('names the file in validation errors', async () => {
    const path = join(dir, 'bad.yml')
    await writeFile(path, 'thresholds:\n  min-real-fraction: 7\n')
    await expect(loadConfig(path)).rejects.toThrow(
      `Invalid dataset-guard config in ${path}: thresholds.min-real-fraction`
    )
  })

  it('fails when the path is a directory', async () => {
    const path = join(dir, 'a-directory')
    await mkdir(path)
    await expect(loadConfig(path)).rejects.toThrow(`Config path ${path} is not a file`)
  })
})
