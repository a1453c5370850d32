// `npm run bench [-- --sizes 10000,100000 --json FILE --runs N --build --cpu-prof DIR --keep --shards N --cache]`
//
// For each size: generates a seeded JSONL dataset (templated and independently written rows), commits it as a
// base and a head (10% rows added, 2% removed) in a temporary git repository, and runs the built CLI's
// `check` on it as a child process. Beside it, in the same run, a parse-only baseline streams the same two
// blobs from `git cat-file --batch` and parses every line with the project's JSONL reader, nothing else (a
// small entry, scripts/bench-probe.ts, built with ncc into the temporary folder). Prints wall time, rows per
// second (base + head rows read), peak resident memory and the check / parse-only ratio, plus the
// near-duplicate stage's pair recall and precision against exact all-pairs Jaccard on a 5k-row sample.
// With --shards N it also runs the check as N shards (one after another, each timed) and merges their
// partial files, and says whether the merged report equals the single run's; with --cache it runs the check
// twice with --cache-dir and times the second run, which loads the base instead of reading it.
// Figures are printed, never asserted. Peak memory is GNU time's "Maximum resident set size" when
// /usr/bin/time exists, else the child's own process.resourceUsage().maxRSS (reported at exit).
import { execFileSync, spawn } from 'node:child_process'
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { createRequire } from 'node:module'
import { cpus, tmpdir, totalmem, release, platform, arch } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

const DEFAULT_SIZES = [10_000, 100_000, 1_000_000]
/** Shares of the change, as the issue defines the head commit. */
const ADDED_SHARE = 0.1
const REMOVED_SHARE = 0.02
/** Rows in the near-duplicate sample; all pairs of its distinct keys (about 12.5M) are compared exactly. */
const NEAR_DUP_SAMPLE_ROWS = 5000
const SEED = 20240601
/** The dataset's path inside the temporary repository. */
const DATA_PATH = 'data/train.jsonl'
/** Lines are written in batches of about this many characters: few write calls, never one giant string. */
const WRITE_BATCH_CHARS = 1 << 20

// ---------------------------------------------------------------------------------------------------------
// Deterministic text generation
// ---------------------------------------------------------------------------------------------------------

