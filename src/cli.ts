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
import { reportFileText } from './report/report-file.js'
import { renderTerminal } from './report/terminal.js'
import { analyseRun, PartialMerge, runCheck } from './run-check.js'
import { parseShard, SHARD_FORMAT } from './shard-spec.js'
import { readPartial, writePartial } from './state/partial-file.js'
import type { Report } from './types.js'
import { VERSION } from './version.js'

export const EXIT_PASS = 0
export const EXIT_FAIL = 1
export const EXIT_USAGE = 2

const USAGE = `dataset-guard ${VERSION}: guard training datasets against template collapse and synthetic drift

Usage:
  dataset-guard check --base REV [--head REV] [options]
  dataset-guard check --base REV [--head REV] --shard I/N --partial FILE [options]
  dataset-guard merge PARTIAL... [--config FILE] [--json FILE] [--markdown FILE]

check compares the datasets changed between the merge base of REV and --head (default HEAD), prints a
report, and exits 0 when the gate passes, 1 when it fails, 2 on a usage, config or git error.
With --shard, it analyses shard I of N (every row is read; the rows whose content hash falls in the
shard are analysed) and writes a partial result to FILE instead of a report. merge combines the partial
results of all N shards into exactly the report one run gives, and exits like check.

Options:
  --base REV         the revision to compare against, e.g. origin/main (required)
  --head REV         the revision to check (default: HEAD)
  --config FILE      the config file (default: ${DEFAULT_CONFIG_PATH} when it exists, else built-in defaults)
  --paths GLOBS      comma-separated globs: every changed file they match is a dataset of its own
  --repo DIR         a folder inside the git repository (default: the current folder)
  --json FILE        also write the full report as JSON
  --markdown FILE    also write the report as the markdown the PR comment uses
  --cache-dir DIR    save each dataset's base analysis here, and load it instead of reading the base again
  --shard I/N        analyse shard I of N (with --partial)
  --partial FILE     where --shard writes its partial result
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
        'cache-dir': { type: 'string' },
        shard: { type: 'string' },
        partial: { type: 'string' },
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
  const usage = (message: string): number => {
    io.stderr(`${message}\n\n${USAGE}\n`)
    return EXIT_USAGE
  }
  if (command === 'merge') {
    if (extra.length === 0) return usage('merge needs the partial files of every shard')
  } else if (command !== 'check' || extra.length > 0) {
    return usage(command ? `Unknown command: ${positionals.join(' ')}` : 'No command given')
  } else if (!values.base) {
    return usage('--base is required (for example --base origin/main)')
  }
  if (
    (values.shard === undefined) !== (values.partial === undefined) ||
    (command === 'merge' && values.shard)
  ) {
    return usage('--shard I/N and --partial FILE go together, with check')
  }

  const progress = values.quiet ? () => undefined : (line: string) => io.stderr(`${line}\n`)
  try {
    let report: Report
    if (command === 'merge') {
      // Merging needs no git: only the config (for the thresholds) and the partial files.
      const root = await repoRoot(resolve(io.cwd, values.repo ?? '.')).catch(() => resolve(io.cwd))
      const config = await loadConfig(configPath(values.config, root, io.cwd), {
        required: values.config !== undefined
      })
      // One partial is held at a time beside the combined one.
      const merge = new PartialMerge()
      for (const file of extra) merge.add(await readPartial(resolve(io.cwd, file), config))
      report = await merge.report(config)
    } else {
      const repo = await repoRoot(resolve(io.cwd, values.repo ?? '.'))
      const config = await loadConfig(configPath(values.config, repo, io.cwd), {
        required: values.config !== undefined
      })
      const paths = values.paths
        ?.split(',')
        .map(p => p.trim())
        .filter(Boolean)
      const options = {
        repo,
        base: values.base as string,
        head: values.head,
        config,
        paths,
        cacheDir: values['cache-dir'] === undefined ? undefined : resolve(io.cwd, values['cache-dir']),
        log: progress
      }
      if (values.shard !== undefined && values.partial !== undefined) {
        const shard = parseShard(values.shard)
        if (shard === null) return usage(`a shard is ${SHARD_FORMAT}, got "${values.shard}"`)
        const file = resolve(io.cwd, values.partial)
        await writePartial(file, await analyseRun(options, shard))
        progress(`shard ${shard.index + 1}/${shard.count}: partial result written to ${file}`)
        return EXIT_PASS
      }
      report = await runCheck(options)
    }

    if (values.json) await writeOutput(resolve(io.cwd, values.json), reportFileText(report))
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
