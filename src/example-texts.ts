// The input texts of the example rows a report shows, read back from git. An unsharded analysis keeps only
// where its example rows are (a file and line each, for every template key), not a snippet of each: the report
// shows at most a few dozen of them, and reading those again costs less than holding hundreds of thousands.

import { EXAMPLE_SNIPPET_LENGTH, textSnippet } from './analysis/snippet.js'
import type { FieldsConfig } from './config/types.js'
import type { PlannedFile } from './dataset-plan.js'
import type { BlobStore } from './git/blobs.js'
import { openBlob } from './git/lfs-objects.js'
import { readInputsAt } from './readers/rows.js'
import type { DatasetReport, PatternSummary } from './types.js'

/** Where a dataset's rows were read from: its files at base and at head, and how their texts are found. */
export interface DatasetSources {
  fields?: FieldsConfig
  base: PlannedFile[]
  head: PlannedFile[]
}

/**
 * Fills in the example texts of every pattern summary that has its examples' places but not their texts. Base
 * summaries are read from the base files, head and added ones from the head files. A row that can no longer be
 * read (an LFS object gone since) shows an empty text rather than failing the report.
 */
export async function fillExampleTexts(
  dataset: DatasetReport,
  sources: DatasetSources,
  blobs: BlobStore
): Promise<void> {
  const sides = [
    { files: sources.base, patterns: dataset.base?.largestPatterns ?? [] },
    {
      files: sources.head,
      patterns: [...(dataset.head?.largestPatterns ?? []), ...dataset.change.largestAddedPatterns]
    }
  ]
  for (const { files, patterns } of sides) {
    const missing = patterns.filter(p => p.exampleTexts.length < p.examples.length)
    if (missing.length > 0) await fillSide(missing, files, sources.fields, blobs)
  }
}

async function fillSide(
  patterns: PatternSummary[],
  files: readonly PlannedFile[],
  fields: FieldsConfig | undefined,
  blobs: BlobStore
): Promise<void> {
  const linesByFile = new Map<string, Set<number>>()
  for (const pattern of patterns) {
    for (const { file, line } of pattern.examples) {
      let lines = linesByFile.get(file)
      if (!lines) linesByFile.set(file, (lines = new Set()))
      lines.add(line)
    }
  }
  const texts = new Map<string, Map<number, string>>()
  for (const file of files) {
    const lines = linesByFile.get(file.path)
    if (!lines) continue
    const content = await openBlob(blobs, file.blob)
    if (content.kind === 'lfs-missing') continue
    const found = new Map<number, string>()
    for await (const row of readInputsAt(content.source, { format: file.format, fields }, lines)) {
      found.set(row.line, textSnippet(row.input, EXAMPLE_SNIPPET_LENGTH))
    }
    texts.set(file.path, found)
  }
  for (const pattern of patterns) {
    pattern.exampleTexts = pattern.examples.map(({ file, line }) => texts.get(file)?.get(line) ?? '')
  }
}
