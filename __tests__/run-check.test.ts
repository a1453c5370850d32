// The pipeline on real git repositories built in temporary folders: what a user gets from
// `dataset-guard check` for added, removed, moved, renamed, edited and deleted dataset files.

import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DatasetAnalysis } from '../src/analysis/dataset-analysis.js'
import { defaultConfig, parseConfig } from '../src/config/load-config.js'
import { runCheck } from '../src/run-check.js'
import type { DatasetReport, Report } from '../src/types.js'
import { tempRepo, type TempRepo } from './fixtures/git/temp-repo.js'
import { HUMAN_PROMPTS } from './fixtures/human-prompts.js'

const repos: TempRepo[] = []
afterEach(() => {
  while (repos.length > 0) repos.pop()?.cleanup()
})

function repo(): TempRepo {
  const r = tempRepo()
  repos.push(r)
  return r
}

const HUMAN = HUMAN_PROMPTS.slice(0, 25)

function jsonl(rows: object[]): string {
  return rows.map(r => JSON.stringify(r)).join('\n') + '\n'
}

function human(from: number, to: number, source = 'human'): object[] {
  return HUMAN.slice(from, to).map((prompt, i) => ({ prompt, response: `answer ${from + i}`, source }))
}

function templated(count: number, source = 'gpt'): object[] {
  return Array.from({ length: count }, (_, i) => ({
    prompt: `What is ${i + 3} + ${(i * 7) % 50}?`,
    response: `${i + 3 + ((i * 7) % 50)}`,
    source
  }))
}

function dataset(report: Report, name: string): DatasetReport {
  const found = report.datasets.find(d => d.name === name)
  if (!found) throw new Error(`no dataset ${name} in ${report.datasets.map(d => d.name).join(', ')}`)
  return found
}

