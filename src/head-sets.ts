// Row sets the config names outside the datasets, read once per run at the head commit: the eval sets that
// added training rows must not repeat, and the reference of real rows for the realism report.

import { EvalIndex } from './analysis/eval-leakage.js'
import { RealismSample } from './analysis/realism/realism-sample.js'
import { globMatcher } from './config/glob-matcher.js'
import type { Config, RowSetConfig } from './config/types.js'
import type { PlannedFile } from './dataset-plan.js'
import type { BlobStore } from './git/blobs.js'
import { openBlob } from './git/lfs-objects.js'
import type { TreeListing } from './git/tree.js'
import { formatFromPath } from './readers/format.js'
import { readRows } from './readers/rows.js'
import type { Row } from './types.js'

/** The files of a row set at head, sorted by path; files whose format is unknown are left out. */
export function headSetFiles(set: RowSetConfig, tree: TreeListing): PlannedFile[] {
  const matches = globMatcher(set.paths)
  return tree.files
    .filter(entry => matches(entry.path))
    .flatMap(entry => {
      const format = set.format ?? formatFromPath(entry.path)
      return format ? [{ path: entry.path, blob: entry.blob, format }] : []
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/**
 * Streams every readable row of a row set into `onRow`. Unreadable rows and files are skipped with a log line:
 * a broken eval set must not stop the check of the training data, and its row count in the report shows it.
 */
async function readHeadSet(
  set: RowSetConfig,
  files: readonly PlannedFile[],
  blobs: BlobStore,
  onRow: (row: Row) => void,
  log: (line: string) => void
): Promise<void> {
  for (const file of files) {
    const content = await openBlob(blobs, file.blob)
    if (content.kind === 'lfs-missing') {
      log(`${set.name}: ${file.path} is a Git LFS pointer whose object has not been fetched; skipped`)
      continue
    }
    let problems = 0
    for await (const item of readRows(content.source, {
      file: file.path,
      format: file.format,
      fields: set.fields
    })) {
      if (item.kind === 'row') onRow(item.row)
      else problems++
    }
    if (problems > 0)
      log(`${set.name}: ${problems} unreadable row(s) or file error(s) in ${file.path}, skipped`)
  }
}

/** One index per configured eval set, in config order, built from its rows at head. */
export async function readEvalSets(
  config: Config,
  tree: TreeListing,
  blobs: BlobStore,
  log: (line: string) => void
): Promise<EvalIndex[]> {
  const indexes: EvalIndex[] = []
  for (const set of config.evalSets) {
    const index = new EvalIndex(set.name, config.patterns)
    const files = headSetFiles(set, tree)
    for (const file of files) index.addFile(file.path)
    await readHeadSet(set, files, blobs, row => index.add(row), log)
    log(`eval set ${set.name}: ${index.rows.toLocaleString('en-US')} rows in ${files.length} file(s)`)
    indexes.push(index)
  }
  return indexes
}

/** The realism reference's sample, keyed like a dataset's samples; null when none is configured or wanted. */
export async function readReference(
  config: Config,
  tree: TreeListing,
  blobs: BlobStore,
  log: (line: string) => void
): Promise<{ name: string; sample: RealismSample } | null> {
  const reference = config.realism.reference
  if (reference === null || config.realism.sampleSize === 0) return null
  const sample = new RealismSample(config.realism.sampleSize)
  const files = headSetFiles(reference, tree)
  await readHeadSet(
    reference,
    files,
    blobs,
    row => sample.add(row, row.input, row.output, row.contentHash),
    log
  )
  log(
    `realism reference ${reference.name}: ${sample.rows.toLocaleString('en-US')} rows in ${files.length} file(s)`
  )
  return { name: reference.name, sample }
}
