// A dataset's realism report from its four samples of head rows, and the same work handed to another thread.
// The comparison needs only the samples, not the patterns, so an unsharded check computes it on its reading
// thread (idle once the rows are read) while the main thread resolves and clusters the template keys: about
// 0.5 s less wall time at 100k rows per side and 0.2 s at 10k, for some 60 MB more peak memory (the thread's
// heap grows beside the main one). Computed here or there, the result is the same.

import type { DatasetRealism } from '../../types.js'
import { PendingRow, RealismSample, compareSamples, type PendingRowTransfer } from './realism-sample.js'
import type { RealismComparison } from './types.js'

/** The four samples of head rows the realism report compares: by provenance, and added against unchanged. */
export interface RealismSamples {
  real: RealismSample
  synthetic: RealismSample
  existing: RealismSample
  added: RealismSample
}

export interface RealismOptions {
  /** Rows sampled per side of each comparison; 0 switches the realism report off. */
  sampleSize: number
  /** Real rows the synthetic rows are compared with when the dataset has no real rows at head. */
  reference: { name: string; sample: RealismSample } | null
  /** Seed of the classifier's folds; fixed by default. */
  seed?: number
}

/** Side labels of the realism comparisons; they open the gap sentences ("real inputs: 9% have a likely typo"). */
const REAL_VS_SYNTHETIC = { a: 'real', b: 'synthetic' }
const REFERENCE_VS_SYNTHETIC = { a: 'reference', b: 'synthetic' }
const EXISTING_VS_ADDED = { a: 'existing', b: 'added' }

/**
 * The synthetic rows against the real rows at head, else against the reference, else alone (an empty side A,
 * so side B's rates are its absolute rates); and the added rows against those already there.
 */
export function datasetRealism(samples: RealismSamples, realism: RealismOptions): DatasetRealism | null {
  const options = { seed: realism.seed }
  const reference = realism.reference
  let realVsSynthetic: RealismComparison | null = null
  let baseline: DatasetRealism['baseline'] = null
  if (samples.synthetic.rows > 0) {
    if (samples.real.rows > 0) {
      baseline = 'real'
      realVsSynthetic = compareSamples(samples.real, samples.synthetic, REAL_VS_SYNTHETIC, options)
    } else if (reference !== null && reference.sample.rows > 0) {
      baseline = 'reference'
      realVsSynthetic = compareSamples(reference.sample, samples.synthetic, REFERENCE_VS_SYNTHETIC, options)
    } else {
      baseline = 'none'
      realVsSynthetic = compareSamples(samples.real, samples.synthetic, REAL_VS_SYNTHETIC, options)
    }
  }
  const existingVsAdded =
    samples.existing.rows > 0 && samples.added.rows > 0
      ? compareSamples(samples.existing, samples.added, EXISTING_VS_ADDED, options)
      : null
  if (realVsSynthetic === null && existingVsAdded === null) return null
  return {
    sampleSize: realism.sampleSize,
    baseline,
    reference: baseline === 'reference' ? (reference?.name ?? null) : null,
    realVsSynthetic,
    existingVsAdded
  }
}

/** A sample in a RealismJob: its cap, the rows it saw, and its kept rows as indexes into the job's rows. */
interface SampleTransfer {
  cap: number
  seen: number
  rows: number[]
}

/**
 * datasetRealism's input as plain data, for postMessage. A row kept by two samples (a real row that is also
 * unchanged) is listed once, so its features are still computed once.
 */
export interface RealismJob {
  rows: PendingRowTransfer[]
  samples: Record<keyof RealismSamples, SampleTransfer>
  reference: { name: string; sample: SampleTransfer } | null
  sampleSize: number
  seed?: number
}

export function realismJob(samples: RealismSamples, realism: RealismOptions): RealismJob {
  const rows: PendingRowTransfer[] = []
  const index = new Map<PendingRow, number>()
  const transfer = (sample: RealismSample): SampleTransfer => {
    const kept = sample.kept()
    const ids = kept.rows.map(row => {
      let id = index.get(row)
      if (id === undefined) {
        id = rows.length
        index.set(row, id)
        rows.push(row.toTransfer())
      }
      return id
    })
    return { cap: kept.cap, seen: kept.seen, rows: ids }
  }
  return {
    rows,
    samples: {
      real: transfer(samples.real),
      synthetic: transfer(samples.synthetic),
      existing: transfer(samples.existing),
      added: transfer(samples.added)
    },
    reference: realism.reference && {
      name: realism.reference.name,
      sample: transfer(realism.reference.sample)
    },
    sampleSize: realism.sampleSize,
    seed: realism.seed
  }
}

/** datasetRealism of the samples a job carries, on whichever thread received it. */
export function realismOfJob(job: RealismJob): DatasetRealism | null {
  const rows = job.rows.map(row => PendingRow.fromTransfer(row))
  const sample = (transfer: SampleTransfer): RealismSample =>
    RealismSample.fromKept({
      cap: transfer.cap,
      seen: transfer.seen,
      rows: transfer.rows.map(id => rows[id]!)
    })
  const samples: RealismSamples = {
    real: sample(job.samples.real),
    synthetic: sample(job.samples.synthetic),
    existing: sample(job.samples.existing),
    added: sample(job.samples.added)
  }
  return datasetRealism(samples, {
    sampleSize: job.sampleSize,
    reference: job.reference && { name: job.reference.name, sample: sample(job.reference.sample) },
    seed: job.seed
  })
}
