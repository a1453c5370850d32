// Runs the built action (dist/index.js) as a child process the way the runner does: inputs as INPUT_*
// variables, the event payload in a file named by GITHUB_EVENT_PATH, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY as
// files, and GITHUB_API_URL pointing wherever the test says (the GitHub stand-in).

import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { devNull, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createRequire } from 'node:module'

export const ACTION_ENTRY = resolve('dist/index.js')

/** A run that takes longer than this is stuck (a request nobody answers); kill it so the test says so. */
const RUN_TIMEOUT_MS = 30_000

export interface ActionRunOptions {
  workspace: string
  eventName: string
  payload: unknown
  inputs: Record<string, string>
  apiUrl: string
  repository: string
  /** GITHUB_SHA; for pull requests the runner sets the merge commit. */
  sha?: string
  env?: Record<string, string>
}

export interface ActionRun {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** Workflow commands the run printed, parsed: `::error file=a,line=1::message`. */
  commands: WorkflowCommand[]
}

export interface WorkflowCommand {
  command: string
  properties: Record<string, string>
  message: string
}

// How @actions/core escapes command data and properties, undone.
const unescape = (text: string) =>
  text
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%')

export function workflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = []
  for (const line of stdout.split('\n')) {
    const match = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line)
    if (match === null) continue
    const properties: Record<string, string> = {}
    for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=')
      properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1))
    }
    commands.push({ command: match[1] as string, properties, message: unescape(match[3] ?? '') })
  }
  return commands
}

/** GITHUB_OUTPUT holds `name<<delimiter`, the value's lines, then the delimiter. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const header = /^([^<]+)<<(.+)$/.exec(lines[i] as string)
    if (header === null) continue
    const [, name = '', delimiter] = header
    const value: string[] = []
    while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i] as string)
    outputs[name] = value.join('\n')
  }
  return outputs
}

export async function runAction(options: ActionRunOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'dataset-guard-run-'))
  try {
    const eventPath = join(dir, 'event.json')
    const outputPath = join(dir, 'output')
    const summaryPath = join(dir, 'summary.md')
    const runnerTemp = join(dir, 'runner-temp')
    mkdirSync(runnerTemp)
    writeFileSync(eventPath, JSON.stringify(options.payload))
    writeFileSync(outputPath, '')
    writeFileSync(summaryPath, '')
    const inputs = Object.fromEntries(
      Object.entries(options.inputs).map(([name, value]) => [
        `INPUT_${name.replace(/ /g, '_').toUpperCase()}`,
        value
      ])
    )
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      // The developer's git config (signing, hooks, aliases) must not change what the action sees.
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: devNull,
      NO_PROXY: '127.0.0.1',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_API_URL: options.apiUrl,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: options.repository,
      GITHUB_EVENT_NAME: options.eventName,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_SHA: options.sha ?? '',
      GITHUB_RUN_ID: '4242',
      GITHUB_OUTPUT: outputPath,
      GITHUB_STEP_SUMMARY: summaryPath,
      RUNNER_TEMP: runnerTemp,
      ...inputs,
      ...options.env
    }
    const { code, stdout, stderr } = await new Promise<{
      code: number | null
      stdout: string
      stderr: string
    }>((done, fail) => {
      // spawn, not spawnSync: the stand-in answers from this process's event loop.
      const child = spawn(process.execPath, [ACTION_ENTRY], { cwd: options.workspace, env })
      let out = ''
      let err = ''
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')))
      const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS)
      child.on('error', fail)
      child.on('close', exit => {
        clearTimeout(timer)
        done({ code: exit, stdout: out, stderr: err })
      })
    })
    const reportPath = parseOutputs(readFileSync(outputPath, 'utf8'))['report-json']
    const outputs = parseOutputs(readFileSync(outputPath, 'utf8'))
    if (reportPath !== undefined && existsSync(reportPath))
      outputs['report-json-content'] = readFileSync(reportPath, 'utf8')
    return {
      code,
      stdout,
      stderr,
      outputs,
      summary: readFileSync(summaryPath, 'utf8'),
      commands: workflowCommands(stdout)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------------------------------------
// Real event payloads from @octokit/webhooks-examples, adapted to the test repository.

interface WebhookExamples {
  name: string
  examples: Record<string, unknown>[]
}

let examplesCache: WebhookExamples[] | null = null

/** A real payload GitHub sent for `event` (with `action`, when given), deep-copied for the test to adapt. */
export function webhookExample(event: string, action?: string): Record<string, unknown> {
  if (examplesCache === null) {
    const path = createRequire(import.meta.url).resolve(
      '@octokit/webhooks-examples/api.github.com/index.json'
    )
    examplesCache = JSON.parse(readFileSync(path, 'utf8')) as WebhookExamples[]
  }
  const group = examplesCache.find(e => e.name === event)
  const example = group?.examples.find(e => action === undefined || e.action === action)
  if (example === undefined) throw new Error(`no ${event}${action ? `.${action}` : ''} example payload`)
  return structuredClone(example)
}
