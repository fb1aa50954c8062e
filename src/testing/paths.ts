import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root, found from this compiled file's location (tests run from dist/, fixtures live
 * in the source tree). Walks up to the folder that holds package.json.
 */
export const REPO_ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
})();

/** A path inside the repository, e.g. `repoPath('src/trace/fixtures/bad.csv')`. */
export function repoPath(...parts: string[]): string {
  return join(REPO_ROOT, ...parts);
}

/** The shared real traces, beside the repository (../shared/traces). */
export const SHARED_TRACES: string = resolve(
  REPO_ROOT,
  '..',
  'shared',
  'traces',
  'google-clusterdata-2011-2',
);
