// A dataset file's rows as one stream of items, read on this thread or on a reading thread. The reading thread
// opens the blob itself (its own `git cat-file`), parses the rows and computes the hashes the analysis needs
// from their texts, and distinct-2, while the main thread counts. Both paths give the same items in the same
// order; the analysis gives the same result either way. Once a dataset's rows are read, the thread can also
// compute its realism comparison (RowThread.realism) while the main thread clusters.
//
// The reading thread runs the same bundle as the main thread (dist/index.js or dist/cli/index.js): the entry
// points call runRowWorker() instead of their main function when they start as one. Under a test runner that
// loads TypeScript sources, there is no bundle to start, and the rows are read on the calling thread.

import { fileURLToPath } from 'node:url'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { BASE_ROW_DIGEST, type RowDigest, type Shard } from '../analysis/dataset-analysis.js'
import { DistinctN } from '../analysis/diversity.js'
import { realismOfJob, type RealismJob } from '../analysis/realism/dataset-realism.js'
import { Hash53Set } from '../analysis/hash-table.js'
import { distinctNText, writeKeyHashes } from '../analysis/text-keys.js'
import type { FieldsConfig, ProvenanceConfig } from '../config/types.js'
import { BlobStore } from '../git/blobs.js'
import { openBlob } from '../git/lfs-objects.js'
import type { LfsPointer } from '../git/lfs-pointer.js'
import type { DataFormat, DatasetRealism, Provenance, Row } from '../types.js'
import { readRowBatches } from './rows.js'

const ROLE = 'dataset-guard-rows'
/** Rows per message: large enough that messaging costs little per row, small enough to keep memory flat. */
const BATCH_ROWS = 2048
/** A batch is also sent once its texts reach this many characters, so rows of megabytes cannot pile up. */
const BATCH_CHARS = 4 * 1024 * 1024
/** Batches the reading thread may send ahead of the main thread. */
const BATCHES_IN_FLIGHT = 4
const PROVENANCES: Provenance[] = ['real', 'synthetic', 'unknown']
const PROVENANCE_CODE: Record<Provenance, number> = { real: 0, synthetic: 1, unknown: 2 }

export interface FileJob {
  /** Where the blob is read from and how its rows are read. */
  blob: string
  path: string
  format: DataFormat
  fields?: FieldsConfig
  provenance?: ProvenanceConfig
  side: 'base' | 'head'
  /** The shard the analysis owns rows of; texts of other rows are not digested. */
  shard: Shard
  /** The first file of a dataset: the reading thread forgets what it saw of the previous one. */
  newDataset: boolean
  /** Whether to measure the side's distinct-2 (the analysis hands it over: measuresDistinct2Elsewhere). */
  distinct2: boolean
}

export type StreamItem =
  | { kind: 'opened'; lfsOid: string | null }
  | { kind: 'lfs-missing'; pointer: LfsPointer }
  | { kind: 'row'; row: Row; digest?: RowDigest }
  | { kind: 'error'; line?: number; reason: string; fatal: boolean }
  /** The end of the file, with the side's distinct-2 so far when the job measured it. */
  | { kind: 'end'; distinct2?: number | null }

/**
 * A file's items read on this thread, in batches as RowThread.read gives them: rows without digests (the
 * analysis computes what it needs).
 */
export async function* readBatchesOnThisThread(blobs: BlobStore, job: FileJob): AsyncGenerator<StreamItem[]> {
  const content = await openBlob(blobs, job.blob)
  if (content.kind === 'lfs-missing') {
    yield [{ kind: 'lfs-missing', pointer: content.pointer }]
    return
  }
  yield [{ kind: 'opened', lfsOid: content.lfsOid }]
  const options = { file: job.path, format: job.format, fields: job.fields, provenance: job.provenance }
  for await (const batch of readRowBatches(content.source, options)) yield batch
  yield [{ kind: 'end' }]
}

// ---------------------------------------------------------------------------------------------------------
// The main thread's side
// ---------------------------------------------------------------------------------------------------------

