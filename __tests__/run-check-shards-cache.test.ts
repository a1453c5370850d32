// The base cache and shard/merge through the whole pipeline, on a git repository built in a temporary folder:
// a run that loads its base from the cache, and the merge of four shards' partial files, must both give
// exactly the report of one fresh run.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseConfig } from '../src/config/load-config.js'
import { analyseRun, PartialMerge, reportOf, runCheck, type CheckOptions } from '../src/run-check.js'
import { readPartial, writePartial } from '../src/state/partial-file.js'
import type { Report } from '../src/types.js'
import { removeDir, tempDir, tempRepo, type TempRepo } from './fixtures/git/temp-repo.js'
import { generatedPairs, humanPairs } from './helpers/realism-rows.js'

const EVAL = [
  'Janet has 16 ducks that lay eggs every morning and she sells the remainder at the farmers market for two dollars each.',
  'A robe takes 2 bolts of blue fiber and half that much white fiber. How many bolts in total does it take?'
]

function jsonl(rows: object[]): string {
  return rows.map(r => JSON.stringify(r)).join('\n') + '\n'
}

const config = parseConfig(
  [
    'datasets:',
    '  - name: mixed',
    '    paths: ["data/mixed/**"]',
    '    provenance:',
    '      paths: { real: ["data/mixed/real*"], synthetic: ["data/mixed/synthetic*"] }',
    '  - name: generated',
    '    paths: ["data/generated/**"]',
    '    provenance: { default: synthetic }',
    'eval-sets:',
    '  - name: held-out',
    '    paths: [eval/test.jsonl]',
    '    fields: { input: [question] }',
    'realism:',
    '  sample-size: 300',
    '  reference: { name: users, paths: [ref/prompts.jsonl], fields: { input: [text] } }'
  ].join('\n'),
  'test.yml'
)

let repo: TempRepo
let scratch: string
let options: CheckOptions
let fresh: Report

beforeAll(async () => {
  repo = tempRepo()
  scratch = tempDir()
  const human = humanPairs(400)
  const generated = generatedPairs(900)
  const rows = (pairs: { input: string; output: string }[]) =>
    pairs.map(p => ({ prompt: p.input, response: p.output }))
  repo.write('eval/test.jsonl', jsonl(EVAL.map(question => ({ question }))))
  repo.write('ref/prompts.jsonl', jsonl(human.slice(0, 200).map(p => ({ text: p.input }))))
  repo.write('data/mixed/real.jsonl', jsonl(rows(human.slice(0, 300))))
  repo.write('data/mixed/synthetic.jsonl', jsonl(rows(generated.slice(0, 500))))
  repo.write('data/generated/a.jsonl', jsonl(rows(generated.slice(500, 800))))
  const base = repo.commit('base')
  // Head: rows removed and edited, copies of existing rows, rows moved between files, new generated rows, an
  // eval question, and a broken line.
  repo.write('data/mixed/real.jsonl', jsonl(rows(human.slice(10, 400))))
  repo.write(
    'data/mixed/synthetic.jsonl',
    jsonl([
      ...rows(generated.slice(0, 450)),
      ...rows(generated.slice(0, 40)),
      { prompt: EVAL[0], response: 'copied' },
      ...rows(generated.slice(800, 900)).map(r => ({ ...r, response: `${r.response}!` }))
    ]) + '{"prompt": "broken\n'
  )
  repo.write('data/generated/a.jsonl', jsonl(rows(generated.slice(520, 800))))
  repo.write(
    'data/generated/b.jsonl',
    jsonl([...rows(generated.slice(450, 520)), { prompt: EVAL[1]!.toUpperCase(), response: 'x' }])
  )
  const head = repo.commit('head')
  options = { repo: repo.dir, base, head, config }
  fresh = await runCheck(options)
})

afterAll(() => {
  repo.cleanup()
  removeDir(scratch)
})

