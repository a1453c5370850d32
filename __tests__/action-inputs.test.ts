import { describe, expect, it } from '@jest/globals'
import {
  ActionInputError,
  DEFAULT_MAX_ANNOTATIONS,
  MAX_ANNOTATIONS_LIMIT,
  parseActionInputs
} from '../src/action-inputs.js'
import { DEFAULT_CONFIG_PATH } from '../src/config/defaults.js'

/** Inputs the way core.getInput reads them: '' for anything not set. */
const reader =
  (values: Record<string, string>) =>
  (name: string): string =>
    values[name] ?? ''

const parse = (values: Record<string, string>) =>
  parseActionInputs(reader({ 'github-token': 't', ...values }))

function errorOf(values: Record<string, string>): ActionInputError {
  try {
    parse(values)
  } catch (error) {
    if (error instanceof ActionInputError) return error
    throw error
  }
  throw new Error('expected an ActionInputError')
}

describe('parseActionInputs', () => {
  it('fills every default when nothing but the token is set', () => {
    expect(parse({})).toEqual({
      mode: 'check',
      githubToken: 't',
      config: DEFAULT_CONFIG_PATH,
      configRequired: false,
      paths: [],
      failOn: 'fail',
      comment: 'on-change',
      maxAnnotations: DEFAULT_MAX_ANNOTATIONS,
      base: null,
      head: null,
      checkName: 'dataset-guard',
      report: null,
      cacheDir: null,
      shard: null,
      partial: null,
      partials: []
    })
  })

  it('reads a shard as I/N (1-based) and the partials of a merge', () => {
    expect(parse({ shard: ' 2 / 4 ', partial: 'out/p.partial', 'cache-dir': '.dg-cache' })).toMatchObject({
      shard: { index: 1, count: 4 },
      partial: 'out/p.partial',
      cacheDir: '.dg-cache'
    })
    expect(parse({ mode: 'merge', partials: 'a.partial\n b.partial, parts/' }).partials).toEqual([
      'a.partial',
      'b.partial',
      'parts/'
    ])
    expect(errorOf({ shard: '5/4' }).input).toBe('shard')
    expect(errorOf({ shard: '0/4' }).message).toContain('must be I/N')
    expect(errorOf({ mode: 'merge', shard: '1/2', partials: 'x' }).message).toContain(
      'cannot be used with mode: merge'
    )
    expect(errorOf({ mode: 'merge' }).message).toContain('is required with mode: merge')
  })

  it('reads every input', () => {
    const inputs = parse({
      mode: 'Analyse',
      config: 'ci/guard.yml',
      paths: 'data/**/*.jsonl\n  extra/*.csv, more/*.tsv\n\n',
      'fail-on': 'warn',
      comment: 'on-failure',
      'max-annotations': '120',
      base: 'origin/main',
      head: 'abc123',
      'check-name': 'datasets (sft)'
    })
    expect(inputs).toMatchObject({
      mode: 'analyse',
      config: 'ci/guard.yml',
      configRequired: true,
      paths: ['data/**/*.jsonl', 'extra/*.csv', 'more/*.tsv'],
      failOn: 'warn',
      comment: 'on-failure',
      maxAnnotations: 120,
      base: 'origin/main',
      head: 'abc123',
      checkName: 'datasets (sft)'
    })
  })

  it('does not require the default config file, but does require one the user names', () => {
    expect(parse({ config: DEFAULT_CONFIG_PATH }).configRequired).toBe(false)
    expect(parse({ config: '.github/other.yml' }).configRequired).toBe(true)
  })

  it('names the input and what it accepts when a choice is wrong', () => {
    const error = errorOf({ 'fail-on': 'sometimes' })
    expect(error.input).toBe('fail-on')
    expect(error.message).toBe('Input "fail-on" must be one of fail, warn, never; got "sometimes"')
    expect(errorOf({ comment: 'loud' }).message).toMatch(
      /^Input "comment" must be one of always, on-change, on-failure, never/
    )
    expect(errorOf({ mode: 'both' }).message).toMatch(/^Input "mode" must be one of check, analyse, publish/)
  })

  it('accepts max-annotations from 0 to its limit and nothing else', () => {
    expect(parse({ 'max-annotations': '0' }).maxAnnotations).toBe(0)
    expect(parse({ 'max-annotations': String(MAX_ANNOTATIONS_LIMIT) }).maxAnnotations).toBe(
      MAX_ANNOTATIONS_LIMIT
    )
    for (const bad of ['-1', '1.5', 'ten', String(MAX_ANNOTATIONS_LIMIT + 1), '1e3']) {
      expect(errorOf({ 'max-annotations': bad }).message).toMatch(
        new RegExp(`^Input "max-annotations" must be a whole number from 0 to ${MAX_ANNOTATIONS_LIMIT}`)
      )
    }
  })

  it('refuses revisions git would read as an option or as two arguments', () => {
    expect(errorOf({ base: '--upload-pack=evil' }).input).toBe('base')
    expect(errorOf({ head: 'main two' }).input).toBe('head')
    expect(errorOf({ base: 'main\nHEAD' }).message).toMatch(/must be a commit sha or a ref/)
  })

  it('needs a token for publish mode only, and a report file there', () => {
    expect(parseActionInputs(reader({ mode: 'analyse' })).githubToken).toBe('')
    expect(parseActionInputs(reader({})).mode).toBe('check')
    expect(() => parseActionInputs(reader({ mode: 'publish', report: 'r.json' }))).toThrow(
      /^Input "github-token" is empty: mode publish needs a token/
    )
    expect(errorOf({ mode: 'publish' }).input).toBe('report')
    expect(parse({ mode: 'publish', report: ' out/report.json ' }).report).toBe('out/report.json')
  })

  it('keeps check names to one short line', () => {
    expect(errorOf({ 'check-name': 'a'.repeat(101) }).input).toBe('check-name')
    expect(errorOf({ 'check-name': 'two\u0007bells' }).input).toBe('check-name')
  })
})
