// A shard's partial result on disk, and back: every dataset's analysis state (see DatasetAnalysis.toState), its
// leak check, findings and plan facts, in one state file. A merge reads the files of all shards.

import { DatasetAnalysis } from '../analysis/dataset-analysis.js'
import { LeakageCheck, type LeakageState } from '../analysis/eval-leakage.js'
import { RealismSample, type RealismSampleState } from '../analysis/realism/realism-sample.js'
import type { Config } from '../config/types.js'
import type { DatasetPartial, RunPartial } from '../run-check.js'
import { VERSION } from '../version.js'
import { readStateFile, writeStateFile } from './state-file.js'

const KIND = 'dataset-guard-partial'

interface DatasetJson extends Omit<DatasetPartial, 'analysis' | 'leakage'> {
  analysis: ReturnType<DatasetAnalysis['toState']>['json']
  leakage: LeakageState | null
}

interface PartialJson extends Omit<RunPartial, 'datasets' | 'reference'> {
  kind: typeof KIND
  reference: { name: string; sample: RealismSampleState } | null
  version: string
  datasets: DatasetJson[]
}

export async function writePartial(path: string, partial: RunPartial): Promise<void> {
  const numbers: Record<string, Float64Array | Int32Array> = {}
  const strings: Record<string, string[]> = {}
  const datasets = partial.datasets.map((dataset, i): DatasetJson => {
    const state = dataset.analysis.toState(true)
    for (const [name, values] of Object.entries(state.numbers)) numbers[`${i}/${name}`] = values
    for (const [name, values] of Object.entries(state.strings)) strings[`${i}/${name}`] = values
    const { analysis: _analysis, leakage, ...facts } = dataset
    return {
      ...facts,
      analysis: state.json,
      leakage: leakage?.toState() ?? null
    }
  })
  const json: PartialJson = {
    kind: KIND,
    version: VERSION,
    base: partial.base,
    head: partial.head,
    shard: partial.shard,
    reference: partial.reference
      ? { name: partial.reference.name, sample: partial.reference.sample.toState() }
      : null,
    datasets
  }
  await writeStateFile(path, { json, numbers, strings })
}

/** Reads a shard's partial; throws naming the file when it is not one, or was written by another version. */
export async function readPartial(path: string, config: Config): Promise<RunPartial> {
  const sections = await readStateFile(path)
  const json = sections.json as PartialJson
  if (json?.kind !== KIND) throw new Error(`${path}: not a dataset-guard partial result`)
  if (json.version !== VERSION) {
    throw new Error(
      `${path}: written by dataset-guard ${json.version}; this is ${VERSION}: run every shard with one version`
    )
  }
  const reference = json.reference
    ? { name: json.reference.name, sample: RealismSample.fromState(json.reference.sample) }
    : null
  const realism = { sampleSize: config.realism.sampleSize, reference }
  const datasets = json.datasets.map((dataset, i): DatasetPartial => {
    const prefix = `${i}/`
    const pick = <T>(record: Record<string, T>): Record<string, T> =>
      Object.fromEntries(
        Object.entries(record)
          .filter(([name]) => name.startsWith(prefix))
          .map(([name, values]) => [name.slice(prefix.length), values])
      )
    let analysis: DatasetAnalysis
    try {
      analysis = DatasetAnalysis.fromState(
        { json: dataset.analysis, numbers: pick(sections.numbers), strings: pick(sections.strings) },
        config.patterns,
        realism
      )
    } catch (error) {
      throw new Error(`${path}: dataset ${dataset.name}: ${(error as Error).message}`)
    }
    const { leakage, analysis: _analysis, ...facts } = dataset
    return {
      ...facts,
      analysis,
      // The eval sets themselves are not needed to merge and report: their names and sizes are in the state.
      leakage: leakage ? LeakageCheck.fromState(null, leakage) : null
    }
  })
  return { base: json.base, head: json.head, shard: json.shard, reference, datasets }
}
