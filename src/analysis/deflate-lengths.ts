// Raw-deflated sizes of chunks, computed on a second thread and read synchronously. The compression meter
// deflates up to 16 MiB per side; at the 64 MiB it once took, that was about 4 s of a million-row check on the
// main thread, time the other core can take while the main thread goes on parsing. The worker only returns
// sizes, so the result is the same number the main thread would compute (same zlib, input and dictionary).

import { Worker } from 'node:worker_threads'
import { deflateRawSync } from 'node:zlib'

/** Chunks handed to the worker and not yet settled, per meter: bounds the memory held for them. */
const MAX_IN_FLIGHT = 4
/** A 1 MiB chunk deflates in tens of milliseconds: a worker silent this long is given up. */
const WORKER_TIMEOUT_MS = 10_000

const PENDING = 0
const DONE = 1
const FAILED = 2

// A CommonJS script run with `eval`: a worker file would need its own entry in the bundle, while this needs
// nothing but Node's zlib. It answers through a shared status word, so the main thread can wait without
// running its event loop.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { deflateRawSync } = require('node:zlib')
parentPort.on('message', ({ chunk, dictionary, status }) => {
  const answer = new Int32Array(status)
  try {
    answer[1] = deflateRawSync(chunk, dictionary.length > 0 ? { dictionary } : {}).length
    Atomics.store(answer, 0, ${DONE})
  } catch {
    Atomics.store(answer, 0, ${FAILED})
  }
  Atomics.notify(answer, 0)
})
`

/** The process's deflate worker: undefined until first needed, null once unavailable or given up. */
let sharedWorker: Worker | null | undefined

function deflateWorker(): Worker | null {
  if (sharedWorker === undefined) {
    try {
      const worker = new Worker(WORKER_SOURCE, { eval: true })
      // Idle, it must not keep the process alive; a crash turns later chunks back to this thread.
      worker.unref()
      worker.on('error', () => giveUp(worker))
      sharedWorker = worker
    } catch {
      sharedWorker = null
    }
  }
  return sharedWorker
}

function giveUp(worker: Worker): void {
  if (sharedWorker === worker) sharedWorker = null
  void worker.terminate()
}

/** The raw deflate size of a chunk with a preset dictionary (empty: none), on this thread. */
export function deflatedLength(chunk: Uint8Array, dictionary: Uint8Array): number {
  return deflateRawSync(chunk, dictionary.length > 0 ? { dictionary } : {}).length
}

interface Job {
  chunk: Uint8Array
  dictionary: Uint8Array
  worker: Worker
  status: Int32Array
}

/** A running sum of raw-deflated chunk sizes; chunks may be deflated off the main thread. */
export class DeflatedLengths {
  private readonly jobs: Job[] = []
  private settled = 0

  /** `offThread`: hand the chunk to the worker when one is available, else deflate it now. */
  add(chunk: Uint8Array, dictionary: Uint8Array, offThread: boolean): void {
    const worker = offThread ? deflateWorker() : null
    if (worker === null) {
      this.settled += deflatedLength(chunk, dictionary)
      return
    }
    if (this.jobs.length >= MAX_IN_FLIGHT) this.settle(this.jobs.shift() as Job)
    const status = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT))
    worker.postMessage({ chunk, dictionary, status: status.buffer })
    this.jobs.push({ chunk, dictionary, worker, status })
  }

  /** The sum over every chunk added so far; waits for the worker's answers. */
  sum(): number {
    for (let job = this.jobs.shift(); job !== undefined; job = this.jobs.shift()) this.settle(job)
    return this.settled
  }

  private settle(job: Job): void {
    const deadline = Date.now() + WORKER_TIMEOUT_MS
    while (Atomics.load(job.status, 0) === PENDING && sharedWorker === job.worker) {
      const left = deadline - Date.now()
      if (left <= 0) {
        giveUp(job.worker)
        break
      }
      Atomics.wait(job.status, 0, PENDING, left)
    }
    this.settled +=
      Atomics.load(job.status, 0) === DONE
        ? (job.status[1] as number)
        : deflatedLength(job.chunk, job.dictionary)
  }
}
