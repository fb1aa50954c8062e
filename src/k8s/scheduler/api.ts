/**
 * The scheduler's writes to the API server: binding, the PodScheduled condition and events. Kept
 * behind one interface so that the scheduling loop holds no client-node types.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { RestClient, RestError } from '../client/rest.js';

export interface PodRef {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export interface SchedulerEvent {
  readonly pod: PodRef;
  readonly type: 'Normal' | 'Warning';
  readonly reason: 'Scheduled' | 'FailedScheduling';
  readonly action: 'Binding' | 'Scheduling';
  readonly note: string;
}

export interface PodCondition {
  readonly status: 'True' | 'False';
  readonly reason: string;
  readonly message: string;
}

export interface SchedulerApi {
  /** POST pods/{name}/binding with the UID as precondition. Rejects with the HTTP status in `code`. */
  bind(pod: PodRef, node: string): Promise<void>;
  /** Strategic merge patch of the PodScheduled condition on pods/status. */
  setPodScheduled(pod: PodRef, condition: PodCondition): Promise<void>;
  createEvent(ev: SchedulerEvent): Promise<void>;
  /** Closes pooled connections (at shutdown). */
  close?(): void;
}

/** `NoteLengthLimit`: notes beyond 1 KiB are cut with " ..." as client-go's recorder does. */
export function truncateNote(note: string, limit = 1024): string {
  return note.length <= limit ? note : note.slice(0, limit - 4) + ' ...';
}

function microTime(ms: number): string {
  // RFC3339Micro: six fractional digits, as metav1.MicroTime requires.
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

const seg = encodeURIComponent;

/** The writes over the lean REST client (one keep-alive pool, no model serialisation). */
export function clientApi(
  kc: KubeConfig,
  opts: { controller: string; instance: string; now?: () => number },
): SchedulerApi {
  const rest = new RestClient(kc);
  const now = opts.now ?? Date.now;
  /** events.k8s.io/v1 until the server says it has no such group (then core/v1, as client-go's adapter). */
  let eventsV1 = true;
  let seq = 0;
  return {
    async bind(pod, node) {
      await rest.send('POST', `/api/v1/namespaces/${seg(pod.namespace)}/pods/${seg(pod.name)}/binding`, {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: pod.name, namespace: pod.namespace, uid: pod.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: node },
      });
    },
    async setPodScheduled(pod, c) {
      const t = new Date(now()).toISOString().replace(/\.\d+Z$/, 'Z');
      await rest.send(
        'PATCH',
        `/api/v1/namespaces/${seg(pod.namespace)}/pods/${seg(pod.name)}/status`,
        {
          status: {
            conditions: [
              {
                type: 'PodScheduled',
                status: c.status,
                reason: c.reason,
                message: c.message,
                lastProbeTime: null,
                lastTransitionTime: t,
              },
            ],
          },
        },
        'application/strategic-merge-patch+json',
      );
    },
    async createEvent(ev) {
      const t = now();
      // client-go names events <object>.<unix nanos in hex>; a sequence keeps names unique within a ms.
      const name = `${ev.pod.name}.${(BigInt(t) * 1_000_000n + BigInt(seq++ % 1_000_000)).toString(16)}`;
      const note = truncateNote(ev.note);
      const ns = seg(ev.pod.namespace);
      if (eventsV1) {
        try {
          await rest.send('POST', `/apis/events.k8s.io/v1/namespaces/${ns}/events`, {
            apiVersion: 'events.k8s.io/v1',
            kind: 'Event',
            metadata: { name, namespace: ev.pod.namespace },
            eventTime: microTime(t),
            reportingController: opts.controller,
            reportingInstance: opts.instance.slice(0, 128),
            action: ev.action,
            reason: ev.reason,
            type: ev.type,
            note,
            regarding: {
              apiVersion: 'v1',
              kind: 'Pod',
              namespace: ev.pod.namespace,
              name: ev.pod.name,
              uid: ev.pod.uid,
            },
          });
          return;
        } catch (err) {
          if (!(err instanceof RestError && err.code === 404 && !err.body.includes('namespaces'))) throw err;
          eventsV1 = false;
        }
      }
      const iso = new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');
      await rest.send('POST', `/api/v1/namespaces/${ns}/events`, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: ev.pod.namespace },
        involvedObject: {
          apiVersion: 'v1',
          kind: 'Pod',
          namespace: ev.pod.namespace,
          name: ev.pod.name,
          uid: ev.pod.uid,
        },
        reason: ev.reason,
        message: note,
        type: ev.type,
        action: ev.action,
        source: { component: opts.controller },
        firstTimestamp: iso,
        lastTimestamp: iso,
        count: 1,
        reportingComponent: opts.controller,
        reportingInstance: opts.instance.slice(0, 128),
      });
    },
    close: () => rest.close(),
  };
}
