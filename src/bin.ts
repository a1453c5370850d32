#!/usr/bin/env node
import { cli } from './cli.js'
import { isRowWorker, runRowWorker } from './readers/row-stream.js'
import { limitYoungGeneration } from './young-generation.js'

limitYoungGeneration()

// Started as a reading thread (see readers/row-stream.ts), the same bundle reads rows instead.
if (isRowWorker()) {
  await runRowWorker()
} else {
  process.exitCode = await cli(process.argv.slice(2), {
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
    isTty: Boolean(process.stdout.isTTY),
    cwd: process.cwd()
  })
}
