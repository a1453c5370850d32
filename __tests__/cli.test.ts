import { afterEach, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { cli, EXIT_FAIL, EXIT_PASS, EXIT_USAGE } from '../src/cli.js'
import type { Report } from '../src/types.js'
import { VERSION } from '../src/version.js'
import { tempRepo, type TempRepo } from './fixtures/git/temp-repo.js'

const repos: TempRepo[] = []
afterEach(() => {
  while (repos.length > 0) repos.pop()?.cleanup()
})

async function run(args: string[], cwd: string) {
  let stdout = ''
  let stderr = ''
  const code = await cli(args, {
    stdout: t => (stdout += t),
    stderr: t => (stderr += t),
    isTty: false,
    cwd
  })
  return { code, stdout, stderr }
}

/** A repository whose head commit adds 60 templated rows to 5 written ones: the gate fails. */
function templatedChange(): TempRepo {
  const r = tempRepo()
  repos.push(r)
  const human = [
    'why is the sky blue',
    'sql for the second highest salary',
    'how to center a div',
    'best pizza dough recipe?',
    'fix my bike chain'
  ]
  const rows = human.map(prompt => JSON.stringify({ prompt, response: 'ok' }))
  r.write('data/train.jsonl', rows.join('\n') + '\n')
  r.commit('base')
  r.git(['checkout', '-q', '-b', 'feature'])
  const extra = Array.from({ length: 60 }, (_, i) =>
    JSON.stringify({ prompt: `What is ${i} + ${i * 3}?`, response: String(i * 4) })
  )
  r.write('data/train.jsonl', [...rows, ...extra].join('\n') + '\n')
  r.commit('templated rows')
  return r
}

describe('dataset-guard check', () => {
  it('exits 1 when the gate fails, prints the report, and writes JSON and markdown', async () => {
    const r = templatedChange()
    const { code, stdout, stderr } = await run(
      ['check', '--base', 'main', '--json', 'out/report.json', '--markdown', 'out/report.md'],
      r.dir
    )
    expect(stderr).toContain('reading head data/train.jsonl')
    expect(code).toBe(EXIT_FAIL)
    expect(stdout).toContain('unique-pattern ratio')
    expect(stdout).not.toContain('\u001b[')
    const report = JSON.parse(readFileSync(join(r.dir, 'out/report.json'), 'utf8')) as Report
    expect(report.datasets[0]?.change.added).toBe(60)
    expect(report.verdict.passed).toBe(false)
    expect(readFileSync(join(r.dir, 'out/report.md'), 'utf8')).toMatch(/^<!-- dataset-guard -->/)
  })

  it('exits 0 when the gate passes, e.g. with a config that relaxes it', async () => {
    const r = templatedChange()
    r.write(
      'relaxed.yml',
      'thresholds:\n  min-unique-pattern-ratio: off\n  max-unique-pattern-ratio-drop: off\n  min-novel-pattern-ratio: off\n'
    )
    const { code, stdout } = await run(
      ['check', '--base', 'main', '--config', 'relaxed.yml', '--quiet'],
      r.dir
    )
    expect(code).toBe(EXIT_PASS)
    expect(stdout).toMatch(/pass/)
  })

  it('finds .github/dataset-guard.yml on its own', async () => {
    const r = templatedChange()
    r.write(
      '.github/dataset-guard.yml',
      'thresholds:\n  min-unique-pattern-ratio: 0.01\n  max-unique-pattern-ratio-drop: off\n  min-novel-pattern-ratio: off\n'
    )
    expect((await run(['check', '--base', 'main', '--quiet'], r.dir)).code).toBe(EXIT_PASS)
  })

  it('exits 2 on usage, config and git errors, with a message that says what is wrong', async () => {
    const r = templatedChange()
    expect(await run(['check'], r.dir)).toMatchObject({
      code: EXIT_USAGE,
      stderr: expect.stringContaining('--base is required')
    })
    expect(await run(['frobnicate'], r.dir)).toMatchObject({
      code: EXIT_USAGE,
      stderr: expect.stringContaining('Unknown command')
    })
    expect(await run(['check', '--base', 'main', '--bogus'], r.dir)).toMatchObject({ code: EXIT_USAGE })
    expect(await run(['check', '--base', 'no-such-branch'], r.dir)).toMatchObject({
      code: EXIT_USAGE,
      stderr: expect.stringContaining('no-such-branch')
    })
    expect(await run(['check', '--base', 'main', '--config', 'missing.yml'], r.dir)).toMatchObject({
      code: EXIT_USAGE,
      stderr: expect.stringContaining('missing.yml')
    })
    r.write('bad.yml', 'thresholds:\n  min-real-fraction: 7\n')
    expect(await run(['check', '--base', 'main', '--config', 'bad.yml'], r.dir)).toMatchObject({
      code: EXIT_USAGE,
      stderr: expect.stringContaining('thresholds.min-real-fraction')
    })
  })

  it('prints help and the version', async () => {
    expect(await run(['--help'], '/')).toMatchObject({
      code: EXIT_PASS,
      stdout: expect.stringContaining('--base REV')
    })
    expect(await run(['--version'], '/')).toMatchObject({ code: EXIT_PASS, stdout: `${VERSION}\n` })
  })

  it('runs as the built binary, the way npx runs it', () => {
    const r = templatedChange()
    const bin = join(process.cwd(), 'dist', 'cli', 'index.js')
    const result = spawnSync(process.execPath, [bin, 'check', '--base', 'main', '--quiet'], {
      cwd: r.dir,
      encoding: 'utf8'
    })
    expect(result.stderr).toBe('')
    expect(result.status).toBe(EXIT_FAIL)
    expect(result.stdout).toContain('data/train.jsonl')
  })
})

describe('dataset-guard check on many files', () => {
  it('starts a fixed number of git processes, not one or two per file (the built binary, both threads)', () => {
    const r = tempRepo()
    repos.push(r)
    r.write('data/seed.jsonl', `${JSON.stringify({ prompt: 'seed', response: 'ok' })}\n`)
    r.commit('base')
    const files = 40
    for (let f = 0; f < files; f++) {
      const rows = Array.from({ length: 5 }, (_, i) =>
        JSON.stringify({ prompt: `file ${f} row ${i}`, response: 'ok' })
      )
      r.write(`data/part-${f}.jsonl`, `${rows.join('\n')}\n`)
    }
    r.commit('head')
    const trace = join(r.dir, '..', `git-trace-${process.pid}.txt`)
    const bin = join(process.cwd(), 'dist', 'cli', 'index.js')
    const result = spawnSync(
      process.execPath,
      [bin, 'check', '--base', 'HEAD~1', '--quiet', '--json', 'r.json'],
      {
        cwd: r.dir,
        env: { ...process.env, GIT_TRACE: trace },
        encoding: 'utf8'
      }
    )
    expect(result.stderr).toBe('')
    const report = JSON.parse(readFileSync(join(r.dir, 'r.json'), 'utf8')) as Report
    expect(report.datasets).toHaveLength(files)
    const started = readFileSync(trace, 'utf8')
      .split('\n')
      .filter(line => line.includes('trace: built-in: git'))
    // Resolving the commits, the diff, and one `cat-file --batch` per thread (each file was two more before).
    expect(started.length).toBeLessThan(15)
  })
})

describe('version', () => {
  it('matches package.json', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    expect(VERSION).toBe(pkg.version)
  })
})

