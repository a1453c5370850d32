// The built action (dist/index.js) on a pull request whose dataset file names and rows are written to break what
// it sends GitHub: names with spaces, quotes, backticks, a mention, a reference, an HTML tag and a newline, and
// 100k-character rows that close <details>. Asserts on what reached the GitHub stand-in, as GitHub would get it.
// dist/ must be built first (`npm run build`).

import { afterAll, afterEach, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import {
  ANNOTATION_MESSAGE_MAX_BYTES,
  ANNOTATION_RAW_DETAILS_MAX_BYTES,
  ANNOTATION_TITLE_MAX_CHARS,
  ANNOTATIONS_PER_REQUEST,
  CHECK_RUN_SUMMARY_MAX_BYTES,
  CHECK_RUN_TEXT_MAX_BYTES
} from '../src/report/github-limits.js'
import { ACTION_ENTRY, runAction, webhookExample } from './helpers/action-run.js'
import { GitHubStandIn } from './helpers/github-stand-in.js'
import {
  OUR_TAGS,
  decodeEntities,
  detailsBalanced,
  htmlTagNames,
  markdownTables,
  utf8Bytes
} from './helpers/markdown-inspect.js'
import { gitIn, removeDir, tempDir, tempRepo, type TempRepo } from './fixtures/git/temp-repo.js'
import { closeAfterCheck } from './helpers/check-run-fixtures.js'

const OWNER = 'Codertocat'
const REPO = 'Hello-World'
const MARKER = '<!-- dataset-guard -->'
/** "Body is too long (maximum is 65536 characters)", GitHub's answer to a longer issue comment. */
const COMMENT_MAX_CHARS = 65_536
/** Rows long enough to be cut everywhere they are shown. */
const HUGE_ROW_CHARS = 100_000

const CONFIG = `datasets:
  - name: chat-sft
    paths: ["data/**/*.jsonl"]
    fields: { input: [prompt], output: [response] }
`

/** Every character a file name may hold that a report could trip on; `/` is the one a name cannot hold. */
const HOSTILE_PATHS = [
  `data/my file "double" 'single' \`tick\`.jsonl`,
  'data/@octocat fixes #1 <img src=x onerror=alert(1)>.jsonl',
  'data/first line\nsecond line <details>.jsonl'
]

/** The tags our renderer writes; any other tag in the output came from data. */
const PAIRED_TAGS = ['details', 'summary', 'code', 'sub']

const row = (prompt: string) => JSON.stringify({ prompt, response: 'ok' })
const hugeRow = (file: number, i: number) =>
  row(
    `</details> @octocat #${i + 1} <b>row ${i} of file ${file}</b> ` +
      'lorem ipsum '.repeat(HUGE_ROW_CHARS / 12)
  )
const templatedRows = (file: number) =>
  Array.from({ length: 30 }, (_, i) => row(`What is ${i + 3} times ${file + 2}? </details> @octocat #${i}`))
const BROKEN_ROW = '{"prompt": "cut off'

let upstream: TempRepo
let standIn: GitHubStandIn | undefined
const workspaces: string[] = []

afterAll(() => {
  upstream?.cleanup()
  for (const dir of workspaces) removeDir(dir)
})

afterEach(async () => closeAfterCheck(standIn))

function expectInertMarkdown(markdown: string): void {
  expect(detailsBalanced(markdown)).toBe(true)
  const tags = htmlTagNames(markdown)
  expect(tags.filter(tag => !OUR_TAGS.has(tag))).toEqual([])
  for (const tag of PAIRED_TAGS) {
    expect(tags.filter(t => t === `/${tag}`)).toHaveLength(tags.filter(t => t === tag).length)
  }
  // Mentions and references as GitHub sees them, after entities are decoded; link destinations are not text.
  const text = decodeEntities(markdown).replace(/\]\(https:[^)\s]*\)/g, '](#)')
  expect(text).not.toMatch(/@\w/)
  expect(text).not.toMatch(/#\d/)
  for (const table of markdownTables(markdown)) {
    expect(table.delimiter).toHaveLength(table.header.length)
    for (const cells of table.rows) expect(cells).toHaveLength(table.header.length)
  }
}

