// Blob contents straight from the object store. One long-lived `git cat-file --batch` serves every read: starting
// a git per file costs more than reading most files. Its stdout is one byte stream of
// `<sha> <type> <size>\n<bytes>\n` answers, so each read must consume exactly its own answer, and nothing is
// pulled from the pipe faster than the consumer asks: a 1 GB blob waits in git, not in memory.

import type { Readable } from 'node:stream'
import { checkedRevision, gitExit, GitError, spawnGitConversation, stderrCollector } from './run-git.js'

const BATCH_ARGS = ['cat-file', '--batch'] as const

/**
 * Past this many unread bytes, an abandoned blob is not drained through the pipe: stopping git and starting a
 * fresh one (a few milliseconds) is cheaper than streaming megabytes nobody reads.
 */
const DRAIN_LIMIT_BYTES = 4 * 1024 * 1024

/** An answer header is a sha, a type and a size, or an echoed object name and `missing`: well under this. */
const MAX_HEADER_BYTES = 4096

/** How long a closing git may take to exit before it is killed outright. */
const STOP_GRACE_MS = 2000

const LF = 0x0a
const EMPTY = Buffer.alloc(0)

/** A pull-based view of a byte stream: reads only when asked, so the pipe's backpressure reaches git. */
class ByteReader {
  private buffered: Buffer = EMPTY
  private ended = false
  private readonly chunks: AsyncIterator<Buffer>

  constructor(stream: Readable) {
    this.chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]()
  }

  /** Whether a byte is available, reading one more chunk if needed; false at end of stream. */
  private async fill(): Promise<boolean> {
    while (this.buffered.length === 0 && !this.ended) {
      try {
        const next = await this.chunks.next()
        if (next.done === true) this.ended = true
        else this.buffered = next.value
      } catch {
        // A destroyed stream (close() during a read) ends like EOF; the caller reports what it was waiting for.
        this.ended = true
      }
    }
    return this.buffered.length > 0
  }

  /** The bytes up to the next LF (excluded), or null if the stream ends first. */
  async line(maxBytes: number): Promise<string | null> {
    const parts: Buffer[] = []
    let length = 0
    for (;;) {
      if (!(await this.fill())) return null
      const end = this.buffered.indexOf(LF)
      if (end !== -1) {
        parts.push(this.buffered.subarray(0, end))
        this.buffered = this.buffered.subarray(end + 1)
        return Buffer.concat(parts).toString('utf8')
      }
      parts.push(this.buffered)
      length += this.buffered.length
      this.buffered = EMPTY
      if (length > maxBytes) throw new Error(`a line longer than ${maxBytes} bytes`)
    }
  }

  /** At most `maxBytes` of what is already buffered (one chunk read if nothing is), or null at end of stream. */
  async take(maxBytes: number): Promise<Buffer | null> {
    if (!(await this.fill())) return null
    const out = this.buffered.subarray(0, maxBytes)
    this.buffered = this.buffered.subarray(out.length)
    return out
  }
}

interface BatchProcess {
  child: ReturnType<typeof spawnGitConversation>
  reader: ByteReader
  stderr: () => string
  /** Settles (never rejects) once the process has exited and been reaped. */
  exited: Promise<number | null>
  spawnError: Error | null
}

/** The blob currently being streamed: the only one whose bytes the stdout may hold next. */
interface OpenBlob {
  batch: BatchProcess
  name: string
  /** Content bytes not yet taken from the pipe; the answer's trailing LF follows them. */
  remaining: number
}

/** `<sha> <type> <size>` */
const FOUND_HEADER = /^([0-9a-f]+) ([a-z]+) (\d+)$/

export class BlobStore {
  readonly repo: string
  private batch: BatchProcess | null = null
  private open: OpenBlob | null = null
  /** Serialises every conversation with the batch process: one request/answer on the pipe at a time. */
  private queue: Promise<unknown> = Promise.resolve()
  private closing: Promise<void> | null = null

  constructor(repo: string) {
    this.repo = repo
  }

  /**
   * Streams the blob's bytes in chunks; the caller must finish (or abandon via return()) one stream before the
   * next read. Large blobs must stream: never buffer the whole blob. A read started while another is still
   * open skips the rest of the earlier one, which then fails if it is read again.
   */
  read(blob: string): AsyncIterable<Uint8Array> {
    return this.blobChunks(blob)
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown()
    return this.closing
  }

  private async shutDown(): Promise<void> {
    this.open = null
    const batch = this.batch
    this.batch = null
    if (batch !== null) await stopBatch(batch)
    // Let a read that was mid-conversation see the end of the stream and settle before close() resolves.
    await this.queue
    if (this.batch !== null) await stopBatch(this.batch)
  }

