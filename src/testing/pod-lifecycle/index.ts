/**
 * A pod lifecycle driver for tests: what kubelets would do for pods bound on the fake API server.
 * A bound pod becomes Running after a start delay and Succeeded after the duration in its
 * container arguments (`--timeout N`, `-t N` with stress-ng's s/m/h/d suffixes, or the paper's
 * `-d N`), with the container status timestamps a kubelet reports (here with millisecond
 * precision, so compressed replays can be checked closely). Pods without a duration keep running.
 *
 *   const kubelets = startPodLifecycle(api, { startDelayMs: 100 });
 *   ...
 *   kubelets.stop();
 */
import type { FakeApiServer, KObject } from '../fake-apiserver/index.js';

export interface PodLifecycleOptions {
  /** Milliseconds from binding to Running (image pull, container start). Default 100. */
  readonly startDelayMs?: number;
  /** Wall-clock milliseconds per second of the pod's own duration argument. Default 1000. */
  readonly msPerSecond?: number;
}

export interface PodLifecycle {
  readonly started: number;
  readonly finished: number;
  stop(): void;
}

const SUFFIX: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 };

/** The run time in seconds a container's arguments ask for, or null when they name none. */
export function durationFromArgs(args: readonly string[]): number | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    let value: string | undefined;
    if (a === '--timeout' || a === '-t' || a === '-d') value = args[i + 1];
    else if (a.startsWith('--timeout=')) value = a.slice('--timeout='.length);
    if (value === undefined) continue;
    const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(value);
    if (m !== null) return Number(m[1]) * SUFFIX[m[2]!]!;
  }
  return null;
}

interface PodShape {
  metadata: { name: string; namespace?: string; uid?: string };
  spec?: { nodeName?: string; containers?: { name?: string; args?: string[]; command?: string[] }[] };
  status?: { phase?: string };
}

export function startPodLifecycle(api: FakeApiServer, o: PodLifecycleOptions = {}): PodLifecycle {
  const startDelayMs = o.startDelayMs ?? 100;
  const msPerSecond = o.msPerSecond ?? 1000;
  const seen = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let started = 0;
  let finished = 0;
  let stopped = false;

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    timers.add(t);
  };
  const patchStatus = (pod: PodShape, status: Record<string, unknown>): boolean => {
    try {
      api.state.patch(
        'pods',
        pod.metadata.name,
        'application/strategic-merge-patch+json',
        { status } as never,
        {
          namespace: pod.metadata.namespace ?? 'default',
          status: true,
        },
      );
      return true;
    } catch {
      return false; // deleted meanwhile: nothing to report on
    }
  };

  const onPod = (obj: KObject): void => {
    const pod = obj as unknown as PodShape;
    const uid = pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`;
    const node = pod.spec?.nodeName;
    if (node === undefined || node === '' || seen.has(uid)) return;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    seen.add(uid);
    const container = pod.spec?.containers?.[0];
    const name = container?.name ?? 'main';
    const seconds = durationFromArgs([...(container?.command ?? []), ...(container?.args ?? [])]);
    later(startDelayMs, () => {
      const startedAt = new Date().toISOString();
      const ok = patchStatus(pod, {
        phase: 'Running',
        startTime: startedAt,
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: startedAt }],
        containerStatuses: [
          {
            name,
            ready: true,
            started: true,
            restartCount: 0,
            image: '',
            imageID: '',
            state: { running: { startedAt } },
          },
        ],
      });
      if (!ok) return;
      started++;
      if (seconds === null) return;
      later(seconds * msPerSecond, () => {
        const finishedAt = new Date().toISOString();
        const done = patchStatus(pod, {
          phase: 'Succeeded',
          conditions: [
            { type: 'Ready', status: 'False', reason: 'PodCompleted', lastTransitionTime: finishedAt },
          ],
          containerStatuses: [
            {
              name,
              ready: false,
              started: false,
              restartCount: 0,
              image: '',
              imageID: '',
              state: { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt } },
            },
          ],
        });
        if (done) finished++;
      });
    });
  };

  const unsubscribe = api.state.onChange((ev) => {
    if (ev.type !== 'DELETED' && ev.object.kind === 'Pod') onPod(ev.object);
  });
  for (const p of api.state.list('pods')) onPod(p);
  return {
    get started() {
      return started;
    },
    get finished() {
      return finished;
    },
    stop() {
      stopped = true;
      unsubscribe();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
