// `npm run demo`: builds a throw-away git repository from examples/demo (a base commit of human-written rows
// with provenance, then a head commit that adds templated synthetic rows and one broken line) and runs the
// built CLI on it, the way a user runs it on a pull request.
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const example = join(root, 'examples', 'demo')
const repo = mkdtempSync(join(tmpdir(), 'dataset-guard-demo-'))
const git = (...args) =>
  execFileSync(
    'git',
    ['-c', 'user.name=Demo', '-c', 'user.email=demo@example.com', '-c', 'commit.gpgsign=false', ...args],
    { cwd: repo, stdio: 'pipe' }
  )

git('init', '-q', '-b', 'main')
mkdirSync(join(repo, '.github'))
cpSync(join(example, 'dataset-guard.yml'), join(repo, '.github', 'dataset-guard.yml'))
cpSync(join(example, 'base'), repo, { recursive: true })
git('add', '-A')
git('commit', '-q', '-m', 'Human-written chat rows')
git('checkout', '-q', '-b', 'add-synthetic-rows')
cpSync(join(example, 'head'), repo, { recursive: true })
git('add', '-A')
git('commit', '-q', '-m', 'Add 180 generated rows')

const markdown = join(repo, 'dataset-guard-report.md')
const json = join(repo, 'dataset-guard-report.json')
console.log(`Demo repository: ${repo}`)
console.log('$ dataset-guard check --base main --head add-synthetic-rows\n')
const result = spawnSync(
  process.execPath,
  [
    join(root, 'dist', 'cli', 'index.js'),
    'check',
    '--base',
    'main',
    '--head',
    'add-synthetic-rows',
    '--quiet',
    '--markdown',
    markdown,
    '--json',
    json
  ],
  { cwd: repo, stdio: 'inherit' }
)
console.log(
  `\nExit code ${result.status}${result.status === 1 ? ': the gate failed, as this demo intends.' : ''}`
)
console.log(`The PR comment's markdown: ${markdown}\nThe full JSON report: ${json}`)
// 0 (pass) and 1 (gate failed) both mean the demo ran; 2 means a usage, config or git error.
process.exitCode = result.status === 0 || result.status === 1 ? 0 : 1