interface Batch {
  type: 'batch'
  /** Per item: 0 a row, 1 a row that could not be read, 2 a file that could not be read. */
  kinds: Uint8Array
  lines: Int32Array
  provenance: Uint8Array
  /** Per row: content, exact input, normalised input and canonical hashes. */
  hashes: Float64Array
  inputs: string[]
  outputs: string[]
  errors: { line?: number; reason: string }[]
}

type WorkerMessage =
  | Batch
  | { type: 'opened'; lfsOid: string | null }
  | { type: 'lfs-missing'; pointer: LfsPointer }
  | { type: 'end'; distinct2?: number | null }
  | { type: 'failed'; message: string }

/** The answer to a realism job, which comes whenever it is ready rather than in a file's stream of messages. */
type RealismMessage =
  | { type: 'realism'; id: number; realism: DatasetRealism | null }
  | { type: 'realism-failed'; id: number; message: string }

interface RealismWaiter {
  resolve: (realism: DatasetRealism | null) => void
  reject: (error: Error) => void
}

/** A reading thread for one run; files are read one at a time, in the order asked. */
export class RowThread {
  private readonly queue: WorkerMessage[] = []
  private wake: (() => void) | null = null
  private failure: Error | null = null
  private readonly realismWaiters = new Map<number, RealismWaiter>()
  private realismJobs = 0

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: WorkerMessage | RealismMessage) => {
      if (message.type === 'realism' || message.type === 'realism-failed') {
        const waiter = this.realismWaiters.get(message.id)
        this.realismWaiters.delete(message.id)
        if (message.type === 'realism') waiter?.resolve(message.realism)
        else waiter?.reject(new Error(message.message))
        return
      }
      this.queue.push(message)
      this.wake?.()
    })
    worker.on('error', error => {
      this.failure = error
      this.wake?.()
    })
    worker.on('exit', code => {
      this.failure ??= new Error(`the reading thread stopped (exit code ${code})`)
      for (const waiter of this.realismWaiters.values()) waiter.reject(this.failure)
      this.realismWaiters.clear()
      this.wake?.()
    })
  }

  /**
   * A reading thread for the repository, or null where none can run: under a test runner that loads
   * TypeScript, or when DATASET_GUARD_THREADS=0.
   */
  static start(repo: string): RowThread | null {
    const bundle = import.meta.url
    if (process.env.DATASET_GUARD_THREADS === '0' || !bundle.endsWith('.js')) return null
    // The bundle that is running: this module's code lives in it.
    const worker = new Worker(fileURLToPath(bundle), { workerData: { role: ROLE, repo } })
    worker.unref()
    return new RowThread(worker)
  }

  /**
   * A file's items, a batch at a time: the reading thread's batches as they come. An async generator costs
   * some 0.3 µs per value it yields (2.05M values took 0.6 s one by one, 0.07 s in batches); per row, the main
   * thread's reading at 1M rows per side took 11.1 s of CPU against 9.8 s batched.
   */
  async *read(job: FileJob): AsyncGenerator<StreamItem[]> {
    this.worker.postMessage({ type: 'file', job })
    for (;;) {
      const message = await this.next()
      switch (message.type) {
        case 'opened':
          yield [{ kind: 'opened', lfsOid: message.lfsOid }]
          break
        case 'lfs-missing':
          yield [{ kind: 'lfs-missing', pointer: message.pointer }]
          return
        case 'end':
          yield [{ kind: 'end', distinct2: message.distinct2 }]
          return
        case 'failed':
          throw new Error(message.message)
        case 'batch':
          yield* unpack(message, job.path)
          this.worker.postMessage({ type: 'ack' })
          break
      }
    }
  }

  /**
   * The realism report of a job, computed on the reading thread after the files asked for before it. Rejects
   * when the thread fails or stops first; the caller can then compute the job itself.
   */
  realism(job: RealismJob): Promise<DatasetRealism | null> {
    const id = this.realismJobs++
    const answer = new Promise<DatasetRealism | null>((resolve, reject) => {
      if (this.failure) reject(this.failure)
      else this.realismWaiters.set(id, { resolve, reject })
    })
    this.worker.postMessage({ type: 'realism', id, job })
    return answer
  }

  /**
   * Lets the thread go. A thread with realism jobs to answer finishes them first and then stops by itself;
   * otherwise it is stopped now.
   */
  async close(): Promise<void> {
    this.worker.postMessage({ type: 'close' })
    if (this.realismWaiters.size === 0) await this.worker.terminate()
  }

  private async next(): Promise<WorkerMessage> {
    for (;;) {
      const message = this.queue.shift()
      if (message) return message
      if (this.failure) throw this.failure
      await new Promise<void>(resolve => (this.wake = resolve))
      this.wake = null
    }
  }
}

