// The realism report and eval-set leakage through the whole pipeline, on git repositories built in temporary
// folders: what `dataset-guard check` reports for real and synthetic rows, and for training rows that repeat
// an eval set.

import { afterEach, describe, expect, it } from '@jest/globals'
import { hash53 } from '../src/analysis/hash.js'
import { parseConfig } from '../src/config/load-config.js'
import { renderMarkdown } from '../src/report/markdown.js'
import { renderTerminal } from '../src/report/terminal.js'
import { runCheck } from '../src/run-check.js'
import type { DatasetReport, Report } from '../src/types.js'
import { tempRepo, type TempRepo } from './fixtures/git/temp-repo.js'
import { generatedPairs, humanPairs, mixedPairs, type TextPair } from './helpers/realism-rows.js'

const repos: TempRepo[] = []
afterEach(() => {
  while (repos.length > 0) repos.pop()?.cleanup()
})

function repo(): TempRepo {
  const r = tempRepo()
  repos.push(r)
  return r
}

function jsonl(rows: object[]): string {
  return rows.map(r => JSON.stringify(r)).join('\n') + '\n'
}

function prompts(pairs: TextPair[]): object[] {
  return pairs.map(({ input, output }) => ({ prompt: input, response: output }))
}

function dataset(report: Report, name: string): DatasetReport {
  const found = report.datasets.find(d => d.name === name)
  if (!found) throw new Error(`no dataset ${name} in ${report.datasets.map(d => d.name).join(', ')}`)
  return found
}

const PROVENANCE_BY_PATH = [
  '    provenance:',
  '      paths: { real: ["data/real/**"], synthetic: ["data/synthetic/**"] }'
]

const EVAL_QUESTIONS = [
  'Janet has 16 ducks that lay eggs every morning and she sells the remainder at the farmers market for two dollars each.',
  'A robe takes 2 bolts of blue fiber and half that much white fiber. How many bolts in total does it take?',
  'Josh decides to try flipping a house. He buys a house for 80000 dollars and puts in 50000 dollars in repairs.',
  'James decides to run 3 sprints 3 times a week. He runs 60 meters each sprint. How many total meters does he run a week?'
]

function evalFile(): string {
  return jsonl(EVAL_QUESTIONS.map((question, i) => ({ question, answer: `${i}` })))
}

