/**
 * Fault injection: what can go wrong between a controller and a real API server, on demand.
 * Requests are described by verb (`list`, `watch`, `get`, `create`, `update`, `patch`, `delete`) and
 * resource (`pods`, `pods/binding`, `pods/status`, `nodes/status`, `leases`, `events`, ...).
 */

export type Verb = 'list' | 'watch' | 'get' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface RequestMatch {
  readonly verb?: Verb;
  /** Plural resource, with `/subresource` for subresources, e.g. `pods/binding`. */
  readonly resource?: string;
}

export interface RequestInfo {
  readonly verb: Verb;
  readonly resource: string;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
}

interface FailRule {
  remaining: number;
  readonly status: number;
  readonly match: RequestMatch;
}

interface LatencyRule {
  readonly ms: number;
  readonly match: RequestMatch;
}

function matches(m: RequestMatch, r: RequestInfo): boolean {
  return (
    (m.verb === undefined || m.verb === r.verb) && (m.resource === undefined || m.resource === r.resource)
  );
}

export interface WatchControl {
  /** Ends every open watch: `close` ends the response cleanly (a server-side timeout), `reset` destroys the socket. */
  dropWatches(mode?: 'close' | 'reset'): number;
  /** Sends a 410 Gone ERROR event on every open watch, closes them, and forgets the watch history. */
  expireWatches(): number;
}

export class Faults {
  private fails: FailRule[] = [];
  private latencies: LatencyRule[] = [];
  private bindConflicts = 0;
  /** Set by the server once it is listening. */
  watchControl: WatchControl | undefined;

  /** The next `n` requests matching `match` fail with `status` (default 500, an InternalError). */
  failNext(n: number, opts: { status?: number; match?: RequestMatch } = {}): void {
    this.fails.push({ remaining: n, status: opts.status ?? 500, match: opts.match ?? {} });
  }

  /** Adds `ms` of latency before every matching request is handled (0 removes the rule set). */
  setLatency(ms: number, match: RequestMatch = {}): void {
    if (ms <= 0) this.latencies = [];
    else this.latencies.push({ ms, match });
  }

  /** A 409 storm: the next `n` bindings are refused with Conflict and change nothing. */
  conflictBinds(n: number): void {
    this.bindConflicts += n;
  }

  dropWatches(mode: 'close' | 'reset' = 'close'): number {
    return this.watchControl?.dropWatches(mode) ?? 0;
  }

  expireWatches(): number {
    return this.watchControl?.expireWatches() ?? 0;
  }

  clear(): void {
    this.fails = [];
    this.latencies = [];
    this.bindConflicts = 0;
  }

  /** Internal: the status to fail this request with, if a rule says so. */
  takeFailure(r: RequestInfo): number | undefined {
    for (const rule of this.fails) {
      if (rule.remaining > 0 && matches(rule.match, r)) {
        rule.remaining--;
        return rule.status;
      }
    }
    return undefined;
  }

  latencyFor(r: RequestInfo): number {
    let ms = 0;
    for (const l of this.latencies) if (matches(l.match, r)) ms += l.ms;
    return ms;
  }

  takeBindConflict(): boolean {
    if (this.bindConflicts <= 0) return false;
    this.bindConflicts--;
    return true;
  }
}
