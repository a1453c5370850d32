import { describe, expect, it } from '@jest/globals'
import { formatFromPath, isLikelyNonDataJson } from '../src/readers/format.js'

describe('formatFromPath', () => {
  it('maps extensions to formats, case-insensitively', () => {
    expect(formatFromPath('data/train.jsonl')).toBe('jsonl')
    expect(formatFromPath('data/train.NDJSON')).toBe('jsonl')
    expect(formatFromPath('data/eval.json')).toBe('json')
    expect(formatFromPath('data/dolly.Csv')).toBe('csv')
    expect(formatFromPath('data/qa.tsv')).toBe('tsv')
    expect(formatFromPath('data/part-0000.PARQUET')).toBe('parquet')
  })

  it('returns null for other files', () => {
    expect(formatFromPath('README.md')).toBeNull()
    expect(formatFromPath('data/train.jsonl.gz')).toBeNull()
    expect(formatFromPath('Makefile')).toBeNull()
    expect(formatFromPath('data.json/notes.txt')).toBeNull()
  })
})

describe('isLikelyNonDataJson', () => {
  it('flags tooling and metadata JSON', () => {
    for (const path of [
      'package.json',
      'web/package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'composer.json',
      '.eslintrc.json',
      'renovate.json',
      'node_modules/some-lib/data.json',
      '.github/workflows/matrix.json',
      '.vscode/settings.json',
      'schemas/row.schema.json',
      'Packages/Package-Lock.json',
      'data/hf/dataset_info.json'
    ]) {
      expect([path, isLikelyNonDataJson(path)]).toEqual([path, true])
    }
  })

  it('leaves dataset files alone', () => {
    for (const path of [
      'data/train.json',
      'eval/alpaca_data.json',
      'datasets/github_issues.json',
      'packages.jsonl'
    ]) {
      expect([path, isLikelyNonDataJson(path)]).toEqual([path, false])
    }
  })
})
