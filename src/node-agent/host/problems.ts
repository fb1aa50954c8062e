/**
 * A host file the agent could not use. Problems are data: discovery and sampling collect them, the
 * agent turns each into a log line and a counter increment, and nothing crashes.
 */
export interface Problem {
  /** The kind of file, a small fixed set used as a metric label (e.g. `misc.current`). */
  readonly file: string;
  /** The host path, for the log line. */
  readonly path: string;
  readonly reason: 'missing' | 'malformed' | 'unreadable';
  /** What was wrong and what was expected. */
  readonly detail: string;
}

export function describeProblem(p: Problem): string {
  return `${p.path}: ${p.reason}: ${p.detail}`;
}
