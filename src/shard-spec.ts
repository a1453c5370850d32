// `I/N` as a workflow matrix passes it (1-based, like "shard 2 of 4") to the analysis's 0-based shard.

import type { Shard } from './analysis/dataset-analysis.js'

/** What a shard looks like, for the messages of the CLI and the action. */
export const SHARD_FORMAT = 'I/N with 1 <= I <= N <= 1024 (for example 2/4)'

/** The shard `text` names, or null when it is not `I/N` (see SHARD_FORMAT). */
export function parseShard(text: string): Shard | null {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/u.exec(text)
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (!match || count < 1 || index < 1 || index > count || count > 1024) return null
  return { index: index - 1, count }
}
