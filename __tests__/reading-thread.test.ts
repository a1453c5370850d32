// The built CLI (dist/cli/index.js, which `npm test` runs after the build) reads rows on a reading thread; with
// DATASET_GUARD_THREADS=0 it reads them on the main thread. Both must give the same report, byte for byte, on
// a change with every kind of row: several files, bad lines, provenance by path, rows moved between files,
// shards, and a cached base.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { removeDir, tempDir, tempRepo, type TempRepo } from './fixtures/git/temp-repo.js'
import { generatedPairs, humanPairs } from './helpers/realism-rows.js'

const CLI = resolve('dist/cli/index.js')

function jsonl(rows: object[]): string {
  return rows.map(r => JSON.stringify(r)).join('\n') + '\n'
}

let repo: TempRepo
let scratch: string

beforeAll(() => {
  repo = tempRepo()
  scratch = tempDir()
  const human = humanPairs(300).map(p => ({ prompt: p.input, response: p.output }))
  const generated = generatedPairs(1500).map(p => ({ prompt: p.input, response: p.output }))
  repo.write(
    '.github/dataset-guard.yml',
    [
      'datasets:',
      '  - name: train',
      '    paths: ["data/**"]',
      '    provenance:',
      '      paths: { real: ["data/real*"], synthetic: ["data/synthetic*"] }',
      'realism:',
      '  sample-size: 200'
    ].join('\n')
  )
  repo.write('data/real.jsonl', jsonl(human.slice(0, 250)))
  repo.write('data/synthetic-a.jsonl', jsonl(generated.slice(0, 900)))
  repo.commit('base')
  repo.git(['checkout', '-q', '-b', 'feature'])
  repo.write('data/real.jsonl', jsonl(human.slice(20, 300)) + '{"prompt": broken}\n')
  repo.write('data/synthetic-a.jsonl', jsonl(generated.slice(0, 600)))
  // Case and spacing variants: one normalised input, several exact ones.
  const variants = generated.slice(0, 100).map(r => ({ ...r, prompt: `  ${r.prompt.toUpperCase()}  ` }))
  // Two rows of 3 MB each: a batch is sent early when its texts pass 4 MB.
  const huge = [1, 2].map(i => ({ prompt: `huge ${i} ${'lorem ipsum '.repeat(250_000)}`, response: 'ok' }))
  repo.write(
    'data/synthetic-b.jsonl',
    jsonl([...generated.slice(600, 900), ...huge, ...variants, ...generated.slice(900, 1500)])
  )
  repo.commit('head')
})

afterAll(() => {
  repo.cleanup()
  removeDir(scratch)
})

function check(
  args: string[],
  threads: boolean,
  json: string
): { code: number | null; stderr: string; report: string } {
  const env = { ...process.env, DATASET_GUARD_THREADS: threads ? '1' : '0' }
  const out = join(scratch, json)
  const run = spawnSync(process.execPath, [CLI, 'check', '--base', 'main', '--json', out, ...args], {
    cwd: repo.dir,
    env,
    encoding: 'utf8'
  })
  return { code: run.status, stderr: run.stderr, report: readFileSync(out, 'utf8') }
}

describe('the reading thread', () => {
  it('gives the report the main thread gives, byte for byte', () => {
    const threaded = check([], true, 'threaded.json')
    const alone = check([], false, 'alone.json')
    expect(threaded.code).toBe(alone.code)
    expect(threaded.report).toBe(alone.report)
    const report = JSON.parse(threaded.report)
    expect(report.datasets[0].head.rows).toBeGreaterThan(1000)
    expect(report.datasets[0].head.invalidRows).toBe(1)
    expect(report.datasets[0].head.diversity.distinct2).not.toBeNull()
    expect(report.datasets[0].change.unchanged).toBeGreaterThan(800)
    expect(report.datasets[0].head.unique.exact).toBeGreaterThan(report.datasets[0].head.unique.normalised)
  })

  it('gives the same report with a cached base, and the same partials to merge', () => {
    const fresh = check([], false, 'fresh.json').report
    const cacheDir = join(scratch, 'cache')
    check(['--cache-dir', cacheDir], true, 'warm-up.json')
    expect(check(['--cache-dir', cacheDir], true, 'cached.json').report).toBe(fresh)
    const parts = [1, 2, 3].map(i => join(scratch, `part-${i}.partial`))
    parts.forEach((part, i) => {
      const run = spawnSync(
        process.execPath,
        [CLI, 'check', '--base', 'main', '--shard', `${i + 1}/3`, '--partial', part, '--quiet'],
        {
          cwd: repo.dir,
          env: { ...process.env, DATASET_GUARD_THREADS: i === 1 ? '0' : '1' },
          encoding: 'utf8'
        }
      )
      expect(run.status).toBe(0)
    })
    const merged = join(scratch, 'merged.json')
    spawnSync(process.execPath, [CLI, 'merge', ...parts, '--json', merged], {
      cwd: repo.dir,
      encoding: 'utf8'
    })
    expect(readFileSync(merged, 'utf8')).toBe(fresh)
  })
})
