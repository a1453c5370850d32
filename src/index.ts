// The action's entry point: nothing but a call, so tests can import main.ts without side effects. Started as a
// reading thread (see readers/row-stream.ts), the same bundle reads rows instead.
import { run } from './main.js'
import { isRowWorker, runRowWorker } from './readers/row-stream.js'
import { limitYoungGeneration } from './young-generation.js'

limitYoungGeneration()
if (isRowWorker()) await runRowWorker()
else await run()
