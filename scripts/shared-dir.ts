// Where WHO's source material (`shared/`) sits: beside the repository (../shared), or beside the folder
// of a git worktree (../../shared, for worktrees kept in one folder). Build scripts and tests only; the
// product never reads it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export function sharedDir(repoRoot: string): string {
  const beside = resolve(repoRoot, '..', 'shared');
  if (existsSync(beside)) return beside;
  const aboveWorktrees = resolve(repoRoot, '..', '..', 'shared');
  return existsSync(aboveWorktrees) ? aboveWorktrees : beside;
}