/** Items made per yield: each array's rows die young, before a scavenge would promote them. */
const ITEMS_PER_YIELD = 256

function* unpack(batch: Batch, file: string): Generator<StreamItem[]> {
  let items: StreamItem[] = []
  let row = 0
  let error = 0
  for (let i = 0; i < batch.kinds.length; i++) {
    if (items.length === ITEMS_PER_YIELD) {
      yield items
      items = []
    }
    const kind = batch.kinds[i]
    if (kind !== 0) {
      const { line, reason } = batch.errors[error++]!
      items.push({ kind: 'error', line, reason, fatal: kind === 2 })
      continue
    }
    const h = row * 4
    items.push({
      kind: 'row',
      row: {
        file,
        line: batch.lines[row]!,
        input: batch.inputs[row]!,
        output: batch.outputs[row]!,
        provenance: PROVENANCES[batch.provenance[row]!]!,
        contentHash: batch.hashes[h]!
      },
      digest: Number.isNaN(batch.hashes[h + 1])
        ? BASE_ROW_DIGEST
        : {
            exactInput: batch.hashes[h + 1]!,
            normalisedInput: batch.hashes[h + 2]!,
            canonical: batch.hashes[h + 3]!
          }
    })
    row++
  }
  if (items.length > 0) yield items
}

// ---------------------------------------------------------------------------------------------------------
// The reading thread's side
// ---------------------------------------------------------------------------------------------------------

export function isRowWorker(): boolean {
  return !isMainThread && (workerData as { role?: string } | null)?.role === ROLE
}

/** The reading thread's loop: one file job at a time, batches sent ahead at most BATCHES_IN_FLIGHT. */
export async function runRowWorker(): Promise<void> {
  const port = parentPort
  if (!port) return
  const blobs = new BlobStore((workerData as { repo: string }).repo)
  const jobs: ({ type: 'file'; job: FileJob } | { type: 'realism'; id: number; job: RealismJob })[] = []
  let credits = BATCHES_IN_FLIGHT
  let wake: (() => void) | null = null
  let closing = false
  port.on('message', (message: { type: string; id?: number; job?: FileJob | RealismJob }) => {
    if (message.type === 'ack') credits++
    else if (message.type === 'file') jobs.push({ type: 'file', job: message.job as FileJob })
    else if (message.type === 'realism')
      jobs.push({ type: 'realism', id: message.id as number, job: message.job as RealismJob })
    else if (message.type === 'close') closing = true
    wake?.()
  })
  const waitFor = async (ready: () => boolean): Promise<void> => {
    while (!ready()) {
      await new Promise<void>(resolve => (wake = resolve))
      wake = null
    }
  }
  const digester = new Digester()
  try {
    for (;;) {
      await waitFor(() => jobs.length > 0 || closing)
      const next = jobs.shift()
      if (!next) break
      if (next.type === 'realism') {
        // The dataset's rows are all read: what the thread kept of them can go before the comparison runs.
        digester.reset()
        try {
          port.postMessage({ type: 'realism', id: next.id, realism: realismOfJob(next.job) })
        } catch (error) {
          port.postMessage({ type: 'realism-failed', id: next.id, message: (error as Error).message })
        }
        continue
      }
      try {
        await readJob(next.job, blobs, digester, batch => {
          port.postMessage(batch)
          credits--
          return waitFor(() => credits > 0 || closing)
        })
      } catch (error) {
        port.postMessage({ type: 'failed', message: (error as Error).message })
      }
    }
  } finally {
    await blobs.close()
    port.close()
  }
}

/**
 * What the reading thread keeps of a dataset: distinct-2 per side, over every row in order, and the content
 * hashes of the base rows it digested.
 */
class Digester {
  private distinct = { base: new DistinctN(2), head: new DistinctN(2) }
  private baseContents = new Hash53Set()

