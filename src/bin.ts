#!/usr/bin/env node
import { cli } from './cli.js'

process.exitCode = await cli(process.argv.slice(2), {
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
  isTty: Boolean(process.stdout.isTTY),
  cwd: process.cwd()
})
