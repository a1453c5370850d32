// How well the row features tell two sides apart, as one number: the ROC-AUC of a logistic regression scored
// only on rows it was not trained on. 0.5 means the sides look alike; 1 means every row gives its side away.
// Deterministic by construction (seeded folds, a fixed cap on Newton steps, no randomness in training), so a
// report can be reproduced exactly.

import { mulberry32 } from '../random.js'

export const DEFAULT_FOLDS = 5
/** Below this many rows on a side, cross-validated AUC is noise: each fold would score a handful of rows. */
export const MIN_ROWS_PER_SIDE = 10
/**
 * Newton steps at most. Plain gradient descent needed ~300 full passes (about 1 s for 5,000 rows a side); Newton
 * steps converged in 4-10 on GSM8K and Alpaca (each costs a pass plus a 12x12 solve); the cap bounds the rest.
 */
const MAX_NEWTON_STEPS = 30
/** Training stops once no weight moves by more than this in a step: AUC depends on far coarser differences. */
const CONVERGENCE_TOLERANCE = 1e-7
/** A step that raises the loss is halved at most this many times (damped Newton), then taken as it is. */
const MAX_STEP_HALVINGS = 20
/** L2 penalty on the weights, so a feature that separates the training rows perfectly keeps a finite weight. */
const L2_PENALTY = 1e-3
/** Floor of a Cholesky pivot, so round-off on a near-singular Hessian cannot take the square root of a negative. */
const CHOLESKY_RIDGE = 1e-12

export interface AucOptions {
  /** k of k-fold cross-validation; lowered to the smaller side's size when that is smaller. */
  folds?: number
  /** Seed of the fold shuffle. */
  seed: number
}

/**
 * Cross-validated ROC-AUC of telling rows of `a` (label 0) from rows of `b` (label 1) by their feature vectors.
 * Features are standardised on each training split; an L2-regularised, class-balanced logistic regression,
 * fitted by damped Newton steps (gradient descent preconditioned by the Hessian), scores the held-out fold; the
 * AUC is computed once over all out-of-fold scores. Folds are stratified so every fold holds rows of both sides.
 * Null when a side has fewer than MIN_ROWS_PER_SIDE rows.
 */
export function crossValidatedAuc(a: number[][], b: number[][], options: AucOptions): number | null {
  if (a.length < MIN_ROWS_PER_SIDE || b.length < MIN_ROWS_PER_SIDE) return null
  const folds = Math.min(options.folds ?? DEFAULT_FOLDS, a.length, b.length)
  if (!Number.isInteger(folds) || folds < 2)
    throw new Error(`cross-validation needs at least 2 folds, got ${folds}`)
  const rows = [...a, ...b]
  const dims = rows[0]?.length ?? 0
  const n = rows.length
  const x = new Float64Array(n * dims)
  rows.forEach((row, i) => {
    if (row.length !== dims)
      throw new Error(`every feature vector needs ${dims} values, row ${i} has ${row.length}`)
    row.forEach((value, j) => {
      if (!Number.isFinite(value)) throw new Error(`feature ${j} of row ${i} is not a finite number`)
      x[i * dims + j] = value
    })
  })
  const labels = new Uint8Array(n)
  labels.fill(1, a.length)
  const random = mulberry32(options.seed)
  const fold = new Int32Array(n)
  assignFolds(fold, 0, a.length, folds, random)
  assignFolds(fold, a.length, n, folds, random)

  const scores = new Float64Array(n)
  for (let k = 0; k < folds; k++) {
    const train: number[] = []
    for (let i = 0; i < n; i++) if (fold[i] !== k) train.push(i)
    const model = trainLogisticRegression(x, dims, labels, train)
    for (let i = 0; i < n; i++) if (fold[i] === k) scores[i] = model(x, i)
  }
  return rocAuc(scores, labels)
}

