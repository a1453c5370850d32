// Builds the two bundles the repository ships: dist/index.js (the action) and dist/cli/index.js (the CLI).
// dist/ is committed; CI rebuilds it and fails when the result differs from what is committed.
import { execFileSync } from 'node:child_process'
import { chmodSync, rmSync } from 'node:fs'

const ncc = (entry, out) =>
  execFileSync('npx', ['ncc', 'build', entry, '-o', out, '--license', 'licenses.txt', '--quiet'], {
    stdio: 'inherit'
  })

rmSync('dist', { recursive: true, force: true })
ncc('src/index.ts', 'dist')
ncc('src/bin.ts', 'dist/cli')
chmodSync('dist/cli/index.js', 0o755)
