import { runGit } from './run-git.js'

/** The top folder of the git work tree that holds `dir`. */
export async function repoRoot(dir: string): Promise<string> {
  return (await runGit(dir, ['rev-parse', '--show-toplevel'])).trim()
}