describe('runCheck on a git repository', () => {
  it('counts rows added to a file and the patterns they bring', async () => {
    const r = repo()
    r.write('data/train.jsonl', jsonl(human(0, 20)))
    const base = r.commit('base')
    r.write('data/train.jsonl', jsonl([...human(0, 20), ...templated(40)]))
    const head = r.commit('head')

    const report = await runCheck({ repo: r.dir, base, head, config: defaultConfig() })
    const d = dataset(report, 'data/train.jsonl')
    expect(d.status).toBe('modified')
    expect(d.change).toMatchObject({ added: 40, removed: 0, unchanged: 20, changed: 0 })
    expect(d.base?.rows).toBe(20)
    expect(d.head?.rows).toBe(60)
    expect(d.base?.uniquePatternRatio).toBe(1)
    // 40 templated rows fold into one `what is <n> + <n>` pattern next to 20 independent rows.
    expect(d.head?.unique.pattern).toBe(21)
    expect(d.head?.uniquePatternRatio).toBeCloseTo(21 / 60, 10)
    expect(d.change.newPatterns).toBe(1)
    expect(d.change.novelPatternRatio).toBeCloseTo(1 / 40, 10)
    expect(d.change.largestAddedPatterns[0]).toMatchObject({ templateKey: 'what is <n> + <n>', size: 40 })
    expect(d.change.largestAddedPatterns[0]?.examples[0]).toEqual({ file: 'data/train.jsonl', line: 21 })
    expect(report.verdict.conclusion).toBe('failure')
    expect(report.verdict.results.find(x => x.rule === 'min-novel-pattern-ratio')?.outcome).toBe('fail')
  })

  it('does not count rows moved between files of one dataset as new data', async () => {
    const r = repo()
    r.write('data/a.jsonl', jsonl(human(0, 10)))
    r.write('data/b.jsonl', jsonl(human(10, 20)))
    const base = r.commit('base')
    r.write('data/a.jsonl', jsonl([...human(0, 5), ...human(15, 20)]))
    r.write('data/b.jsonl', jsonl([...human(10, 15), ...human(5, 10)]))
    const head = r.commit('moved rows')

    const config = parseConfig('datasets:\n  - name: train\n    paths: ["data/*.jsonl"]\n', 'test.yml')
    const report = await runCheck({ repo: r.dir, base, head, config })
    expect(report.datasets).toHaveLength(1)
    const d = dataset(report, 'train')
    expect(d.change).toMatchObject({ added: 0, removed: 0, unchanged: 20 })
    expect(d.base?.files).toEqual(['data/a.jsonl', 'data/b.jsonl'])
  })

  it('follows a renamed file, and pairs an edited answer as changed rather than duplicated', async () => {
    const r = repo()
    r.write('data/old-name.jsonl', jsonl(human(0, 20)))
    const base = r.commit('base')
    r.remove('data/old-name.jsonl')
    const edited = human(0, 20) as { prompt: string; response: string }[]
    edited[3] = { ...edited[3]!, response: 'a better answer' }
    r.write('data/new-name.jsonl', jsonl(edited))
    const head = r.commit('rename and edit one answer')

    const report = await runCheck({ repo: r.dir, base, head, config: defaultConfig() })
    expect(report.datasets.map(d => d.name)).toEqual(['data/new-name.jsonl'])
    const d = dataset(report, 'data/new-name.jsonl')
    expect(d.status).toBe('modified')
    expect(d.base?.files).toEqual(['data/old-name.jsonl'])
    expect(d.change).toMatchObject({
      added: 1,
      removed: 1,
      unchanged: 19,
      changed: 1,
      duplicatesOfExisting: 0
    })
  })

  it('reports a deleted dataset without enforcing rules on it, and an added one with no base', async () => {
    const r = repo()
    r.write('data/gone.csv', 'prompt,response\nhello there,hi\nhow are you,fine\n')
    const base = r.commit('base')
    r.remove('data/gone.csv')
    r.write('data/new.tsv', 'question\tanswer\nwhat is up\tnothing\n')
    const head = r.commit('delete one, add one')

    const report = await runCheck({ repo: r.dir, base, head, config: defaultConfig() })
    const gone = dataset(report, 'data/gone.csv')
    expect(gone.status).toBe('deleted')
    expect(gone.head).toBeNull()
    expect(gone.change).toMatchObject({ added: 0, removed: 2 })
    expect(
      report.verdict.results.filter(x => x.dataset === 'data/gone.csv').every(x => x.outcome === 'skipped')
    ).toBe(true)
    const added = dataset(report, 'data/new.tsv')
    expect(added.status).toBe('added')
    expect(added.base).toBeNull()
    expect(added.head?.rows).toBe(1)
    expect(added.format).toBe('tsv')
  })

  it('counts added rows that duplicate existing inputs after normalisation', async () => {
    const r = repo()
    r.write('train.jsonl', jsonl(human(0, 25)))
    const base = r.commit('base')
    const copies = human(0, 5).map(row => ({
      ...(row as { prompt: string }),
      prompt: `  ${(row as { prompt: string }).prompt.toUpperCase()} `
    }))
    r.write('train.jsonl', jsonl([...human(0, 25), ...copies]))
    const head = r.commit('head')
    const report = await runCheck({ repo: r.dir, base, head, config: defaultConfig() })
    const d = dataset(report, 'train.jsonl')
    expect(d.change.added).toBe(5)
    expect(d.change.duplicatesOfExisting).toBe(5)
    expect(d.change.duplicateShare).toBe(1)
    expect(d.change.newPatterns).toBe(0)
  })

  it('measures the mix from the provenance field, before and after', async () => {
    const r = repo()
    r.write('sft.jsonl', jsonl(human(0, 25)))
    const base = r.commit('base')
    r.write('sft.jsonl', jsonl([...human(0, 25), ...templated(75)]))
    const head = r.commit('head')
    const config = parseConfig(
      [
        'datasets:',
        '  - name: sft',
        '    paths: [sft.jsonl]',
        '    provenance: { field: source, values: { gpt: synthetic, human: real } }',
        'thresholds: { min-real-fraction: 0.7 }'
      ].join('\n'),
      'test.yml'
    )
    const report = await runCheck({ repo: r.dir, base, head, config })
    const d = dataset(report, 'sft')
    expect(d.base?.mix).toMatchObject({ real: 25, synthetic: 0, realFraction: 1 })
    expect(d.head?.mix).toMatchObject({ real: 25, synthetic: 75, unknown: 0, realFraction: 0.25 })
    expect(d.change.addedMix).toMatchObject({ real: 0, synthetic: 75 })
    expect(d.head?.syntheticUniquePatternRatio).toBeCloseTo(1 / 75, 10)
    const rule = report.verdict.results.find(x => x.rule === 'min-real-fraction')
    expect(rule).toMatchObject({ value: 0.25, baseValue: 1, outcome: 'fail' })
  })

  it('passes a change that adds independently written rows, and is neutral when no dataset changed', async () => {
    const r = repo()
    r.write('train.jsonl', jsonl(human(0, 2)))
    r.write('README.md', 'docs\n')
    const base = r.commit('base')
    r.write('train.jsonl', jsonl(human(0, 25)))
    const head = r.commit('more human rows')
    const report = await runCheck({ repo: r.dir, base, head, config: defaultConfig() })
    const d = dataset(report, 'train.jsonl')
    expect(d.head?.uniquePatternRatio).toBe(1)
    expect(d.change.novelPatternRatio).toBe(1)
    expect(report.verdict.results.find(x => x.rule === 'min-unique-pattern-ratio')?.outcome).toBe('pass')

    r.write('README.md', 'more docs\n')
    const docsOnly = r.commit('docs')
    const neutral = await runCheck({ repo: r.dir, base: head, head: docsOnly, config: defaultConfig() })
    expect(neutral.datasets).toEqual([])
    expect(neutral.verdict.conclusion).toBe('neutral')
  })

  it('reports broken rows with file and line and goes on reading', async () => {
    const r = repo()
    r.write('train.jsonl', jsonl(human(0, 3)))
    const base = r.commit('base')
    r.write('train.jsonl', `${jsonl(human(0, 3))}{"prompt": "cut off\n${jsonl(human(3, 6))}`)
    const head = r.commit('head')
    const report = await runCheck({ repo: r.dir, base, head, config: defaultConfig() })
    const d = dataset(report, 'train.jsonl')
    expect(d.head?.rows).toBe(6)
    expect(d.head?.invalidRows).toBe(1)
    expect(d.findings).toEqual([
      expect.objectContaining({ kind: 'invalid-row', file: 'train.jsonl', line: 4, side: 'head' })
    ])
    expect(report.verdict.results.find(x => x.rule === 'max-invalid-rows')?.outcome).toBe('fail')
  })

  it('names the row when the analysis itself fails on it', async () => {
    const r = repo()
    r.write('train.jsonl', jsonl(human(0, 3)))
    const base = r.commit('base')
    r.write('train.jsonl', jsonl(human(0, 6)))
    const head = r.commit('head')
    // A fault planted in the analysis: adding the head row on line 5 throws.
    const addHead = DatasetAnalysis.prototype.addHead
    const spy = jest.spyOn(DatasetAnalysis.prototype, 'addHead').mockImplementation(function (
      this: DatasetAnalysis,
      row,
      digest
    ) {
      if (row.line === 5) throw new RangeError('planted fault')
      return addHead.call(this, row, digest)
    })
    try {
      await expect(runCheck({ repo: r.dir, base, head, config: defaultConfig() })).rejects.toThrow(
        /^train\.jsonl:5 \(head\): the analysis failed on this row: planted fault\. This is a bug/
      )
    } finally {
      spy.mockRestore()
    }
  })

  it('leaves out changed JSON files that hold no rows, and reports LFS pointers with the fix', async () => {
    const r = repo()
    r.write('keep.txt', 'x\n')
    const base = r.commit('base')
    r.write('settings/options.json', '{"retries": 3, "verbose": true}\n')
    r.write(
      'data/big.jsonl',
      'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n'
    )
    const head = r.commit('head')
    const report = await runCheck({ repo: r.dir, base, head, config: defaultConfig() })
    expect(report.datasets.map(d => d.name)).toEqual(['data/big.jsonl'])
    const finding = dataset(report, 'data/big.jsonl').findings[0]
    expect(finding).toMatchObject({ kind: 'lfs-pointer', file: 'data/big.jsonl' })
    expect(finding?.message).toContain('git lfs fetch')
  })

  it('reads a dataset kept in Git LFS from the local LFS store once its objects are fetched', async () => {
    const r = repo()
    r.write('keep.txt', 'x\n')
    const base = r.commit('base')
    const content = jsonl(human(0, 4))
    const oid = createHash('sha256').update(content).digest('hex')
    r.write(
      'data/lfs.jsonl',
      `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${Buffer.byteLength(content)}\n`
    )
    const head = r.commit('head')
    const missing = await runCheck({ repo: r.dir, base, head, config: defaultConfig() })
    expect(dataset(missing, 'data/lfs.jsonl').findings[0]).toMatchObject({ kind: 'lfs-pointer' })
    expect(missing.verdict.results.find(x => x.rule === 'max-invalid-rows')?.outcome).toBe('fail')

    const store = join(r.dir, '.git', 'lfs', 'objects', oid.slice(0, 2), oid.slice(2, 4))
    mkdirSync(store, { recursive: true })
    writeFileSync(join(store, oid), content)
    const fetched = await runCheck({ repo: r.dir, base, head, config: defaultConfig() })
    const d = dataset(fetched, 'data/lfs.jsonl')
    expect(d.findings).toEqual([])
    expect(d.head?.rows).toBe(4)
  })

  it('compares with the merge base, so rows added on the base branch meanwhile are not "removed"', async () => {
    const r = repo()
    r.write('train.jsonl', jsonl(human(0, 10)))
    r.commit('base')
    r.git(['checkout', '-q', '-b', 'feature'])
    r.write('train.jsonl', jsonl(human(0, 12)))
    const head = r.commit('feature adds 2')
    r.git(['checkout', '-q', 'main'])
    r.write('train.jsonl', jsonl([...human(0, 10), ...human(20, 25)]))
    r.commit('main adds 5')
    const report = await runCheck({ repo: r.dir, base: 'main', head, config: defaultConfig() })
    expect(dataset(report, 'train.jsonl').change).toMatchObject({ added: 2, removed: 0, unchanged: 10 })
  })

  it('gives the same report twice', async () => {
    const r = repo()
    r.write('train.jsonl', jsonl(human(0, 10)))
    const base = r.commit('base')
    r.write('train.jsonl', jsonl([...human(0, 25), ...templated(30)]))
    const head = r.commit('head')
    const first = await runCheck({ repo: r.dir, base, head, config: defaultConfig() })
    const second = await runCheck({ repo: r.dir, base, head, config: defaultConfig() })
    expect(second).toEqual(first)
  })
})
