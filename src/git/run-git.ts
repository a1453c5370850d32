// The one place that starts git. Always `spawn` with an argument array: paths and revisions come from pull
// requests, so nothing may pass through a shell.

import { spawn, type ChildProcess, type ChildProcessByStdio, type SpawnOptions } from 'node:child_process'
import type { Readable, Writable } from 'node:stream'

/** stderr kept per process; git's real messages are short, and a runaway one must not grow memory. */
const MAX_STDERR_CHARS = 4096

/** How long a stopped git may take to exit before it is killed outright. */
const STOP_GRACE_MS = 2000

/** Byte that ends each record of git's `-z` output. */
const NUL = 0x00

// Fixed (English) messages for callers and tests, no prompt for credentials in CI, and optional locks off so
// reading the repository never competes with a concurrent git in the same checkout.
function gitEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' }
}

export class GitError extends Error {
  readonly args: readonly string[]
  /** null when git did not exit on its own (spawn failure, signal, or a protocol-level failure). */
  readonly exitCode: number | null
  readonly stderr: string

  /** `explanation` leads the message when the raw git failure needs translating into what to do. */
  constructor(args: readonly string[], exitCode: number | null, stderr: string, explanation?: string) {
    const command = `git ${args.join(' ')}`
    const status = exitCode === null ? 'failed' : `failed with exit code ${exitCode}`
    const detail = stderr.trim()
    const failure = detail === '' ? `${command} ${status}` : `${command} ${status}: ${detail}`
    super(explanation === undefined ? failure : `${explanation} (${failure})`)
    this.name = 'GitError'
    this.args = [...args]
    this.exitCode = exitCode
    this.stderr = stderr
  }
}

/**
 * A revision or object name, checked before it becomes an argument: one starting with `-` would be read as an
 * option, and a line break would desynchronise `cat-file --batch`.
 */
export function checkedRevision(rev: string): string {
  if (rev === '' || rev.startsWith('-') || /[\0\n\r]/.test(rev)) {
    throw new Error(
      `Invalid git revision ${JSON.stringify(rev)}: it must be non-empty, not start with "-" and fit on one line`
    )
  }
  return rev
}

export interface GitResult {
  exitCode: number
  stdout: Buffer
  stderr: string
}

/** Collects a stream's text up to a cap. */
export function stderrCollector(stream: Readable): () => string {
  let text = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => {
    if (text.length < MAX_STDERR_CHARS) text = (text + chunk).slice(0, MAX_STDERR_CHARS)
  })
  return () => text
}

function spawnOptions(repo: string): SpawnOptions {
  return { cwd: repo, env: gitEnvironment(), windowsHide: true }
}

/** Starts git in `repo`, reading nothing from us. */
export function spawnGit(
  repo: string,
  args: readonly string[]
): ChildProcessByStdio<null, Readable, Readable> {
  return spawn('git', args, { ...spawnOptions(repo), stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Starts git in `repo` with a pipe to its stdin, for a conversation (cat-file --batch). */
export function spawnGitConversation(
  repo: string,
  args: readonly string[]
): ChildProcessByStdio<Writable, Readable, Readable> {
  return spawn('git', args, { ...spawnOptions(repo), stdio: ['pipe', 'pipe', 'pipe'] })
}

/**
 * Resolves with git's exit code once the process is gone (and reaped), or rejects with a GitError when git
 * could not be started or was ended by a signal.
 */
export function gitExit(
  child: ChildProcess,
  repo: string,
  args: readonly string[],
  stderr: () => string
): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('error', error => {
      // Node reports a missing cwd as a missing executable (ENOENT), so name both.
      const explanation =
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? `could not start git in ${repo}: git is not installed or the folder does not exist`
          : undefined
      reject(new GitError(args, null, `${stderr()}${error.message}`, explanation))
    })
    child.once('close', (code, signal) => {
      if (code !== null) resolve(code)
      else reject(new GitError(args, null, `${stderr()}killed by ${signal ?? 'a signal'}`))
    })
  })
}

/** Runs git to completion and returns its output whatever the exit code; callers decide what a code means. */
export async function gitResult(repo: string, args: readonly string[]): Promise<GitResult> {
  const child = spawnGit(repo, args)
  const stderr = stderrCollector(child.stderr)
  const chunks: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
  const exitCode = await gitExit(child, repo, args, stderr)
  return { exitCode, stdout: Buffer.concat(chunks), stderr: stderr() }
}

/** git's stdout as UTF-8 text; any non-zero exit is a GitError. For small outputs (a sha, a path, a flag). */
export async function runGit(repo: string, args: readonly string[]): Promise<string> {
  const result = await gitResult(repo, args)
  if (result.exitCode !== 0) throw new GitError(args, result.exitCode, result.stderr)
  return result.stdout.toString('utf8')
}

export interface GitStream {
  /** git's stdout; reading it at the consumer's pace holds git back (pipe backpressure). */
  stdout: Readable
  /** Resolves when git exits with 0, rejects with a GitError otherwise. Settles as success after `stop()`. */
  done: Promise<void>
  /** Ends git early, when the consumer has read enough. Resolves once the process has exited. */
  stop(): Promise<void>
}

/** Starts git with a streamed stdout, for outputs too large to hold or only partly needed. */
export function gitStream(repo: string, args: readonly string[]): GitStream {
  const child = spawnGit(repo, args)
  const stderr = stderrCollector(child.stderr)
  let stopped = false
  const exit = gitExit(child, repo, args, stderr)
  const done = exit.then(
    code => {
      if (code !== 0 && !stopped) throw new GitError(args, code, stderr())
    },
    (error: unknown) => {
      if (!stopped) throw error
    }
  )
  // The consumer may stop before awaiting `done`; a failure then must not surface as an unhandled rejection.
  done.catch(() => undefined)
  const stop = async (): Promise<void> => {
    stopped = true
    child.stdout.destroy()
    const settled = done.catch(() => undefined)
    if (child.exitCode === null && child.signalCode === null) {
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
      child.kill('SIGTERM')
      await settled
      clearTimeout(timer)
    }
    await settled
  }
  return { stdout: child.stdout, done, stop }
}

/**
 * The NUL-terminated records of git's `-z` output, decoded one by one as UTF-8. Splitting on bytes before
 * decoding keeps a multi-byte character intact when it straddles two chunks. Breaking out of the loop stops git.
 */
export async function* gitRecords(repo: string, args: readonly string[]): AsyncGenerator<string> {
  const git = gitStream(repo, args)
  let finished = false
  try {
    let pending: Buffer[] = []
    for await (const chunk of git.stdout as AsyncIterable<Buffer>) {
      let start = 0
      let end = chunk.indexOf(NUL, start)
      while (end !== -1) {
        pending.push(chunk.subarray(start, end))
        const record = Buffer.concat(pending).toString('utf8')
        pending = []
        yield record
        start = end + 1
        end = chunk.indexOf(NUL, start)
      }
      if (start < chunk.length) pending.push(chunk.subarray(start))
    }
    await git.done
    if (pending.length > 0) throw new GitError(args, 0, 'output did not end with a NUL byte')
    finished = true
  } finally {
    if (!finished) await git.stop()
  }
}