/**
 * ROC-AUC: the chance that a random positive scores above a random negative, ties counting half (the
 * Mann-Whitney statistic over average ranks). Null when either class is empty.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number | boolean>): number | null {
  if (scores.length !== labels.length) throw new Error('rocAuc needs one label per score')
  const order = Array.from({ length: scores.length }, (_, i) => i).sort(
    (i, j) => (scores[i] ?? 0) - (scores[j] ?? 0)
  )
  let positives = 0
  let positiveRankSum = 0
  for (let start = 0; start < order.length;) {
    let end = start
    while (end + 1 < order.length && scores[order[end + 1] ?? 0] === scores[order[start] ?? 0]) end++
    // Ranks are 1-based; every member of a tie gets the tie's average rank.
    const averageRank = (start + end) / 2 + 1
    for (let r = start; r <= end; r++) {
      if (labels[order[r] ?? 0]) {
        positives++
        positiveRankSum += averageRank
      }
    }
    start = end + 1
  }
  const negatives = scores.length - positives
  if (positives === 0 || negatives === 0) return null
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives)
}

type Scorer = (x: Float64Array, row: number) => number

function trainLogisticRegression(x: Float64Array, dims: number, labels: Uint8Array, train: number[]): Scorer {
  const mean = new Float64Array(dims)
  const scale = new Float64Array(dims)
  for (const i of train) for (let j = 0; j < dims; j++) mean[j]! += x[i * dims + j]!
  for (let j = 0; j < dims; j++) mean[j]! /= train.length
  for (const i of train) for (let j = 0; j < dims; j++) scale[j]! += (x[i * dims + j]! - mean[j]!) ** 2
  // A constant feature carries nothing; a unit scale keeps it at 0 instead of dividing by 0.
  for (let j = 0; j < dims; j++) scale[j] = Math.sqrt(scale[j]! / train.length) || 1

  // Standardised rows with a trailing 1, so the bias is the last weight.
  const width = dims + 1
  const n = train.length
  const z = new Float64Array(n * width)
  const y = new Float64Array(n)
  let positives = 0
  train.forEach((i, t) => {
    for (let j = 0; j < dims; j++) z[t * width + j] = (x[i * dims + j]! - mean[j]!) / scale[j]!
    z[t * width + dims] = 1
    y[t] = labels[i]!
    positives += labels[i]!
  })
  // Class-balanced weights: unequal side sizes must not pull every score towards the larger side.
  const rowWeight = new Float64Array(n)
  for (let t = 0; t < n; t++) rowWeight[t] = n / (2 * Math.max(1, y[t] === 1 ? positives : n - positives))

  const w = new Float64Array(width)
  const gradient = new Float64Array(width)
  const hessian = new Float64Array(width * width)
  let loss = regularisedLoss(z, y, rowWeight, w)
  for (let step = 0; step < MAX_NEWTON_STEPS; step++) {
    gradient.fill(0)
    hessian.fill(0)
    for (let t = 0; t < n; t++) {
      const row = t * width
      let logit = 0
      for (let j = 0; j < width; j++) logit += w[j]! * z[row + j]!
      const p = 1 / (1 + Math.exp(-logit))
      const error = (p - y[t]!) * rowWeight[t]!
      const curvature = p * (1 - p) * rowWeight[t]!
      for (let j = 0; j < width; j++) {
        const zj = z[row + j]!
        gradient[j]! += error * zj
        for (let k = j; k < width; k++) hessian[j * width + k]! += curvature * zj * z[row + k]!
      }
    }
    for (let j = 0; j < width; j++) {
      gradient[j]! /= n
      for (let k = j; k < width; k++) {
        hessian[j * width + k]! /= n
        hessian[k * width + j] = hessian[j * width + k]!
      }
      // The bias is not penalised; every other weight is.
      if (j < dims) {
        gradient[j]! += L2_PENALTY * w[j]!
        hessian[j * width + j]! += L2_PENALTY
      }
    }
    const direction = solveSymmetric(hessian, gradient, width)
    let stepSize = 1
    let candidate = w.map((value, j) => value - direction[j]!)
    let candidateLoss = regularisedLoss(z, y, rowWeight, candidate)
    for (let halving = 0; halving < MAX_STEP_HALVINGS && !(candidateLoss <= loss); halving++) {
      stepSize /= 2
      candidate = w.map((value, j) => value - stepSize * direction[j]!)
      candidateLoss = regularisedLoss(z, y, rowWeight, candidate)
    }
    let moved = 0
    for (let j = 0; j < width; j++) moved = Math.max(moved, Math.abs(candidate[j]! - w[j]!))
    w.set(candidate)
    loss = candidateLoss
    if (moved < CONVERGENCE_TOLERANCE) break
  }

  return (data, i) => {
    let logit = w[dims]!
    for (let j = 0; j < dims; j++) logit += (w[j]! * (data[i * dims + j]! - mean[j]!)) / scale[j]!
    return logit
  }
}

/** Mean class-weighted log-loss plus the L2 penalty (bias excluded), the quantity the Newton steps minimise. */
function regularisedLoss(z: Float64Array, y: Float64Array, rowWeight: Float64Array, w: Float64Array): number {
  const width = w.length
  let sum = 0
  for (let t = 0; t < y.length; t++) {
    let logit = 0
    for (let j = 0; j < width; j++) logit += w[j]! * z[t * width + j]!
    // log(1 + e^-m) for the signed margin m, written so neither branch overflows.
    const margin = y[t] === 1 ? logit : -logit
    sum +=
      rowWeight[t]! * (margin > 0 ? Math.log1p(Math.exp(-margin)) : -margin + Math.log1p(Math.exp(margin)))
  }
  let penalty = 0
  for (let j = 0; j < width - 1; j++) penalty += w[j]! ** 2
  return sum / y.length + (L2_PENALTY / 2) * penalty
}

/**
 * Solves H s = g for a symmetric positive definite H (row-major, size x size) by Cholesky decomposition.
 * The L2 penalty keeps H positive definite; a tiny ridge guards the unpenalised bias against round-off.
 */
function solveSymmetric(h: Float64Array, g: Float64Array, size: number): Float64Array {
  const l = new Float64Array(size * size)
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = h[i * size + j]!
      for (let k = 0; k < j; k++) sum -= l[i * size + k]! * l[j * size + k]!
      if (i === j) l[i * size + i] = Math.sqrt(Math.max(sum, CHOLESKY_RIDGE))
      else l[i * size + j] = sum / l[j * size + j]!
    }
  }
  const forward = new Float64Array(size)
  for (let i = 0; i < size; i++) {
    let sum = g[i]!
    for (let k = 0; k < i; k++) sum -= l[i * size + k]! * forward[k]!
    forward[i] = sum / l[i * size + i]!
  }
  const solution = new Float64Array(size)
  for (let i = size - 1; i >= 0; i--) {
    let sum = forward[i]!
    for (let k = i + 1; k < size; k++) sum -= l[k * size + i]! * solution[k]!
    solution[i] = sum / l[i * size + i]!
  }
  return solution
}

/** Stratified folds: rows start..end-1 are shuffled, then dealt to the folds in turn. */
function assignFolds(
  fold: Int32Array,
  start: number,
  end: number,
  folds: number,
  random: () => number
): void {
  const order = Array.from({ length: end - start }, (_, i) => start + i)
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const swap = order[i] ?? 0
    order[i] = order[j] ?? 0
    order[j] = swap
  }
  order.forEach((row, position) => {
    fold[row] = position % folds
  })
}
