/**
 * The API calls of replay, cleanup and collect, over the lean REST client (plain JSON: the pods
 * are created from and read back into our own shapes, no model classes in between).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { RestClient, RestError } from '../client/rest.js';

/** The parts of a Pod that collect reads (raw JSON from the API server). */
export interface RawPod {
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly creationTimestamp?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec?: { readonly nodeName?: string; readonly schedulerName?: string };
  readonly status?: {
    readonly phase?: string;
    readonly startTime?: string;
    readonly conditions?: readonly { type?: string; status?: string; lastTransitionTime?: string }[];
    readonly containerStatuses?: readonly {
      readonly restartCount?: number;
      readonly state?: {
        readonly running?: { readonly startedAt?: string };
        readonly terminated?: {
          readonly startedAt?: string;
          readonly finishedAt?: string;
          readonly exitCode?: number;
        };
      };
      readonly lastState?: { readonly terminated?: { readonly startedAt?: string } };
    }[];
  };
}

export interface RawNode {
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  readonly status?: {
    readonly allocatable?: Readonly<Record<string, string>>;
    readonly capacity?: Readonly<Record<string, string>>;
  };
}

/** An event about a pod, from either events API. */
export interface PodEventRecord {
  readonly pod: string;
  readonly reason: string;
  /** Event time (ms): eventTime, else lastTimestamp / firstTimestamp. */
  readonly at: number | null;
  /** Occurrences (core/v1 `count`, events.k8s.io `series.count`), at least 1. */
  readonly count: number;
}

export interface ReplayApi {
  /** `created`, or `exists` on 409 AlreadyExists (the pod was created before: done). */
  createPod(namespace: string, body: unknown): Promise<'created' | 'exists'>;
  listPods(namespace: string, labelSelector: string): Promise<RawPod[]>;
  /** `deleted`, or `gone` when it was already deleted (404). */
  deletePod(namespace: string, name: string): Promise<'deleted' | 'gone'>;
  listNodes(): Promise<RawNode[]>;
  listPodEvents(namespace: string): Promise<PodEventRecord[]>;
  close(): void;
}

interface ListBody<T> {
  readonly items?: readonly T[];
  readonly metadata?: { readonly continue?: string };
}

export class RestReplayApi implements ReplayApi {
  private readonly rest: RestClient;

  constructor(kc: KubeConfig) {
    this.rest = new RestClient(kc);
  }

  async createPod(namespace: string, body: unknown): Promise<'created' | 'exists'> {
    try {
      await this.rest.send('POST', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, body);
      return 'created';
    } catch (err) {
      if (err instanceof RestError && err.code === 409) return 'exists';
      throw err;
    }
  }

  private async listAll<T>(path: string, query: Record<string, string>): Promise<T[]> {
    const out: T[] = [];
    let cont: string | undefined;
    do {
      const q = new URLSearchParams({
        ...query,
        limit: '500',
        ...(cont === undefined ? {} : { continue: cont }),
      });
      const body = (await this.rest.send('GET', `${path}?${q.toString()}`)) as ListBody<T>;
      out.push(...(body.items ?? []));
      cont = body.metadata?.continue || undefined;
    } while (cont !== undefined);
    return out;
  }

  listPods(namespace: string, labelSelector: string): Promise<RawPod[]> {
    return this.listAll<RawPod>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, {
      labelSelector,
    });
  }

  async deletePod(namespace: string, name: string): Promise<'deleted' | 'gone'> {
    try {
      await this.rest.send(
        'DELETE',
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`,
      );
      return 'deleted';
    } catch (err) {
      if (err instanceof RestError && err.code === 404) return 'gone';
      throw err;
    }
  }

  listNodes(): Promise<RawNode[]> {
    return this.listAll<RawNode>('/api/v1/nodes', {});
  }

  async listPodEvents(namespace: string): Promise<PodEventRecord[]> {
    const ns = encodeURIComponent(namespace);
    const out: PodEventRecord[] = [];
    const time = (...texts: (string | undefined)[]): number | null => {
      for (const t of texts) {
        if (t === undefined || t === '') continue;
        const ms = Date.parse(t);
        if (Number.isFinite(ms)) return ms;
      }
      return null;
    };
    // A real API server serves the same events through both APIs: keep each uid once.
    const seen = new Set<string>();
    const fresh = (uid: string | undefined): boolean => {
      if (uid === undefined || uid === '') return true;
      if (seen.has(uid)) return false;
      seen.add(uid);
      return true;
    };
    type Core = {
      metadata?: { uid?: string };
      involvedObject?: { kind?: string; name?: string };
      reason?: string;
      eventTime?: string;
      lastTimestamp?: string;
      firstTimestamp?: string;
      count?: number;
    };
    for (const e of await this.listAll<Core>(`/api/v1/namespaces/${ns}/events`, {})) {
      if (e.involvedObject?.kind !== 'Pod' || e.involvedObject.name === undefined) continue;
      if (!fresh(e.metadata?.uid)) continue;
      out.push({
        pod: e.involvedObject.name,
        reason: e.reason ?? '',
        at: time(e.eventTime, e.firstTimestamp, e.lastTimestamp),
        count: Math.max(1, e.count ?? 1),
      });
    }
    type V1 = {
      metadata?: { uid?: string };
      regarding?: { kind?: string; name?: string };
      reason?: string;
      eventTime?: string;
      deprecatedFirstTimestamp?: string;
      series?: { count?: number };
    };
    try {
      for (const e of await this.listAll<V1>(`/apis/events.k8s.io/v1/namespaces/${ns}/events`, {})) {
        if (e.regarding?.kind !== 'Pod' || e.regarding.name === undefined) continue;
        if (!fresh(e.metadata?.uid)) continue;
        out.push({
          pod: e.regarding.name,
          reason: e.reason ?? '',
          at: time(e.eventTime, e.deprecatedFirstTimestamp),
          count: Math.max(1, e.series?.count ?? 1),
        });
      }
    } catch (err) {
      // Clusters without events.k8s.io/v1 (very old ones) serve core/v1 events only.
      if (!(err instanceof RestError && err.code === 404)) throw err;
    }
    return out;
  }

  close(): void {
    this.rest.close();
  }
}