/** mulberry32: a small, fast, seedable PRNG; one stream per purpose keeps the data reproducible. */
function prng(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pick = (rng, list) => list[Math.floor(rng() * list.length)]
/** An exponential draw: prompt and answer lengths are skewed, most short and a long tail, as in real sets. */
const exponential = (rng, mean) => -Math.log(1 - rng()) * mean

/** Sampling by rank with Zipf-Mandelbrot weights 1 / (rank + q)^s, as word frequencies in text are. */
function zipfSampler(size, s, q) {
  const cdf = new Float64Array(size)
  let total = 0
  for (let r = 0; r < size; r++) {
    total += 1 / Math.pow(r + 1 + q, s)
    cdf[r] = total
  }
  return rng => {
    const x = rng() * total
    let lo = 0
    let hi = size - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (cdf[mid] < x) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

const FUNCTION_WORDS = (
  'the of and to a in is that for it as with was on be by this are or at from but not have an they which ' +
  'you one were all we when there can has more if will would their what so about out up into than them ' +
  'some could these its only other then also after how most over any our such should where between each ' +
  'very because through my do does your just well those both same while here many must before may way ' +
  'even new being me much under still against own without'
).split(' ')

const OPENERS = [
  'how do i',
  'what is the best way to',
  'can you explain why',
  'write a short',
  'why does',
  'explain how',
  'give me',
  'i need help with',
  'tell me about',
  'summarise',
  'compare',
  'list',
  'describe',
  'help me',
  'is it true that',
  'what happens when',
  'please rewrite',
  'suggest',
  'what are the',
  'could you check',
  'in your opinion',
  'draft an email about',
  'my team wants to',
  'is there a way to',
  'translate'
]

const NAMES = (
  'Alice Bob Carol David Emma Farid Grace Hiro Ines Jamal Kofi Lena Marco Nadia Omar Priya Quentin Rosa ' +
  'Sven Tariq Uma Viktor Wen Ximena Yusuf Zara Amara Bruno Chen Dmitri Elif Fatima Goran Hana Ivan Jonas ' +
  'Kai Leila Mateo Noor Olga Pablo Ravi Sofia Tomas Ugo Vera Wei Yara Zoltan London Paris Kenya Lagos ' +
  'Berlin Oslo Lima Toronto Madrid Seoul Cairo Mumbai Denver Austin Texas Ohio Python Excel Monday Friday'
).split(' ')

const TLDS = ['com', 'org', 'io', 'net', 'dev']
const NON_ASCII = ['café', 'naïve', '—', '“quoted”', 'résumé', 'über', '’s', 'jalapeño', '数据', 'São Paulo']

class TextMaker {
  constructor(vocabulary) {
    this.vocabulary = vocabulary
    this.word = zipfSampler(vocabulary.length, 1.0, 2.7)
    this.functionWord = zipfSampler(FUNCTION_WORDS.length, 0.8, 1)
  }

  words(rng, count, out = []) {
    for (let i = 0; i < count; i++) {
      out.push(rng() < 0.42 ? FUNCTION_WORDS[this.functionWord(rng)] : this.vocabulary[this.word(rng)])
    }
    return out
  }

  number(rng) {
    const kind = rng()
    if (kind < 0.45) return String(1 + Math.floor(rng() * 1000))
    if (kind < 0.6) return `${Math.floor(rng() * 100)}.${Math.floor(rng() * 100)}`
    if (kind < 0.72) return `$${Math.floor(rng() * 5000)}`
    if (kind < 0.82) return `${Math.floor(rng() * 100)}%`
    if (kind < 0.92) return String(1900 + Math.floor(rng() * 130))
    return `${1 + Math.floor(rng() * 12)}/${1 + Math.floor(rng() * 28)}`
  }

  /** One sentence of a prompt a person might write, with the features templateScan masks now and then. */
  promptSentence(rng, length) {
    const tokens = []
    if (rng() < 0.5) tokens.push(...pick(rng, OPENERS).split(' '))
    this.words(rng, Math.max(1, length - tokens.length), tokens)
    const insert = value => tokens.splice(1 + Math.floor(rng() * tokens.length), 0, value)
    if (rng() < 0.15) insert(pick(rng, NAMES))
    if (rng() < 0.15) insert(this.number(rng))
    if (rng() < 0.05) insert(`"${this.words(rng, 1 + Math.floor(rng() * 4)).join(' ')}"`)
    if (rng() < 0.04) insert(`\`${this.vocabulary[this.word(rng)]}()\``)
    if (rng() < 0.03)
      insert(
        `https://${this.vocabulary[this.word(rng)]}.${pick(rng, TLDS)}/${this.vocabulary[this.word(rng)]}`
      )
    if (rng() < 0.01) insert(`${this.vocabulary[this.word(rng)]}@example.${pick(rng, TLDS)}`)
    if (rng() < 0.04) insert(pick(rng, NON_ASCII))
    let sentence = tokens.join(' ')
    if (rng() < 0.85) sentence = sentence.charAt(0).toUpperCase() + sentence.slice(1)
    const end = rng()
    return sentence + (end < 0.45 ? '?' : end < 0.8 ? '.' : end < 0.85 ? '!' : '')
  }

  /** 10-60 words in one to a few sentences; a few prompts carry a fenced code block. */
  independentPrompt(rng) {
    let left = 10 + Math.min(50, Math.floor(exponential(rng, 8)))
    const sentences = []
    while (left > 0) {
      const length = Math.min(left, 5 + Math.floor(rng() * 14))
      sentences.push(this.promptSentence(rng, length))
      left -= length
    }
    let text = sentences.join(rng() < 0.9 ? ' ' : '\n')
    if (rng() < 0.01) text += `\n\`\`\`\n${this.words(rng, 6).join('_')} = ${this.number(rng)}\n\`\`\``
    return text
  }

  /** 30-200 words of answer prose. */
  answer(rng) {
    let left = 30 + Math.min(170, Math.floor(exponential(rng, 12)))
    const sentences = []
    while (left > 0) {
      const length = Math.min(left, 6 + Math.floor(rng() * 16))
      const tokens = this.words(rng, length)
      if (rng() < 0.1) tokens.splice(Math.floor(rng() * tokens.length), 0, this.number(rng))
      const sentence = tokens.join(' ')
      sentences.push(`${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`)
      left -= length
    }
    return sentences.join(' ')
  }
}

/** Word, name and number slots in fixed text; some templates use their word slot twice. */
function makeTemplates(maker, count) {
  const rng = prng(SEED ^ 0x7e3a1)
  const templates = []
  for (let t = 0; t < count; t++) {
    const length = 8 + Math.min(40, Math.floor(exponential(rng, 10)))
    const parts = maker.promptSentence(rng, length).split(' ')
    const words = maker.words(rng, 8 + Math.floor(rng() * 30))
    const slots = 1 + Math.floor(rng() * 4)
    for (let s = 0; s < slots; s++) {
      const kind = rng()
      const slot = kind < 0.4 ? { kind: 'word' } : kind < 0.7 ? { kind: 'name' } : { kind: 'number' }
      parts.splice(1 + Math.floor(rng() * parts.length), 0, slot)
      if (slot.kind === 'word' && rng() < 0.2) parts.splice(1 + Math.floor(rng() * parts.length), 0, slot)
    }
    templates.push({ parts, words })
  }
  return templates
}

function fillTemplate(maker, template, rng) {
  let word = null
  const out = []
  for (const part of template.parts) {
    if (typeof part === 'string') out.push(part)
    else if (part.kind === 'word') out.push((word ??= pick(rng, template.words)))
    else if (part.kind === 'name') out.push(pick(rng, NAMES))
    else out.push(maker.number(rng))
  }
  return out.join(' ')
}

/** The vocabulary in a seeded order that puts short words first, since frequent words are short. */
function vocabularyOf(size) {
  const rng = prng(SEED ^ 0x51ed)
  const words = require('an-array-of-english-words').filter(word => /^[a-z]{2,12}$/.test(word))
  return words
    .map(word => ({ word, rank: word.length + rng() * 6 }))
    .sort((a, b) => a.rank - b.rank)
    .slice(0, size)
    .map(entry => entry.word)
}

/** A file written in batched lines, waiting on the stream when its buffer is full. */
class LineWriter {
  constructor(path) {
    this.stream = createWriteStream(path)
    this.pending = []
    this.chars = 0
    this.bytes = 0
    this.lines = 0
  }

  async write(line) {
    this.pending.push(line)
    this.chars += line.length + 1
    this.lines++
    if (this.chars >= WRITE_BATCH_CHARS) await this.flush()
  }

  async flush() {
    if (this.pending.length === 0) return
    const chunk = `${this.pending.join('\n')}\n`
    this.pending = []
    this.chars = 0
    this.bytes += Buffer.byteLength(chunk)
    if (!this.stream.write(chunk)) await new Promise(done => this.stream.once('drain', done))
  }

  async close() {
    await this.flush()
    await new Promise((done, fail) => this.stream.end(error => (error ? fail(error) : done())))
  }
}

/**
 * Writes the base file, the head file (base minus ~2%, plus ~10% added rows spread through it) and the
 * near-duplicate sample in one pass. Base rows are 55% independently written (source: human, or none) and 45%
 * from templates (source: synthetic, template popularity Zipf-distributed); added rows lean synthetic and 5%
 * of them repeat an existing prompt with a new answer.
 */
async function generate(rows, paths) {
  const maker = new TextMaker(vocabularyOf(60_000))
  const templates = makeTemplates(maker, 300)
  const templateOf = zipfSampler(templates.length, 0.9, 1)
  const rng = prng(SEED ^ rows)
  const base = new LineWriter(paths.base)
  const head = new LineWriter(paths.head)
  const sample = new LineWriter(paths.sample)
  const sampleEvery = Math.max(1, Math.floor(rows / NEAR_DUP_SAMPLE_ROWS))
  const recentPrompts = []
  const line = (prompt, source) =>
    JSON.stringify(
      source === null
        ? { prompt, response: maker.answer(rng) }
        : { prompt, response: maker.answer(rng), source }
    )
  const templated = () => fillTemplate(maker, templates[templateOf(rng)], rng)

  for (let i = 0; i < rows; i++) {
    let row
    if (rng() < 0.55) {
      const prompt = maker.independentPrompt(rng)
      row = line(prompt, rng() < 0.95 ? 'human' : null)
      if (recentPrompts.length < 1000) recentPrompts.push(prompt)
      else recentPrompts[Math.floor(rng() * 1000)] = prompt
    } else {
      row = line(templated(), 'synthetic')
    }
    await base.write(row)
    if (i % sampleEvery === 0 && sample.lines < NEAR_DUP_SAMPLE_ROWS) await sample.write(row)
    if (rng() >= REMOVED_SHARE) await head.write(row)
    if (rng() < ADDED_SHARE) {
      const kind = rng()
      if (kind < 0.65) await head.write(line(templated(), 'synthetic'))
      else if (kind < 0.95) await head.write(line(maker.independentPrompt(rng), 'human'))
      else await head.write(line(pick(rng, recentPrompts), 'synthetic'))
    }
  }
  await Promise.all([base.close(), head.close(), sample.close()])
  return { baseRows: base.lines, headRows: head.lines, baseBytes: base.bytes, headBytes: head.bytes }
}

// ---------------------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------------------

const GNU_TIME = '/usr/bin/time'
const hasGnuTime = existsSync(GNU_TIME)
/** Fallback probe: the child reports its own peak RSS on stderr as it exits. */
const MAX_RSS_HOOK =
  'data:text/javascript,' +
  encodeURIComponent(
    "import { writeSync } from 'node:fs'\n" +
      "process.on('exit', () => writeSync(2, `\\nBENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\\n`))"
  )

/** Runs node with args; resolves with wall time, peak RSS (KiB), exit code and output. */
function timedNode(args, cwd) {
  const command = hasGnuTime ? GNU_TIME : process.execPath
  const argv = hasGnuTime ? ['-v', process.execPath, ...args] : ['--import', MAX_RSS_HOOK, ...args]
  return new Promise((done, fail) => {
    const started = performance.now()
    const child = spawn(command, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    const out = []
    const err = []
    child.stdout.on('data', chunk => out.push(chunk))
    child.stderr.on('data', chunk => err.push(chunk))
    child.on('error', fail)
    child.on('close', code => {
      const wallMs = performance.now() - started
      const stderr = Buffer.concat(err).toString('utf8')
      const rss = hasGnuTime
        ? /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)
        : /BENCH_MAX_RSS_KB=(\d+)/.exec(stderr)
      done({
        wallMs,
        maxRssKb: rss ? Number(rss[1]) : null,
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr
      })
    })
  })
}

function git(cwd, ...args) {
  return execFileSync(
    'git',
    ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgsign=false', ...args],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 20 }
  )
    .toString('utf8')
    .trim()
}

/** The newest modification time under a folder, to tell whether dist/ was built from the current sources. */
function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]

/** Runs a timed command `runs` times; keeps the run with the median wall time. */
async function medianRun(runs, run) {
  const results = []
  for (let i = 0; i < runs; i++) results.push(await run(i))
  const wall = median(results.map(r => r.wallMs))
  return results.find(r => r.wallMs === wall)
}

// ---------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------

const { values } = parseArgs({
  options: {
    sizes: { type: 'string' },
    json: { type: 'string' },
    runs: { type: 'string', default: '1' },
    build: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    keep: { type: 'boolean', default: false },
    shards: { type: 'string' },
    cache: { type: 'boolean', default: false }
  }
})
const sizes = values.sizes ? values.sizes.split(',').map(s => Number(s.replace(/_/g, ''))) : DEFAULT_SIZES
if (sizes.some(size => !Number.isInteger(size) || size < 100)) {
  console.error(`--sizes takes whole row counts of at least 100, e.g. --sizes 10000,100000`)
  process.exit(2)
}
const runs = Math.max(1, Number(values.runs) || 1)
const cli = join(root, 'dist', 'cli', 'index.js')

if (values.build) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
if (!existsSync(cli)) {
  console.error(`${cli} is missing: run \`npm run build\` (or pass --build)`)
  process.exit(2)
}
const stale = newestMtime(join(root, 'src')) > statSync(cli).mtimeMs
if (stale) {
  console.error(
    'warning: dist/cli/index.js is older than src/: the figures are for the last build (pass --build)'
  )
}

const work = mkdtempSync(join(tmpdir(), 'dataset-guard-bench-'))
const cleanUp = () => {
  if (values.keep) console.error(`kept the temporary folder ${work}`)
  else rmSync(work, { recursive: true, force: true })
}
process.on('SIGINT', () => {
  cleanUp()
  process.exit(130)
})

const results = []
try {
  console.error('building the parse-only probe (ncc)...')
  const probeDir = join(work, 'probe')
  execFileSync('npx', ['ncc', 'build', join(root, 'scripts', 'bench-probe.ts'), '-o', probeDir, '--quiet'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit']
  })
  const probe = join(probeDir, 'index.js')

  for (const size of sizes) {
    const repo = join(work, `repo-${size}`)
    mkdirSync(join(repo, dirname(DATA_PATH)), { recursive: true })
    git(repo, 'init', '-q', '-b', 'main')
    const headFile = join(work, `head-${size}.jsonl`)
    const sampleFile = join(work, `sample-${size}.jsonl`)
    console.error(`${size.toLocaleString('en-US')} rows: generating...`)
    let started = performance.now()
    const data = await generate(size, { base: join(repo, DATA_PATH), head: headFile, sample: sampleFile })
    const generateMs = performance.now() - started
    started = performance.now()
    git(repo, 'add', DATA_PATH)
    git(repo, 'commit', '-q', '-m', 'base')
    const baseSha = git(repo, 'rev-parse', 'HEAD')
    renameSync(headFile, join(repo, DATA_PATH))
    git(repo, 'add', DATA_PATH)
    git(repo, 'commit', '-q', '-m', 'head')
    const headSha = git(repo, 'rev-parse', 'HEAD')
    const commitMs = performance.now() - started
    const blobs = [
      git(repo, 'rev-parse', `${baseSha}:${DATA_PATH}`),
      git(repo, 'rev-parse', `${headSha}:${DATA_PATH}`)
    ]
    const rowsRead = data.baseRows + data.headRows

    console.error(`  parse-only baseline...`)
    const parse = await medianRun(runs, () => timedNode([probe, 'parse-only', repo, ...blobs], repo))
    if (parse.code !== 0) throw new Error(`parse-only probe failed:\n${parse.stderr}`)
    const parsed = JSON.parse(parse.stdout)
    if (parsed.rows !== rowsRead)
      throw new Error(`parse-only probe read ${parsed.rows} rows, expected ${rowsRead}`)

    console.error(`  check...`)
    const reportFile = join(work, `report-${size}.json`)
    const check = await medianRun(runs, run => {
      const prof =
        values['cpu-prof'] && run === 0 ? ['--cpu-prof', '--cpu-prof-dir', resolve(values['cpu-prof'])] : []
      const args = [
        ...prof,
        cli,
        'check',
        '--base',
        baseSha,
        '--head',
        headSha,
        '--json',
        reportFile,
        '--quiet',
        '--no-color'
      ]
      return timedNode(args, repo)
    })
    // 0: the gate passed, 1: it failed (both are a finished check); anything else is an error.
    if (check.code !== 0 && check.code !== 1)
      throw new Error(`check failed (exit ${check.code}):\n${check.stderr}`)
    const report = JSON.parse(readFileSync(reportFile, 'utf8'))
    const common = ['--base', baseSha, '--head', headSha, '--quiet', '--no-color']

    let sharded = null
    const shardCount = Number(values.shards ?? 0)
    if (shardCount > 1) {
      console.error(`  ${shardCount} shards and a merge...`)
      const shardRuns = []
      const partials = []
      for (let i = 1; i <= shardCount; i++) {
        const partial = join(work, `partial-${size}-${i}.partial`)
        const run = await timedNode(
          [cli, 'check', ...common, '--shard', `${i}/${shardCount}`, '--partial', partial],
          repo
        )
        if (run.code !== 0) throw new Error(`shard ${i} failed (exit ${run.code}):\n${run.stderr}`)
        shardRuns.push({ wallMs: run.wallMs, maxRssKb: run.maxRssKb })
        partials.push(partial)
      }
      const mergedFile = join(work, `merged-${size}.json`)
      const merge = await timedNode(
        [cli, 'merge', ...partials, '--json', mergedFile, '--quiet', '--no-color'],
        repo
      )
      if (merge.code !== 0 && merge.code !== 1)
        throw new Error(`merge failed (exit ${merge.code}):\n${merge.stderr}`)
      const partialBytes = partials.reduce((sum, file) => sum + statSync(file).size, 0)
      sharded = {
        shards: shardRuns,
        merge: { wallMs: merge.wallMs, maxRssKb: merge.maxRssKb },
        partialBytes,
        identical: readFileSync(mergedFile, 'utf8') === readFileSync(reportFile, 'utf8')
      }
    }

    let cached = null
    if (values.cache) {
      console.error(`  with --cache-dir: a first run that saves the base, a second that loads it...`)
      const cacheDir = join(work, `cache-${size}`)
      const cachedFile = join(work, `cached-${size}.json`)
      const first = await timedNode([cli, 'check', ...common, '--cache-dir', cacheDir], repo)
      const second = await timedNode(
        [cli, 'check', ...common, '--cache-dir', cacheDir, '--json', cachedFile],
        repo
      )
      if (second.code !== 0 && second.code !== 1) throw new Error(`cached check failed:\n${second.stderr}`)
      const cacheBytes = readdirSync(cacheDir).reduce((sum, f) => sum + statSync(join(cacheDir, f)).size, 0)
      cached = {
        first: { wallMs: first.wallMs, maxRssKb: first.maxRssKb },
        second: { wallMs: second.wallMs, maxRssKb: second.maxRssKb },
        cacheBytes,
        identical: readFileSync(cachedFile, 'utf8') === readFileSync(reportFile, 'utf8')
      }
    }

    console.error(`  near-duplicate recall on a ${NEAR_DUP_SAMPLE_ROWS}-row sample...`)
    const near = await timedNode([probe, 'near-dup', sampleFile], work)
    if (near.code !== 0) throw new Error(`near-dup probe failed:\n${near.stderr}`)

    results.push({
      rows: size,
      baseRows: data.baseRows,
      headRows: data.headRows,
      rowsRead,
      bytesRead: data.baseBytes + data.headBytes,
      generateMs,
      commitMs,
      check: {
        wallMs: check.wallMs,
        maxRssKb: check.maxRssKb,
        exitCode: check.code,
        rowsPerSecond: rowsRead / (check.wallMs / 1000)
      },
      parseOnly: {
        wallMs: parse.wallMs,
        maxRssKb: parse.maxRssKb,
        rowsPerSecond: rowsRead / (parse.wallMs / 1000)
      },
      ratioToParseOnly: check.wallMs / parse.wallMs,
      nearDuplicates: JSON.parse(near.stdout),
      sharded,
      cached,
      report: { datasets: report.datasets, verdict: report.verdict, parameters: report.parameters }
    })
    if (!values.keep) rmSync(repo, { recursive: true, force: true })
  }
} finally {
  cleanUp()
}

const mb = bytes => (bytes / 1e6).toFixed(0)
const seconds = ms => (ms / 1000).toFixed(2)
const fixed = (value, digits) => (value === null || value === undefined ? '-' : value.toFixed(digits))
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGb: Number((totalmem() / 2 ** 30).toFixed(1)),
  node: process.version,
  os: `${platform()} ${release()} ${arch()}`
}
const header = [
  'rows',
  'read rows',
  'read MB',
  'check s',
  'rows/s',
  'RSS MiB',
  'parse s',
  'parse RSS MiB',
  'ratio',
  'ND recall',
  'ND precision'
]
const table = [header]
for (const r of results) {
  table.push([
    r.rows.toLocaleString('en-US'),
    r.rowsRead.toLocaleString('en-US'),
    mb(r.bytesRead),
    seconds(r.check.wallMs),
    Math.round(r.check.rowsPerSecond).toLocaleString('en-US'),
    r.check.maxRssKb === null ? '-' : (r.check.maxRssKb / 1024).toFixed(0),
    seconds(r.parseOnly.wallMs),
    r.parseOnly.maxRssKb === null ? '-' : (r.parseOnly.maxRssKb / 1024).toFixed(0),
    `${r.ratioToParseOnly.toFixed(2)}x`,
    fixed(r.nearDuplicates.recall, 3),
    fixed(r.nearDuplicates.precision, 3)
  ])
}
const widths = header.map((_, c) => Math.max(...table.map(row => row[c].length)))
const rssSource = hasGnuTime
  ? 'GNU time -v (maximum resident set size)'
  : "the child's process.resourceUsage().maxRSS"
console.log(`dataset-guard bench: ${machine.cores} x ${machine.cpu}, ${machine.memoryGb} GiB`)
console.log(`Node ${machine.node}, ${machine.os}; peak RSS from ${rssSource}`)
console.log(`runs per figure: ${runs} (the median run)${stale ? '; dist/ is OLDER than src/' : ''}`)
for (const row of table) {
  console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '))
}
for (const r of results) {
  const n = r.nearDuplicates
  const at = `at Jaccard >= ${n.jaccard}`
  console.log(
    `${r.rows.toLocaleString('en-US')} rows: near-duplicates on a ${n.rows}-row sample, ` +
      `${n.keys} distinct keys, ${n.patterns} patterns; ` +
      `${n.bothPairs} of ${n.truePairs} pairs ${at} joined (recall), ` +
      `${n.bothPairs} of ${n.predictedPairs} joined pairs ${at} (precision)`
  )
}
for (const r of results) {
  const rows = r.rows.toLocaleString('en-US')
  const rss = kb => (kb === null ? '-' : `${(kb / 1024).toFixed(0)} MiB`)
  if (r.sharded) {
    const s = r.sharded
    const slowest = Math.max(...s.shards.map(x => x.wallMs))
    const peak = Math.max(...s.shards.map(x => x.maxRssKb ?? 0))
    console.log(
      `${rows} rows in ${s.shards.length} shards: slowest shard ${seconds(slowest)} s (peak ${rss(peak)}), ` +
        `shards ${s.shards.map(x => seconds(x.wallMs)).join(' / ')} s; merge ${seconds(s.merge.wallMs)} s ` +
        `(peak ${rss(s.merge.maxRssKb)}); partial files ${mb(s.partialBytes)} MB; ` +
        `merged report ${s.identical ? 'identical to' : 'DIFFERS FROM'} the single run's`
    )
  }
  if (r.cached) {
    const c = r.cached
    console.log(
      `${rows} rows with --cache-dir: first run ${seconds(c.first.wallMs)} s, second ${seconds(c.second.wallMs)} s ` +
        `(peak ${rss(c.second.maxRssKb)}); cache ${mb(c.cacheBytes)} MB; ` +
        `report ${c.identical ? 'identical to' : 'DIFFERS FROM'} the fresh run's`
    )
  }
}
if (values.json) {
  const path = resolve(values.json)
  mkdirSync(dirname(path), { recursive: true })
  const peakRss = hasGnuTime ? 'gnu-time' : 'maxRSS'
  writeFileSync(path, `${JSON.stringify({ machine, runs, staleDist: stale, peakRss, results }, null, 2)}\n`)
}