  reset(): void {
    this.distinct = { base: new DistinctN(2), head: new DistinctN(2) }
    this.baseContents = new Hash53Set()
  }

  /** The base side's distinct-2 was sent with its last file: its n-gram set (up to 32 MB) can go. */
  closeBase(): void {
    this.distinct.base = new DistinctN(2)
  }

  /**
   * Writes the row's four hashes at `at`: only the content hash for a row another shard owns, and the content
   * hash then NaN for a head row whose content is a base row's (the analysis has that row's hashes already).
   * Most head rows are unchanged; the text hashing (normalising, canonical key, three hashes) took about 4 s of
   * this thread's 15 busy seconds at 1M rows per side, while the main thread waited for head rows.
   */
  digest(row: Row, job: FileJob, hashes: Float64Array, at: number): void {
    const content = row.contentHash
    hashes[at] = content
    const owned = job.shard.count === 1 || content % job.shard.count === job.shard.index
    if (!owned && !job.distinct2) return
    const known = owned && job.side === 'head' && this.baseContents.has(content)
    if (owned && job.side === 'base') this.baseContents.add(content)
    if (job.distinct2) this.distinct[job.side].add(distinctNText(row.input))
    if (!owned) return
    if (known) {
      hashes[at + 1] = Number.NaN
      return
    }
    // The template scan of a new canonical text is left to the main thread, which otherwise waits for rows:
    // at 1M rows, 32 s this way against 37 s with the scan here.
    writeKeyHashes(row.input, hashes, at + 1)
  }

  distinct2(side: 'base' | 'head'): number | null {
    return this.distinct[side].result()
  }
}

async function readJob(
  job: FileJob,
  blobs: BlobStore,
  digester: Digester,
  send: (batch: Batch) => Promise<void>
): Promise<void> {
  const port = parentPort!
  if (job.newDataset) digester.reset()
  if (job.side === 'head') digester.closeBase()
  let batch = newBatch()
  let rows = 0
  let items = 0
  let chars = 0
  const flush = async (): Promise<void> => {
    const full: Batch = {
      ...batch,
      kinds: batch.kinds.slice(0, items),
      lines: batch.lines.slice(0, rows),
      provenance: batch.provenance.slice(0, rows),
      hashes: batch.hashes.slice(0, rows * 4)
    }
    batch = newBatch()
    rows = 0
    items = 0
    chars = 0
    await send(full)
  }
  // The same items as on the main thread, packed into batches on their way.
  for await (const read of readBatchesOnThisThread(blobs, job)) {
    for (const item of read) {
      if (item.kind === 'opened' || item.kind === 'lfs-missing') {
        port.postMessage(
          item.kind === 'opened'
            ? { type: 'opened', lfsOid: item.lfsOid }
            : { type: 'lfs-missing', pointer: item.pointer }
        )
        continue
      }
      if (item.kind === 'end') {
        if (items > 0) await flush()
        port.postMessage({ type: 'end', distinct2: job.distinct2 ? digester.distinct2(job.side) : undefined })
        continue
      }
      if (item.kind === 'row') {
        const { row } = item
        batch.kinds[items++] = 0
        batch.lines[rows] = row.line
        batch.provenance[rows] = PROVENANCE_CODE[row.provenance]
        // The analysis never reads a base row's output (only head rows are sampled for realism or checked for
        // leaks), so it is not copied between the threads.
        const output = job.side === 'head' ? row.output : ''
        batch.inputs.push(row.input)
        batch.outputs.push(output)
        chars += row.input.length + output.length
        digester.digest(row, job, batch.hashes, rows * 4)
        rows++
      } else {
        batch.kinds[items++] = item.fatal ? 2 : 1
        batch.errors.push({ line: item.line, reason: item.reason })
      }
      if (items === BATCH_ROWS || chars >= BATCH_CHARS) await flush()
    }
  }
}

function newBatch(): Batch {
  return {
    type: 'batch',
    kinds: new Uint8Array(BATCH_ROWS),
    lines: new Int32Array(BATCH_ROWS),
    provenance: new Uint8Array(BATCH_ROWS),
    hashes: new Float64Array(BATCH_ROWS * 4),
    inputs: [],
    outputs: [],
    errors: []
  }
}