describe('the base cache and shards through the pipeline', () => {
  it('is a fixture with something in every part of the report', () => {
    expect(fresh.datasets.map(d => d.name)).toEqual(['mixed', 'generated'])
    const [mixed, generated] = fresh.datasets as [Report['datasets'][0], Report['datasets'][0]]
    expect(mixed.change).toMatchObject({ added: expect.any(Number), removed: expect.any(Number) })
    expect(mixed.change.added).toBeGreaterThan(100)
    expect(mixed.change.removed).toBeGreaterThan(0)
    expect(mixed.change.duplicatesOfExisting).toBeGreaterThan(0)
    expect(mixed.findings.some(f => f.kind === 'invalid-row')).toBe(true)
    expect(mixed.leakage?.exact).toBe(1)
    expect(mixed.realism?.baseline).toBe('real')
    expect(generated.realism?.baseline).toBe('reference')
    expect(generated.leakage?.normalised).toBe(1)
    // Rows that moved from a.jsonl to b.jsonl are unchanged, not removed and added.
    expect(generated.change.unchanged).toBeGreaterThan(250)
  })

  it('gives the same report when the base is loaded from the cache', async () => {
    const cacheDir = join(scratch, 'cache')
    const first: string[] = []
    expect(await runCheck({ ...options, cacheDir, log: line => first.push(line) })).toEqual(fresh)
    expect(readdirSync(cacheDir).filter(f => f.endsWith('.state'))).toHaveLength(2)
    expect(first.join('\n')).not.toContain('loaded from the cache')
    const second: string[] = []
    expect(await runCheck({ ...options, cacheDir, log: line => second.push(line) })).toEqual(fresh)
    expect(second.filter(line => line.includes('base analysis loaded from the cache'))).toHaveLength(2)
    expect(second.join('\n')).not.toMatch(/reading base/)
  })

  it('keeps only the base analyses of the last run, and the files of other shards', async () => {
    const cacheDir = join(scratch, 'pruned')
    await runCheck({ ...options, cacheDir })
    await analyseRun({ ...options, cacheDir }, { index: 1, count: 2 })
    const used = readdirSync(cacheDir).sort()
    expect(used.filter(f => f.startsWith('base-1of1-'))).toHaveLength(2)
    expect(used.filter(f => f.startsWith('base-2of2-'))).toHaveLength(2)
    // An analysis of an earlier base, left by an older run: the next whole run removes it and keeps the rest.
    writeFileSync(join(cacheDir, `base-1of1-${'0'.repeat(64)}.state`), 'dataset-guard-state 2\n')
    const lines: string[] = []
    expect(await runCheck({ ...options, cacheDir, log: line => lines.push(line) })).toEqual(fresh)
    expect(readdirSync(cacheDir).sort()).toEqual(used)
    expect(lines).toContain('cache: removed 1 analysis file(s) of earlier bases')
  })

  it('reads the base again when a cache file is damaged, and says so', async () => {
    const cacheDir = join(scratch, 'damaged')
    await runCheck({ ...options, cacheDir })
    for (const file of readdirSync(cacheDir))
      writeFileSync(join(cacheDir, file), 'dataset-guard-state 1\n{"json":')
    const lines: string[] = []
    expect(await runCheck({ ...options, cacheDir, log: line => lines.push(line) })).toEqual(fresh)
    expect(lines.join('\n')).toMatch(/cache: .*reading the base/)
  })

  it('merges four shards, each written to a partial file and read back, into exactly the single run', async () => {
    const count = 4
    const files: string[] = []
    for (let index = 0; index < count; index++) {
      const file = join(scratch, 'partials', `shard-${index}.partial`)
      await writePartial(file, await analyseRun(options, { index, count }))
      files.push(file)
    }
    const partials = await Promise.all(files.reverse().map(file => readPartial(file, config)))
    expect(await reportOf(partials, config)).toEqual(fresh)
  })

  it('refuses to report with a shard missing, or shards of different runs', async () => {
    const partials = [await analyseRun(options, { index: 0, count: 2 })]
    await expect(reportOf(partials, config)).rejects.toThrow(/shard\(s\) 2\/2 missing/)
    const other = await analyseRun({ ...options, head: options.base }, { index: 1, count: 2 })
    await expect(reportOf([...partials, other], config)).rejects.toThrow(/different commits or datasets/)
  })

  it('refuses, as each partial comes, a shard given twice or a shard of another split', async () => {
    const merge = new PartialMerge()
    merge.add(await analyseRun(options, { index: 0, count: 2 }))
    const again = await analyseRun(options, { index: 0, count: 2 })
    expect(() => merge.add(again)).toThrow(/not distinct shards of one run/)
    const otherSplit = await analyseRun(options, { index: 1, count: 3 })
    expect(() => merge.add(otherSplit)).toThrow(/not distinct shards of one run/)
    await expect(merge.report(config)).rejects.toThrow(/shard\(s\) 2\/2 missing/)
    merge.add(await analyseRun(options, { index: 1, count: 2 }))
    expect(await merge.report(config)).toEqual(fresh)
  })
})
