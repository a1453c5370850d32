// The young generation's size on the main thread, and on the threads started after it. Node 24 (the runtime
// GitHub gives actions) lets V8 grow it to 64 MiB a semi-space on a large machine, where Node 20 stops at 16 MiB;
// on the 1M-row benchmark that took the peak RSS from 842-906 MiB to 980-1,063 MiB, over the 1 GiB,
// for no gain in time (15.0 s either way). Node 20's size is set back: a flag changed after start-up is honoured
// by the heap's later growth and by every thread created afterwards (measured on Node 24.21: the main thread's
// new space peaked at 67 MB instead of 134 MB), and is Node 20's default, so there it changes nothing.

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