it('keeps the comment and the check run intact, and every annotation on its real path, for hostile file names', async () => {
  if (!existsSync(ACTION_ENTRY)) throw new Error(`${ACTION_ENTRY} is missing: run \`npm run build\` first`)
  upstream = tempRepo()
  upstream.write('.github/dataset-guard.yml', CONFIG)
  upstream.write('data/base.jsonl', `${row('a row that was already there')}\n`)
  const base = upstream.commit('base')
  upstream.git(['checkout', '-q', '-b', 'hostile', base])
  let brokenLine = 0
  HOSTILE_PATHS.forEach((path, file) => {
    const rows = [...templatedRows(file), hugeRow(file, 0), hugeRow(file, 1), BROKEN_ROW, hugeRow(file, 2)]
    brokenLine = rows.indexOf(BROKEN_ROW) + 1
    upstream.write(path, `${rows.join('\n')}\n`)
  })
  const head = upstream.commit('hostile names')
  upstream.git(['checkout', '-q', '-b', 'merge-hostile', base])
  upstream.git(['merge', '-q', '--no-ff', '-m', 'Merge hostile', 'hostile'])
  const merge = upstream.git(['rev-parse', 'HEAD'])
  const workspace = tempDir()
  workspaces.push(workspace)
  gitIn(workspace, [
    'clone',
    '-q',
    '--depth',
    '1',
    '--branch',
    'merge-hostile',
    `file://${upstream.dir}`,
    '.'
  ])

  const payload = webhookExample('pull_request', 'synchronize')
  const pr = payload.pull_request as Record<string, Record<string, unknown>>
  payload.number = 3
  pr.number = 3 as never
  Object.assign(pr.head!, { sha: head, ref: 'hostile' })
  Object.assign(pr.base!, { sha: base, ref: 'main' })
  payload.after = head

  standIn = await GitHubStandIn.start({ owner: OWNER, repo: REPO })
  const run = await runAction({
    workspace,
    eventName: 'pull_request',
    payload,
    inputs: { 'github-token': 'ghs_stand-in-token', 'max-annotations': '200' },
    apiUrl: standIn.url,
    repository: `${OWNER}/${REPO}`,
    sha: merge
  })

  // Every file was read: each one's cut-off row fails the gate, on the file's own path and line.
  expect(run.code).toBe(1)
  const [checkRun] = standIn.checkRuns
  expect(checkRun?.conclusion).toBe('failure')
  const annotations = checkRun?.annotations ?? []
  const unparseable = annotations.filter(a => String(a.title).startsWith('Unparseable row'))
  expect(unparseable.map(a => a.path).sort()).toEqual([...HOSTILE_PATHS].sort())
  expect(unparseable.every(a => a.start_line === brokenLine)).toBe(true)
  // GitHub places an annotation by its path, verbatim: no quoting, escaping or cutting.
  const paths = new Set(annotations.map(a => a.path))
  expect([...paths].filter(path => !HOSTILE_PATHS.includes(path as string))).toEqual([])

  // Sizes GitHub enforces.
  expect(checkRun?.annotationBatches.every(n => n <= ANNOTATIONS_PER_REQUEST)).toBe(true)
  for (const annotation of annotations) {
    expect([...String(annotation.title ?? '')].length).toBeLessThanOrEqual(ANNOTATION_TITLE_MAX_CHARS)
    expect(utf8Bytes(String(annotation.message))).toBeLessThanOrEqual(ANNOTATION_MESSAGE_MAX_BYTES)
    expect(utf8Bytes(String(annotation.raw_details ?? ''))).toBeLessThanOrEqual(
      ANNOTATION_RAW_DETAILS_MAX_BYTES
    )
  }
  const summary = checkRun?.output.summary ?? ''
  const text = checkRun?.output.text ?? ''
  expect(utf8Bytes(summary)).toBeLessThanOrEqual(CHECK_RUN_SUMMARY_MAX_BYTES)
  expect(utf8Bytes(text)).toBeLessThanOrEqual(CHECK_RUN_TEXT_MAX_BYTES)
  const comments = standIn.comments.filter(c => c.issueNumber === 3 && c.body.includes(MARKER))
  expect(comments).toHaveLength(1)
  const body = comments[0]?.body ?? ''
  expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS)

  // The report stays a report wherever it is shown.
  for (const markdown of [body, summary, text, run.summary]) expectInertMarkdown(markdown)
  // The hostile names are shown (escaped), not dropped.
  expect(decodeEntities(body).replace(/\u200b/g, '')).toContain('my file')
})
