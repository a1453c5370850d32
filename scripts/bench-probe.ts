// The benchmark's helper process (scripts/bench.mjs builds it with ncc into a temporary folder). Two modes:
//
//   parse-only REPO BLOB...  the floor the check is compared with: the same blobs streamed from one
//                            `git cat-file --batch` and every line parsed by the project's JSONL reader, nothing
//                            else (no text fields, provenance, content hash or analysis).
//   near-dup FILE            pair recall and precision of the near-duplicate stage on a JSONL sample: the rows'
//                            resolved template keys are clustered as the check clusters them, and every pair of
//                            distinct keys is compared by exact shingle Jaccard.
//
// Each mode prints one JSON line on stdout.

import { clusterPatterns, DEFAULT_PATTERN_PARAMETERS } from '../src/analysis/patterns.js'
import { jaccard, shingles } from '../src/analysis/minhash.js'
import { ProperNounEvidence } from '../src/analysis/proper-nouns.js'
import { templateScan } from '../src/analysis/text-keys.js'
import { BlobStore } from '../src/git/blobs.js'
import { readJsonl } from '../src/readers/jsonl.js'
import { extractText } from '../src/readers/text-fields.js'
import { createReadStream } from 'node:fs'

async function parseOnly(repo: string, blobs: string[]): Promise<void> {
  const store = new BlobStore(repo)
  let rows = 0
  let errors = 0
  try {
    for (const blob of blobs) {
      for await (const item of readJsonl(store.read(blob))) {
        if (item.kind === 'record') rows++
        else errors++
      }
    }
  } finally {
    await store.close()
  }
  process.stdout.write(`${JSON.stringify({ rows, errors })}\n`)
}

async function nearDuplicates(file: string): Promise<void> {
  const params = DEFAULT_PATTERN_PARAMETERS
  const evidence = new ProperNounEvidence()
  const rawKeys: string[] = []
  let rows = 0
  for await (const item of readJsonl(createReadStream(file))) {
    if (item.kind !== 'record') continue
    const text = extractText(item.record)
    if (!text.ok) continue
    rows++
    const scan = templateScan(text.input)
    evidence.observe(scan.key, scan.names)
    rawKeys.push(scan.key)
  }
  const keys = [...new Set(rawKeys.map(key => evidence.resolveKey(key)))]
  const started = performance.now()
  const ids = clusterPatterns(keys, params)
  const clusterMs = performance.now() - started

  const sets = keys.map(key => shingles(key, params.shingleSize))
  let truePairs = 0
  let predictedPairs = 0
  let bothPairs = 0
  for (let a = 0; a < keys.length; a++) {
    const setA = sets[a] as Uint32Array
    const idA = ids[a]
    for (let b = a + 1; b < keys.length; b++) {
      const similar = jaccard(setA, sets[b] as Uint32Array) >= params.jaccard
      const joined = ids[b] === idA
      if (similar) truePairs++
      if (joined) predictedPairs++
      if (similar && joined) bothPairs++
    }
  }
  const patterns = new Set(ids).size
  process.stdout.write(
    `${JSON.stringify({
      rows,
      keys: keys.length,
      patterns,
      jaccard: params.jaccard,
      truePairs,
      predictedPairs,
      bothPairs,
      recall: truePairs === 0 ? null : bothPairs / truePairs,
      precision: predictedPairs === 0 ? null : bothPairs / predictedPairs,
      clusterMs
    })}\n`
  )
}

const [mode, ...args] = process.argv.slice(2)
if (mode === 'parse-only' && args.length >= 2) await parseOnly(args[0] as string, args.slice(1))
else if (mode === 'near-dup' && args.length === 1) await nearDuplicates(args[0] as string)
else {
  process.stderr.write('usage: bench-probe parse-only REPO BLOB... | near-dup FILE\n')
  process.exitCode = 2
}
