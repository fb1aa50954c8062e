/**
 * A real Prometheus for tests: writes a generated configuration, starts the binary on a free
 * loopback port with a temporary storage folder, waits until it is ready, and can be stopped and
 * started again (same port, same storage) in the middle of a test.
 *
 * The binary is `$PROMETHEUS_BIN`, else `prometheus` on the PATH (Debian's package, which `.ci/run`
 * installs). Without it, `findPrometheus()` says why: tests skip with that message on a developer
 * machine and fail under CI (`CI` set), where a skipped end-to-end test would hide a regression.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface ScrapeJob {
  readonly jobName: string;
  /** host:port of each target. */
  readonly targets: readonly string[];
  readonly metricsPath?: string;
}

export interface PrometheusServerOptions {
  readonly jobs: readonly ScrapeJob[];
  /** Seconds between scrapes (default 1). */
  readonly scrapeIntervalSeconds?: number;
  /** Binary (default: from findPrometheus()). */
  readonly binary?: string;
  /** How long start() waits for /-/ready, ms (default 30000). */
  readonly readyTimeoutMs?: number;
}

export interface PrometheusServer {
  /** Base URL, e.g. http://127.0.0.1:40123. */
  readonly url: string;
  readonly running: boolean;
  /** Stops the process (SIGTERM, then SIGKILL after 10 s); the storage stays for a restart. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same storage, and waits until it is ready. */
  start(): Promise<void>;
  /** SIGSTOP: it accepts connections (the kernel does) but answers nothing: a hung server. */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
  /** Runs an instant query (test assertions); rejects on an error answer. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Its stderr so far (for failure messages). */
  output(): string;
}

export type FindResult =
  { readonly ok: true; readonly path: string } | { readonly ok: false; readonly why: string };

/** Where the Prometheus binary is, or why there is none. */
export function findPrometheus(): FindResult {
  const explicit = process.env['PROMETHEUS_BIN'];
  const candidates =
    explicit !== undefined && explicit !== ''
      ? [explicit]
      : (process.env['PATH'] ?? '').split(delimiter).map((d) => join(d, 'prometheus'));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return { ok: true, path: c };
    } catch {
      // next
    }
  }
  return {
    ok: false,
    why:
      explicit !== undefined && explicit !== ''
        ? `PROMETHEUS_BIN=${explicit} is not an executable file`
        : 'no prometheus binary on the PATH (apt-get install prometheus, or set PROMETHEUS_BIN)',
  };
}

/** True under CI, where a missing binary must fail the run rather than skip. */
export function underCi(): boolean {
  const ci = process.env['CI'];
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * The binary for a test, or a skip: returns undefined after calling `skip(message)` on a machine
 * without Prometheus; throws under CI.
 */
export function prometheusOrSkip(skip: (message: string) => void): string | undefined {
  const found = findPrometheus();
  if (found.ok) return found.path;
  const message = `real Prometheus needed: ${found.why}`;
  if (underCi()) throw new Error(`${message} (CI is set, so this is a failure, not a skip)`);
  skip(message);
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** The configuration Prometheus is started with (JSON is YAML). */
export function prometheusConfig(o: PrometheusServerOptions): string {
  const interval = o.scrapeIntervalSeconds ?? 1;
  return JSON.stringify(
    {
      global: {
        scrape_interval: `${Math.round(interval * 1000)}ms`,
        // A stopped target fails its scrape well before the next one is due.
        scrape_timeout: `${Math.round(interval * 800)}ms`,
        evaluation_interval: `${Math.round(interval * 1000)}ms`,
      },
      scrape_configs: o.jobs.map((j) => ({
        job_name: j.jobName,
        metrics_path: j.metricsPath ?? '/metrics',
        static_configs: [{ targets: [...j.targets] }],
      })),
    },
    null,
    2,
  );
}

export async function startPrometheus(o: PrometheusServerOptions): Promise<PrometheusServer> {
  let binary = o.binary;
  if (binary === undefined) {
    const found = findPrometheus();
    if (!found.ok) throw new Error(found.why);
    binary = found.path;
  }
  const dir = mkdtempSync(join(tmpdir(), 'sgx-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, prometheusConfig(o));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = '';

  const waitReady = async (): Promise<void> => {
    const deadline = Date.now() + (o.readyTimeoutMs ?? 30_000);
    for (;;) {
      if (child === undefined || child.exitCode !== null)
        throw new Error(`Prometheus exited before it was ready:\n${log.slice(-2000)}`);
      try {
        const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline)
        throw new Error(`Prometheus not ready within ${o.readyTimeoutMs ?? 30_000} ms:\n${log.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const start = async (): Promise<void> => {
    if (child !== undefined) return;
    const c = spawn(
      binary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child = c;
    c.stderr?.setEncoding('utf8');
    c.stderr?.on('data', (d: string) => {
      log += d;
      if (log.length > 200_000) log = log.slice(-100_000);
    });
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    c.once('exit', () => {
      if (child === c) child = undefined;
    });
    await waitReady();
  };

  const stop = async (): Promise<void> => {
    const c = child;
    if (c === undefined) return;
    c.kill('SIGCONT');
    c.kill('SIGTERM');
    const killer = setTimeout(() => c.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
    child = undefined;
  };

  await start();
  return {
    url,
    get running() {
      return child !== undefined;
    },
    start,
    stop,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    async query(promql) {
      const u = new URL('/api/v1/query', url);
      u.searchParams.set('query', promql);
      const res = await fetch(u, { signal: AbortSignal.timeout(5000) });
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      if (body.status !== 'success') throw new Error(`query ${promql}: ${body.error ?? res.status}`);
      return body.data?.result ?? [];
    },
    output: () => log,
  };
}
