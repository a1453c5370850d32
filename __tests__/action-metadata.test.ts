// action.yml is what the runner reads: it must declare exactly the inputs the action reads and the outputs it
// sets, with defaults the action accepts.

import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { parseActionInputs } from '../src/action-inputs.js'
import { actionOutputs } from '../src/action-outcome.js'
import { buildReport } from './helpers/report-builder.js'

interface ActionMetadata {
  name: string
  description: string
  branding: { icon: string; color: string }
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string }
}

const metadata = parse(readFileSync('action.yml', 'utf8')) as ActionMetadata

describe('action.yml', () => {
  it('runs the committed bundle on node24, with branding', () => {
    expect(metadata.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(metadata.branding.icon).toMatch(/^[a-z-]+$/)
    expect(metadata.branding.color).toMatch(/^(white|black|yellow|blue|green|orange|red|purple|gray-dark)$/)
  })

  it('declares every input the action reads, each described, with a default it accepts', () => {
    const read = new Set<string>()
    const defaults = (name: string) => {
      read.add(name)
      const value = metadata.inputs[name]?.default ?? ''
      return name === 'github-token' ? 'ghs_from_expression' : value
    }
    const inputs = parseActionInputs(defaults)
    expect(Object.keys(metadata.inputs).sort()).toEqual([...read].sort())
    for (const [name, input] of Object.entries(metadata.inputs)) {
      expect(input.description.length).toBeGreaterThan(20)
      expect(input.required ?? false).toBe(false)
      expect(typeof input.default).toBe('string')
      expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/)
    }
    expect(metadata.inputs['github-token']?.default).toBe('${{ github.token }}')
    expect(inputs).toMatchObject({ mode: 'check', failOn: 'fail', comment: 'on-change', maxAnnotations: 50 })
  })

  it('declares every output the action sets', () => {
    // report-json is set after the report is written; partial only by a shard step.
    const set = [...Object.keys(actionOutputs(buildReport(), 'fail')), 'report-json', 'partial']
    expect(Object.keys(metadata.outputs).sort()).toEqual(set.sort())
  })
})
