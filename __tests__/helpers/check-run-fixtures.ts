// Check-run inputs shared by the GitHub-layer tests.

import type { Annotation } from '../../src/report/annotations.js'
import type { GitHubStandIn } from './github-stand-in.js'

/** `n` failure annotations on consecutive lines of one file. */
export const annotations = (n: number): Annotation[] =>
  Array.from({ length: n }, (_, i) => ({
    path: 'data/train.jsonl',
    line: i + 1,
    level: 'failure',
    title: `row ${i + 1}`,
    message: 'unparseable'
  }))

export const output = { title: 'ratio 0.04 < 0.50', summary: '## failed', text: 'details' }

/** After each test: every request the stand-in saw must have been valid, and it always closes. */
export async function closeAfterCheck(standIn: GitHubStandIn | undefined): Promise<void> {
  try {
    standIn?.assertValid()
  } finally {
    await standIn?.close()
  }
}