  private async *blobChunks(name: string): AsyncGenerator<Uint8Array> {
    checkedRevision(name)
    const blob = await this.exclusive(() => this.openBlob(name))
    try {
      for (;;) {
        const chunk = await this.exclusive(() => this.nextChunk(blob))
        if (chunk === null) return
        yield chunk
      }
    } finally {
      await this.exclusive(() => this.abandon(blob))
    }
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task)
    this.queue = run.catch(() => undefined)
    return run
  }

  private batchProcess(): BatchProcess {
    if (this.batch !== null) return this.batch
    // A read queued before close() must not start a git that nothing would stop.
    if (this.closing !== null) throw new Error('BlobStore is closed')
    const child = spawnGitConversation(this.repo, BATCH_ARGS)
    const stderr = stderrCollector(child.stderr)
    // A write after git died fails with EPIPE; the read that follows reports it with git's stderr.
    child.stdin.on('error', () => undefined)
    const batch: BatchProcess = {
      child,
      reader: new ByteReader(child.stdout),
      stderr,
      exited: gitExit(child, this.repo, BATCH_ARGS, stderr).catch((error: unknown) => {
        batch.spawnError = error instanceof Error ? error : new Error(String(error))
        return null
      }),
      spawnError: null
    }
    this.batch = batch
    return batch
  }

  /** Forgets a batch process that can no longer be trusted to be in step, and makes sure it exits. */
  private async discard(batch: BatchProcess): Promise<void> {
    if (this.batch === batch) this.batch = null
    if (this.open?.batch === batch) this.open = null
    await stopBatch(batch)
  }

  /** The error for a batch process whose output ended early: git's own exit code and stderr. */
  private async endedEarly(batch: BatchProcess, waitingFor: string): Promise<GitError> {
    await this.discard(batch)
    if (this.closing !== null)
      return new GitError([...BATCH_ARGS], null, '', `BlobStore was closed while ${waitingFor}`)
    const code = await batch.exited
    const stderr = batch.spawnError?.message ?? batch.stderr()
    return new GitError([...BATCH_ARGS], code, stderr, `git stopped while ${waitingFor}`)
  }

  private async openBlob(name: string): Promise<OpenBlob> {
    if (this.closing !== null) throw new Error('BlobStore is closed')
    if (this.open !== null) await this.abandon(this.open)
    const batch = this.batchProcess()
    batch.child.stdin.write(`${name}\n`)
    let header: string | null
    try {
      header = await batch.reader.line(MAX_HEADER_BYTES)
    } catch (error) {
      await this.discard(batch)
      throw new GitError([...BATCH_ARGS], null, String(error), `unreadable answer for ${name}`)
    }
    if (header === null) throw await this.endedEarly(batch, `looking up ${name}`)
    const found = FOUND_HEADER.exec(header)
    if (found === null) {
      // `<name> missing` or `<name> ambiguous`: no content follows, so the stream stays in step.
      const reason = header.startsWith(`${name} `) ? header.slice(name.length + 1) : header
      throw new GitError([...BATCH_ARGS], null, header, `blob ${name} is ${reason} in ${this.repo}`)
    }
    const [, , type = '', size = ''] = found
    const blob: OpenBlob = { batch, name, remaining: Number(size) }
    if (type !== 'blob') {
      await this.skipRest(blob)
      throw new GitError([...BATCH_ARGS], null, header, `${name} is a ${type}, not a blob`)
    }
    this.open = blob
    return blob
  }

  private async nextChunk(blob: OpenBlob): Promise<Buffer | null> {
    if (this.open !== blob) {
      throw new Error(
        `the stream of blob ${blob.name} was abandoned: a later read or close() skipped its rest`
      )
    }
    if (blob.remaining === 0) {
      await this.skipRest(blob)
      this.open = null
      return null
    }
    const chunk = await blob.batch.reader.take(blob.remaining)
    if (chunk === null) throw await this.endedEarly(blob.batch, `streaming ${blob.name}`)
    blob.remaining -= chunk.length
    return chunk
  }

  /** Puts the stream back in step after a blob whose consumer stopped early (or never got to its end). */
  private async abandon(blob: OpenBlob): Promise<void> {
    if (this.open !== blob) return
    this.open = null
    if (blob.remaining > DRAIN_LIMIT_BYTES) await this.discard(blob.batch)
    else await this.skipRest(blob)
  }

  /** Reads and drops the rest of an answer: the unread content and the trailing LF. */
  private async skipRest(blob: OpenBlob): Promise<void> {
    let left = blob.remaining + 1
    while (left > 0) {
      const chunk = await blob.batch.reader.take(left)
      if (chunk === null) throw await this.endedEarly(blob.batch, `skipping the rest of ${blob.name}`)
      left -= chunk.length
      if (left === 0 && chunk[chunk.length - 1] !== LF) {
        await this.discard(blob.batch)
        throw new GitError(
          [...BATCH_ARGS],
          null,
          '',
          `answer for ${blob.name} did not end where its size said`
        )
      }
    }
    blob.remaining = 0
  }
}

/** Ends a batch process whatever it is doing, and waits until it is gone (no zombie left behind). */
async function stopBatch(batch: BatchProcess): Promise<void> {
  const { child } = batch
  // EOF on stdin ends an idle git; closing our end of stdout ends one blocked writing a blob (EPIPE).
  child.stdin.end()
  child.stdout.destroy()
  if (child.exitCode === null && child.signalCode === null && batch.spawnError === null) {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
    await batch.exited
    clearTimeout(timer)
  }
  await batch.exited
}
