import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Helpers for the node agent's tests. (Fixture trees live in the source tree; tests run from dist/,
 * so the repository root is found by walking up to package.json, as src/testing/paths.ts does: this
 * file is not a test, so the import rules keep it away from src/testing.)
 */
const REPO_ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();

/** Path of a host fixture tree (read-only: tests that write use `copyFixture`). */
export function fixture(name: string): string {
  return join(REPO_ROOT, 'src', 'node-agent', 'fixtures', name);
}

/** A private, writable copy of a fixture tree; `dispose` removes it. */
export async function copyFixture(name: string): Promise<{ root: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'sgx-host-'));
  const root = join(dir, name);
  await cp(fixture(name), root, { recursive: true });
  return { root, dispose: () => rm(dir, { recursive: true, force: true }) };
}

export function readHostFile(root: string, hostPath: string): Promise<string> {
  return readFile(join(root, hostPath), 'utf8');
}

export const POD_A = '1f0e4a9c-6f43-4c1e-9c55-0a7f7f1b2a01';
export const POD_B = '2b8d9f34-0c2a-4b7e-8d1e-5e6f7a8b9c02';
export const POD_C = '3c9e0a45-1d3b-4c8f-9e2f-6f7a8b9cad03';
export const POD_D = '4dafb156-2e4c-4d90-af30-7a8b9cadbe04';
export const MIB = 1024 * 1024;
