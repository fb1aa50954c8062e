/**
 * Node agents on fixture host trees, for end-to-end tests of the measured-usage path: each node gets
 * a private copy of a fixture tree (in-kernel driver, cgroup v2 with `sgx_epc` in the misc
 * controller, systemd layout), emptied of the fixture's pods, and a real `sgx-orchestrator
 * node-agent` process reading it. Tests then create, change and remove pod cgroups while the agent
 * runs, which is what the kernel does as enclaves grow and pods come and go.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '../paths.js';

const KUBEPODS = 'sys/fs/cgroup/kubepods.slice';

/** A copy of a fixture host tree whose pod cgroups the test controls. */
export class HostTree {
  readonly root: string;

  constructor(fixture = 'sgx-misc-systemd') {
    this.root = mkdtempSync(join(tmpdir(), `sgx-host-${fixture}-`));
    cpSync(repoPath('src/node-agent/fixtures', fixture), this.root, { recursive: true });
    // Start with no pods: drop the fixture's pod cgroups (any QoS class).
    const kubepods = join(this.root, KUBEPODS);
    for (const entry of readdirSync(kubepods, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (entry.name.startsWith('kubepods-pod')) rmSync(join(kubepods, entry.name), { recursive: true });
      else
        for (const sub of readdirSync(join(kubepods, entry.name), { withFileTypes: true }))
          if (sub.isDirectory() && sub.name.includes('-pod'))
            rmSync(join(kubepods, entry.name, sub.name), { recursive: true });
    }
  }

  private podDir(uid: string): string {
    // systemd driver, Guaranteed QoS: kubepods.slice/kubepods-pod<uid with _>.slice
    return join(this.root, KUBEPODS, `kubepods-pod${uid.replaceAll('-', '_')}.slice`);
  }

  /** Sets a pod's EPC in use (creating its cgroup); the file is replaced atomically. */
  setUsage(uid: string, bytes: number): void {
    const dir = this.podDir(uid);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cgroup.procs'), '', { flag: 'a' });
    writeFileSync(join(dir, 'misc.max'), 'sgx_epc max\n');
    const tmp = join(dir, '.misc.current.tmp');
    writeFileSync(tmp, `sgx_epc ${bytes}\n`);
    renameSync(tmp, join(dir, 'misc.current'));
  }

  /** The pod is gone: its cgroup is removed. */
  removePod(uid: string): void {
    rmSync(this.podDir(uid), { recursive: true, force: true });
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A node agent process on a host tree (standalone: pods known by cgroup UID). */
export class AgentProcess {
  private child: ChildProcess | undefined;
  private log = '';
  /** host:port of /metrics. */
  address = '';

  constructor(
    readonly node: string,
    readonly tree: HostTree,
    private readonly sampleInterval = '250ms',
  ) {}

  /** Starts the agent and waits for it to serve metrics. */
  async start(timeoutMs = 30_000): Promise<void> {
    const child = spawn(
      process.execPath,
      [
        repoPath('bin/sgx-orchestrator.js'),
        'node-agent',
        '--standalone',
        `--node-name=${this.node}`,
        `--host-root=${this.tree.root}`,
        `--sample-interval=${this.sampleInterval}`,
        '--metrics-address=127.0.0.1:0',
        '--no-device-plugin',
        '--enforce-limits=false',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child = child;
    child.stderr?.setEncoding('utf8');
    this.address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`node agent ${this.node} did not serve metrics in ${timeoutMs} ms:\n${this.log}`)),
        timeoutMs,
      );
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`node agent ${this.node} exited with ${code}:\n${this.log}`));
      });
      child.stderr?.on('data', (d: string) => {
        this.log += d;
        if (this.log.length > 100_000) this.log = this.log.slice(-50_000);
        const m = /"msg":"serving metrics"[^\n]*"address":"([^"]+)"/.exec(this.log);
        if (m?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
  }

  /** SIGSTOP: the process neither samples nor answers scrapes (a hung agent). */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (c === undefined || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGCONT');
    c.kill('SIGTERM');
    const killer = setTimeout(() => c.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  }

  output(): string {
    return this.log;
  }
}