describe('runCheck realism', () => {
  it('shows how synthetic rows differ from real ones, and the added rows from the rows already there', async () => {
    const r = repo()
    r.write('data/real/chat.jsonl', jsonl(prompts(humanPairs(30))))
    const base = r.commit('base')
    r.write('data/real/chat.jsonl', jsonl(prompts(humanPairs(60))))
    r.write('data/synthetic/gen.jsonl', jsonl(prompts(generatedPairs(60))))
    const head = r.commit('add generated rows')
    const config = parseConfig(
      ['datasets:', '  - name: chat', '    paths: ["data/**/*.jsonl"]', ...PROVENANCE_BY_PATH].join('\n'),
      'test.yml'
    )
    const report = await runCheck({ repo: r.dir, base, head, config })
    const realism = dataset(report, 'chat').realism!
    expect(realism.baseline).toBe('real')
    const c = realism.realVsSynthetic!
    expect(c).toMatchObject({ rowsA: 60, rowsB: 60 })
    expect(c.separability).toBeGreaterThan(0.95)
    const typo = c.gaps.find(g => g.feature === 'likely-typo')!
    expect(typo.sentence).toBe('real inputs: 33% have a likely typo, synthetic: 0%')
    expect(typo.examplesA.every(ref => ref.file === 'data/real/chat.jsonl')).toBe(true)
    // Line numbers are real: the example's text is the row at that line.
    const first = typo.examplesA[0]!
    expect(humanPairs(60)[first.line - 1]?.input).toBe(typo.exampleTextsA[0])
    expect(c.gaps.map(g => g.feature)).toEqual(
      expect.arrayContaining(['terse-input', 'lowercase-start', 'politeness-output', 'input-length'])
    )
    // 30 human rows were there; 30 more and 60 generated ones were added.
    expect(realism.existingVsAdded).toMatchObject({ rowsA: 30, rowsB: 90 })
    expect(realism.existingVsAdded!.gaps.length).toBeGreaterThan(0)
    expect(report.parameters).toMatchObject({ realismSampleSize: 5000 })
    // Off by default: no realism rule in the gate.
    expect(report.verdict.results.some(x => x.rule === 'max-separability')).toBe(false)
  })

  it('finds two halves of one source alike', async () => {
    const r = repo()
    r.write('README.md', 'x\n')
    const base = r.commit('base')
    // Halves by a hash of the text, so neither half follows the generator's period.
    const pairs = mixedPairs(240)
    const inA = (pair: TextPair) => hash53(pair.input) % 2 === 0
    r.write('data/real/a.jsonl', jsonl(prompts(pairs.filter(inA))))
    r.write('data/synthetic/b.jsonl', jsonl(prompts(pairs.filter(pair => !inA(pair)))))
    const head = r.commit('two halves')
    const config = parseConfig(
      [
        'datasets:',
        '  - name: halves',
        '    paths: ["data/**/*.jsonl"]',
        ...PROVENANCE_BY_PATH,
        'thresholds: { max-separability: 0.8, max-feature-divergence: 0.05 }'
      ].join('\n'),
      'test.yml'
    )
    const report = await runCheck({ repo: r.dir, base, head, config })
    const c = dataset(report, 'halves').realism!.realVsSynthetic!
    expect(c.separability).toBeLessThan(0.65)
    expect(c.gaps).toEqual([])
    const rule = (name: string) => report.verdict.results.find(x => x.rule === name)
    expect(rule('max-separability')).toMatchObject({ level: 'warn', outcome: 'pass' })
    expect(rule('max-feature-divergence')).toMatchObject({ level: 'warn', outcome: 'pass' })
  })

  it('warns when switched on and the synthetic rows are easy to tell apart', async () => {
    const r = repo()
    r.write('README.md', 'x\n')
    const base = r.commit('base')
    r.write('data/real/a.jsonl', jsonl(prompts(humanPairs(40))))
    r.write('data/synthetic/b.jsonl', jsonl(prompts(generatedPairs(40))))
    const head = r.commit('head')
    const config = parseConfig(
      [
        'datasets:',
        '  - name: d',
        '    paths: ["data/**/*.jsonl"]',
        ...PROVENANCE_BY_PATH,
        'thresholds:',
        '  max-separability: 0.8',
        '  max-feature-divergence: 0.1',
        // The generated rows share one template and make half the rows; only the realism rules are tested here.
        '  min-unique-pattern-ratio: off',
        '  min-novel-pattern-ratio: off',
        '  min-real-fraction: off'
      ].join('\n'),
      'test.yml'
    )
    const report = await runCheck({ repo: r.dir, base, head, config })
    const rule = (name: string) => report.verdict.results.find(x => x.rule === name)
    expect(rule('max-separability')).toMatchObject({ level: 'warn', outcome: 'warn' })
    expect(rule('max-feature-divergence')).toMatchObject({ level: 'warn', outcome: 'warn' })
    expect(report.verdict.conclusion).toBe('success')
  })

  it('compares a dataset without real rows with the configured reference', async () => {
    const r = repo()
    r.write('ref/prompts.jsonl', jsonl(humanPairs(40).map(p => ({ text: p.input }))))
    const base = r.commit('reference')
    r.write('data/synthetic/gen.jsonl', jsonl(prompts(generatedPairs(40))))
    const head = r.commit('generated only')
    const config = parseConfig(
      [
        'datasets:',
        '  - name: gen',
        '    paths: ["data/**/*.jsonl"]',
        ...PROVENANCE_BY_PATH,
        'realism:',
        '  reference: { name: user-prompts, paths: [ref/prompts.jsonl], fields: { input: [text] } }'
      ].join('\n'),
      'test.yml'
    )
    const report = await runCheck({ repo: r.dir, base, head, config })
    const realism = dataset(report, 'gen').realism!
    expect(realism).toMatchObject({ baseline: 'reference', reference: 'user-prompts' })
    expect(realism.realVsSynthetic).toMatchObject({ labelA: 'reference', rowsA: 40, rowsB: 40 })
    expect(realism.realVsSynthetic!.separability).toBeGreaterThan(0.95)
    const typo = realism.realVsSynthetic!.gaps.find(g => g.feature === 'likely-typo')
    expect(typo?.sentence).toBe('reference inputs: 35% have a likely typo, synthetic: 0%')
    expect(typo?.examplesA[0]?.file).toBe('ref/prompts.jsonl')

    // Without a reference: the synthetic rows' own rates, and nothing to separate.
    const alone = await runCheck({
      repo: r.dir,
      base,
      head,
      config: parseConfig(
        ['datasets:', '  - name: gen', '    paths: ["data/**/*.jsonl"]', ...PROVENANCE_BY_PATH].join('\n'),
        'test.yml'
      )
    })
    const own = dataset(alone, 'gen').realism!
    expect(own).toMatchObject({ baseline: 'none', reference: null })
    expect(own.realVsSynthetic).toMatchObject({ rowsA: 0, rowsB: 40, separability: null, gaps: [] })
    expect(own.realVsSynthetic!.features.find(f => f.feature === 'politeness-output')?.b).toBe(1)
    expect(renderMarkdown(alone)).toContain('no real rows at head and no reference set')
  })

  it('leaves the realism report out with sample-size 0', async () => {
    const r = repo()
    r.write('README.md', 'x\n')
    const base = r.commit('base')
    r.write('data/synthetic/gen.jsonl', jsonl(prompts(generatedPairs(20))))
    const head = r.commit('head')
    const config = parseConfig('realism: { sample-size: 0 }\n', 'test.yml')
    const report = await runCheck({ repo: r.dir, base, head, config })
    expect(dataset(report, 'data/synthetic/gen.jsonl').realism).toBeNull()
  })
})

