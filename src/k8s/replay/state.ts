/**
 * The replay's state file: which run it is, its fixed time origin, and which pods it created. It is
 * rewritten atomically (temporary file + rename), so a crash leaves either the old or the new
 * version, never half a file. Pods created after the last write are found again on resume by their
 * deterministic names (409 AlreadyExists counts as created), so nothing is ever created twice.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

export const STATE_VERSION = 1;

/** Run-wide facts `collect` reads back (with the state file) to fill the results metadata. */
export interface RunDescription {
  readonly sources: readonly string[];
  readonly window: { readonly start: number; readonly end: number } | null;
  readonly keepOneIn: number;
  /** What `keepOneIn` counted (absent in state files written before it was recorded). */
  readonly thinBy?: 'job' | 'record';
  readonly recordsRead: number;
  readonly recordsKept: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly usageModel: string;
  readonly sgxShare: number;
  readonly seed: number;
  readonly attackerFraction: number;
  readonly schedulerName: string;
  readonly epcResource: string;
}

export interface ReplayState {
  readonly version: number;
  readonly runId: string;
  /** Hash of everything that decides which pods exist and what they look like. */
  readonly fingerprint: string;
  readonly namespace: string;
  readonly compression: number;
  /** Wall-clock ms of trace time 0, fixed at the first start and kept on resume. */
  readonly originMs: number;
  readonly total: number;
  readonly description: RunDescription;
  /** Names of the pods known to exist (created by us, or found to exist already), in order. */
  readonly created: readonly string[];
  readonly complete: boolean;
}

export class StateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateFileError';
  }
}

/** Reads a state file; undefined when it does not exist. */
export function readState(path: string): ReplayState | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new StateFileError(
      `${path}: not a replay state file (${err instanceof Error ? err.message : String(err)}); remove it or pass another --state-file`,
    );
  }
  const s = parsed as Partial<ReplayState>;
  if (
    typeof s !== 'object' ||
    s === null ||
    s.version !== STATE_VERSION ||
    typeof s.runId !== 'string' ||
    typeof s.fingerprint !== 'string' ||
    typeof s.originMs !== 'number' ||
    !Array.isArray(s.created)
  )
    throw new StateFileError(
      `${path}: not a replay state file of version ${STATE_VERSION} (runId, fingerprint, originMs and created are required)`,
    );
  return s as ReplayState;
}

/** Writes the whole state atomically. */
export function writeState(path: string, state: ReplayState): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(state, null, 1) + '\n');
  renameSync(tmp, path);
}

/**
 * Keeps the created set in memory and writes it at most every `intervalMs` (and on `flush`), so a
 * replay of 100,000 pods does not rewrite its file 100,000 times.
 */
export class StateRecorder {
  private readonly created: string[];
  private readonly known: Set<string>;
  private lastWrite = 0;
  private dirty = false;

  constructor(
    private readonly path: string | null,
    private state: ReplayState,
    private readonly intervalMs = 250,
  ) {
    this.created = [...state.created];
    this.known = new Set(state.created);
  }

  has(name: string): boolean {
    return this.known.has(name);
  }

  get count(): number {
    return this.created.length;
  }

  add(name: string, now: number): void {
    if (this.known.has(name)) return;
    this.known.add(name);
    this.created.push(name);
    this.dirty = true;
    if (now - this.lastWrite >= this.intervalMs) this.flush(now);
  }

  flush(now: number, complete = this.state.complete): void {
    if (!this.dirty && complete === this.state.complete) return;
    this.state = { ...this.state, created: [...this.created], complete };
    if (this.path !== null) writeState(this.path, this.state);
    this.lastWrite = now;
    this.dirty = false;
  }

  snapshot(): ReplayState {
    return { ...this.state, created: [...this.created] };
  }
}
