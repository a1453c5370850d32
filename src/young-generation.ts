// The young generation's size, set to Node 20's default (16 MiB a semi-space) at start-up. Under Node 24.21 (the
// runtime GitHub gives actions) the 1M-row benchmark peaked at 980-1,063 MiB in 7 runs without it, over the
// issue's 1 GiB, and at 842-995 MiB in 7 runs with it, in the same time; under Node 20 it is the default and
// changes nothing. Node documents that a flag changed after start-up may do nothing; this one measurably does,
// but which thread's heap it shrinks was not pinned down (limiting only the worker threads through
// resourceLimits left one run at 992 MB, and a probe of the main thread's new space was too noisy to tell).

import { setFlagsFromString } from 'node:v8'

/** Node 20's default maximum semi-space size, in MiB. */
export const MAX_SEMI_SPACE_MIB = 16

/** Sets the flag; call first thing in an entry point. Harmless where the flag is not known. */
export function limitYoungGeneration(): void {
  try {
    setFlagsFromString(`--max-semi-space-size=${MAX_SEMI_SPACE_MIB}`)
  } catch {
    // A runtime without V8 flags keeps its defaults.
  }
}