describe('runCheck eval-set leakage', () => {
  function leakConfig(datasets: string[], extra: string[] = []): ReturnType<typeof parseConfig> {
    return parseConfig(
      [
        ...datasets,
        'eval-sets:',
        '  - name: gsm8k-test',
        '    paths: [eval/test.jsonl]',
        '    fields: { input: [question] }',
        ...extra
      ].join('\n'),
      'test.yml'
    )
  }

  it('finds added rows that repeat eval rows exactly, normalised or nearly, with both locations', async () => {
    const r = repo()
    r.write('eval/test.jsonl', evalFile())
    r.write('data/train.jsonl', jsonl(prompts(humanPairs(10))))
    const base = r.commit('base')
    const added = [
      { prompt: EVAL_QUESTIONS[1], response: 'copied' },
      { prompt: `  ${EVAL_QUESTIONS[2]!.toUpperCase()}`, response: 'shouted' },
      {
        prompt:
          'Maria has 23 ducks that lay eggs every morning and she sells the remainder at the farmers market for five dollars each.',
        response: 'new numbers'
      },
      { prompt: 'how do i keep basil alive on a windowsill', response: 'water it' }
    ]
    r.write('data/train.jsonl', jsonl([...prompts(humanPairs(10)), ...added]))
    const head = r.commit('add rows')
    const report = await runCheck({
      repo: r.dir,
      base,
      head,
      config: leakConfig(['datasets:', '  - name: train', '    paths: [data/train.jsonl]'])
    })
    const leakage = dataset(report, 'train').leakage!
    expect(leakage).toMatchObject({ checked: 4, exact: 1, normalised: 1, nearDuplicate: 1, leaksOmitted: 0 })
    expect(leakage.evalSets).toEqual([{ name: 'gsm8k-test', rows: 4, ownRows: 0 }])
    expect(leakage.leaks.map(l => [l.kind, l.row, l.evalRow])).toEqual([
      ['exact', { file: 'data/train.jsonl', line: 11 }, { file: 'eval/test.jsonl', line: 2 }],
      ['normalised', { file: 'data/train.jsonl', line: 12 }, { file: 'eval/test.jsonl', line: 3 }],
      ['near-duplicate', { file: 'data/train.jsonl', line: 13 }, { file: 'eval/test.jsonl', line: 1 }]
    ])
    expect(report.verdict.results.find(x => x.rule === 'max-eval-leaks')).toMatchObject({
      value: 2,
      level: 'fail',
      outcome: 'fail'
    })
    expect(report.verdict.results.some(x => x.rule === 'max-eval-near-duplicates')).toBe(false)
    expect(report.verdict.conclusion).toBe('failure')
    const text = renderTerminal(report, { color: false })
    expect(text).toContain('eval leaks: 1 exact, 1 normalised, 1 near-duplicate (of 4 added rows checked)')
    expect(text).toContain('first: exact data/train.jsonl:11 repeats eval/test.jsonl:2 (gsm8k-test)')
  })

  it('does not check the eval set against itself, in a dataset that holds it or as a dataset of its own', async () => {
    const r = repo()
    r.write('README.md', 'x\n')
    const base = r.commit('base')
    r.write('eval/test.jsonl', evalFile())
    r.write(
      'data/train.jsonl',
      jsonl([...prompts(humanPairs(5)), { prompt: EVAL_QUESTIONS[3], response: 'x' }])
    )
    const head = r.commit('add the eval set and training rows')

    // One dataset over every JSONL file: the eval file's own rows are not leaks, the copied row is.
    const all = await runCheck({
      repo: r.dir,
      base,
      head,
      config: leakConfig(['datasets:', '  - name: all', '    paths: ["**/*.jsonl"]'])
    })
    const leakage = dataset(all, 'all').leakage!
    expect(leakage.evalSets).toEqual([{ name: 'gsm8k-test', rows: 4, ownRows: 4 }])
    expect(leakage).toMatchObject({ checked: 6, exact: 1, normalised: 0 })
    expect(leakage.leaks[0]).toMatchObject({ row: { file: 'data/train.jsonl', line: 6 } })

    // Without configured datasets the changed eval file is a dataset of its own: nothing of it is checked.
    const discovered = await runCheck({ repo: r.dir, base, head, config: leakConfig([]) })
    expect(dataset(discovered, 'eval/test.jsonl').leakage).toMatchObject({ checked: 0, exact: 0 })
    expect(dataset(discovered, 'data/train.jsonl').leakage).toMatchObject({ checked: 6, exact: 1 })
    expect(
      discovered.verdict.results.find(x => x.dataset === 'eval/test.jsonl' && x.rule === 'max-eval-leaks')
    ).toMatchObject({ value: 0, outcome: 'pass' })
  })

  it('warns on near-duplicates once switched on, and reports an eval set with no rows', async () => {
    const r = repo()
    r.write('eval/test.jsonl', evalFile())
    const base = r.commit('base')
    r.write(
      'data/train.jsonl',
      jsonl([
        {
          prompt:
            'James decides to run 5 sprints 4 times a week. He runs 80 meters each sprint. How many total meters does he run a week?',
          response: 'x'
        }
      ])
    )
    const head = r.commit('head')
    const config = leakConfig(
      [],
      [
        '  - name: missing',
        '    paths: [eval/nothing-here/*.jsonl]',
        'thresholds: { max-eval-near-duplicates: 0 }'
      ]
    )
    const report = await runCheck({ repo: r.dir, base, head, config })
    const leakage = dataset(report, 'data/train.jsonl').leakage!
    expect(leakage).toMatchObject({ exact: 0, normalised: 0, nearDuplicate: 1 })
    expect(leakage.evalSets).toEqual([
      { name: 'gsm8k-test', rows: 4, ownRows: 0 },
      { name: 'missing', rows: 0, ownRows: 0 }
    ])
    expect(report.verdict.results.find(x => x.rule === 'max-eval-near-duplicates')).toMatchObject({
      level: 'warn',
      outcome: 'warn'
    })
    expect(renderMarkdown(report)).toContain('<code>missing</code> (no rows at head: check its paths)')
  })
})
