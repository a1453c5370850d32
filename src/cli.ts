// The local twin of the action: the same pipeline, with a terminal report and exit codes instead of check runs
// and comments. `src/bin.ts` is the executable that calls `cli`.

import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { DEFAULT_CONFIG_PATH } from './config/defaults.js'
import { ConfigError, loadConfig } from './config/load-config.js'
import { repoRoot } from './git/repo-root.js'
import { renderMarkdown } from './report/markdown.js'
import { renderTerminal } from './report/terminal.js'
import { runCheck } from './run-check.js'
import { VERSION } from './version.js'

export const EXIT_PASS = 0
export const EXIT_FAIL = 1
export const EXIT_USAGE = 2

const USAGE = `dataset-guard ${VERSION}: guard training datasets against template collapse and synthetic drift

Usage:
  dataset-guard check --base REV [--head REV] [options]

Compares the datasets changed between the merge base of REV and --head (default HEAD), prints a report,
and exits 0 when the gate passes, 1 when it fails, 2 on a usage, config or git error.

Options:
  --base REV         the revision to compare against, e.g. origin/main (required)
  --head REV         the revision to check (default: HEAD)
  --config FILE      the config file (default: ${DEFAULT_CONFIG_PATH} when it exists, else built-in defaults)
  --paths GLOBS      comma-separated globs: every changed file they match is a dataset of its own
  --repo DIR         a folder inside the git repository (default: the current folder)
  --json FILE        also write the full report as JSON
  --markdown FILE    also write the report as the markdown the PR comment uses
  --color, --no-color  force colour on or off (default: on when stdout is a terminal)
  --quiet            no progress lines on stderr
  -h, --help         this help
  -v, --version      the version`

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  /** Whether stdout is a terminal (colour by default). */
  isTty: boolean
  cwd: string
}

export async function cli(argv: string[], io: CliIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        base: { type: 'string' },
        head: { type: 'string', default: 'HEAD' },
        config: { type: 'string' },
        paths: { type: 'string' },
        repo: { type: 'string' },
        json: { type: 'string' },
        markdown: { type: 'string' },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false }
      }
    })
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${USAGE}\n`)
    return EXIT_USAGE
  }
  const { values, positionals } = parsed
  if (values.help) {
    io.stdout(`${USAGE}\n`)
    return EXIT_PASS
  }
  if (values.version) {
    io.stdout(`${VERSION}\n`)
    return EXIT_PASS
  }
  const [command, ...extra] = positionals
  if (command !== 'check' || extra.length > 0) {
    io.stderr(`${command ? `Unknown command: ${positionals.join(' ')}` : 'No command given'}\n\n${USAGE}\n`)
    return EXIT_USAGE
  }
  if (!values.base) {
    io.stderr(`--base is required (for example --base origin/main)\n\n${USAGE}\n`)
    return EXIT_USAGE
  }

  const progress = values.quiet ? () => undefined : (line: string) => io.stderr(`${line}\n`)
  try {
    const repo = await repoRoot(resolve(io.cwd, values.repo ?? '.'))
    const config = await loadConfig(configPath(values.config, repo, io.cwd), {
      required: values.config !== undefined
    })
    const paths = values.paths
      ?.split(',')
      .map(p => p.trim())
      .filter(Boolean)
    const report = await runCheck({
      repo,
      base: values.base,
      head: values.head,
      config,
      paths,
      log: progress
    })

    if (values.json) await writeOutput(resolve(io.cwd, values.json), `${JSON.stringify(report, null, 2)}\n`)
    if (values.markdown) await writeOutput(resolve(io.cwd, values.markdown), renderMarkdown(report))
    const color = values['no-color'] ? false : (values.color ?? io.isTty)
    io.stdout(renderTerminal(report, { color }))
    return report.verdict.passed ? EXIT_PASS : EXIT_FAIL
  } catch (error) {
    const message =
      error instanceof ConfigError ? error.message : `dataset-guard: ${(error as Error).message}`
    io.stderr(`${message}\n`)
    return EXIT_USAGE
  }
}

function configPath(given: string | undefined, repo: string, cwd: string): string | null {
  if (given !== undefined) return isAbsolute(given) ? given : resolve(cwd, given)
  const fallback = resolve(repo, DEFAULT_CONFIG_PATH)
  return existsSync(fallback) ? fallback : null
}

async function writeOutput(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, text)
}
