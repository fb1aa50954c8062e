import { readFileSync } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Why a host file could not be read. `missing` is often normal (a node without SGX). */
export type ReadFailure = 'missing' | 'unreadable';

export type ReadResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly reason: ReadFailure; readonly detail: string };

export type WriteResult = { readonly ok: true } | { readonly ok: false; readonly detail: string };

/**
 * The host's file system seen under a root directory. Every kernel path the agent uses (`/proc`,
 * `/sys`, `/dev`) goes through here, so that the agent works in a container with the host mounted at
 * `/host`, and tests run on fixture trees. Nothing here throws for ordinary I/O failures: callers get
 * a result and decide whether it is an error worth a metric.
 */
export class HostFs {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** The real path of a host path such as `/proc/cpuinfo`. */
  resolve(hostPath: string): string {
    return join(this.root, hostPath);
  }

  /**
   * Reads a file. Kernel files are tiny and served from memory, so the read is synchronous: through
   * the thread pool, each read costs several times the CPU of the read itself (open, stat, read,
   * close as separate queued operations), and the agent reads two files per pod per cycle.
   */
  read(hostPath: string): Promise<ReadResult> {
    try {
      return Promise.resolve({ ok: true, text: readFileSync(this.resolve(hostPath), 'utf8') });
    } catch (err) {
      return Promise.resolve(failure(err));
    }
  }

  async write(hostPath: string, text: string): Promise<WriteResult> {
    try {
      // Never create a file: writing a cgroup file that does not exist must fail, not leave a
      // regular file behind. Then write as the shell's `echo ... > file` does (O_TRUNC), which
      // kernfs accepts and which keeps fixture files exact.
      const real = this.resolve(hostPath);
      const s = await stat(real);
      if (!s.isFile()) return { ok: false, detail: `${hostPath} is not a writable file` };
      await writeFile(real, text, { flag: 'w' });
      return { ok: true };
    } catch (err) {
      return { ok: false, detail: describe(err) };
    }
  }

  /** Names of the sub-directories of a host directory, sorted; empty when it does not exist. */
  async subdirectories(
    hostPath: string,
  ): Promise<
    | { readonly ok: true; readonly names: readonly string[] }
    | { readonly ok: false; readonly reason: ReadFailure; readonly detail: string }
  > {
    try {
      const entries = await readdir(this.resolve(hostPath), { withFileTypes: true });
      return {
        ok: true,
        names: entries
          .filter((e) => e.isDirectory())
          .map((e) => e.name)
          .sort(),
      };
    } catch (err) {
      return failure(err);
    }
  }

  /** What kind of entry a host path is, or undefined when there is none. */
  async kind(hostPath: string): Promise<'directory' | 'character-device' | 'file' | 'other' | undefined> {
    try {
      const s = await stat(this.resolve(hostPath));
      if (s.isDirectory()) return 'directory';
      if (s.isCharacterDevice()) return 'character-device';
      if (s.isFile()) return 'file';
      return 'other';
    } catch {
      return undefined;
    }
  }
}

function failure(err: unknown): { ok: false; reason: ReadFailure; detail: string } {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason: ReadFailure = code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable';
  return { ok: false, reason, detail: describe(err) };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