describe('dataset-guard check --shard and merge', () => {
  it('merges the partial files of three shards into the report and exit code of one check', async () => {
    const r = templatedChange()
    const whole = await run(['check', '--base', 'main', '--json', 'whole.json'], r.dir)
    for (const shard of ['1/3', '2/3', '3/3']) {
      const { code, stderr } = await run(
        [
          'check',
          '--base',
          'main',
          '--shard',
          shard,
          '--partial',
          `parts/${shard.replace('/', '-of-')}.partial`
        ],
        r.dir
      )
      expect(code).toBe(EXIT_PASS)
      expect(stderr).toContain(`shard ${shard}: partial result written to`)
    }
    const merged = await run(
      [
        'merge',
        'parts/3-of-3.partial',
        'parts/1-of-3.partial',
        'parts/2-of-3.partial',
        '--json',
        'merged.json'
      ],
      r.dir
    )
    expect(merged.code).toBe(whole.code)
    expect(merged.code).toBe(EXIT_FAIL)
    expect(merged.stdout).toBe(whole.stdout)
    const read = (file: string): Report => JSON.parse(readFileSync(join(r.dir, file), 'utf8')) as Report
    expect(read('merged.json')).toEqual(read('whole.json'))
  })

  it('refuses a merge with a shard missing, a bad shard, or --shard without --partial', async () => {
    const r = templatedChange()
    await run(['check', '--base', 'main', '--shard', '1/2', '--partial', 'one.partial'], r.dir)
    const missing = await run(['merge', 'one.partial'], r.dir)
    expect(missing.code).toBe(EXIT_USAGE)
    expect(missing.stderr).toContain('shard(s) 2/2 missing')
    const bad = await run(['check', '--base', 'main', '--shard', '3/2', '--partial', 'x.partial'], r.dir)
    expect(bad.code).toBe(EXIT_USAGE)
    expect(bad.stderr).toContain('a shard is I/N with 1 <= I <= N')
    const alone = await run(['check', '--base', 'main', '--shard', '1/2'], r.dir)
    expect(alone.code).toBe(EXIT_USAGE)
    const notPartial = await run(['merge', 'data/train.jsonl'], r.dir)
    expect(notPartial.code).toBe(EXIT_USAGE)
    expect(notPartial.stderr).toContain('not a dataset-guard state file')
  })

  it('loads the base from --cache-dir on the second run, with the same report', async () => {
    const r = templatedChange()
    const first = await run(['check', '--base', 'main', '--cache-dir', '.cache/dg'], r.dir)
    const second = await run(['check', '--base', 'main', '--cache-dir', '.cache/dg'], r.dir)
    expect(first.stderr).toContain('reading base data/train.jsonl')
    expect(second.stderr).not.toContain('reading base data/train.jsonl')
    expect(second.stderr).toContain('base analysis loaded from the cache')
    expect(second.stdout).toBe(first.stdout)
    expect(second.code).toBe(first.code)
  })
})
