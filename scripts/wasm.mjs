// `npm run wasm`: compiles src/analysis/band-hashes.wat into src/analysis/band-hashes-wasm.ts, the bytes as
// base64, so the bundle and the tests need no build step of their own. Deterministic: the same source gives the
// same file, and __tests__/analysis-band-hashes.test.ts fails when the committed file is stale.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bandHashesModuleSource, compileBandHashesWat } from './wasm-compile.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const wat = readFileSync(resolve(root, 'src/analysis/band-hashes.wat'), 'utf8')
const bytes = await compileBandHashesWat(wat)
writeFileSync(resolve(root, 'src/analysis/band-hashes-wasm.ts'), bandHashesModuleSource(bytes))
console.log(`src/analysis/band-hashes-wasm.ts: ${bytes.length} bytes of WebAssembly`)
