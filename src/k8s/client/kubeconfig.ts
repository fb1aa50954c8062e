/**
 * Where the Kubernetes components find their API server: `--kubeconfig`, else `$KUBECONFIG`, else the
 * in-cluster service account, else `~/.kube/config`. Requests reuse keep-alive connections (client-node
 * 1.4 builds a fresh agent, hence a fresh TCP connection, for every call otherwise).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type { RequestContext } from '@kubernetes/client-node';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export class KubeConfigError extends Error {}

/** A KubeConfig whose API calls share one keep-alive agent per cluster (watches keep their own). */
class PooledKubeConfig extends KubeConfig {
  private pooled: HttpAgent | HttpsAgent | undefined;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getAgent();
    if (fresh === undefined) return;
    if (this.pooled === undefined) {
      const options = {
        ...(fresh as HttpAgent & { options: object }).options,
        keepAlive: true,
        maxSockets: 64,
      };
      this.pooled = fresh instanceof HttpsAgent ? new HttpsAgent(options) : new HttpAgent(options);
    }
    fresh.destroy();
    context.setAgent(this.pooled);
  }

  /** Closes pooled connections (at shutdown). */
  closeConnections(): void {
    this.pooled?.destroy();
  }
}

export interface KubeConfigSource {
  /** The `--kubeconfig` flag, if given. */
  readonly path?: string;
  /** The `--context` flag, if given. */
  readonly context?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface LoadedKubeConfig {
  readonly kc: KubeConfig;
  /** Where it came from, for the startup log: a file path or `in-cluster`. */
  readonly source: string;
  closeConnections(): void;
}

/** Adds what `more` names and `kc` does not; the current context only if `kc` has none. */
function mergeFirstWins(kc: KubeConfig, more: KubeConfig): void {
  for (const c of more.getClusters()) if (kc.getCluster(c.name) === null) kc.addCluster(c);
  for (const u of more.getUsers()) if (kc.getUser(u.name) === null) kc.addUser(u);
  for (const c of more.getContexts()) if (kc.getContextObject(c.name) === null) kc.addContext(c);
  // Unset is '' or undefined, by how the file was loaded.
  if (!kc.getCurrentContext() && more.getCurrentContext()) kc.setCurrentContext(more.getCurrentContext());
}

export function loadKubeConfig(src: KubeConfigSource = {}): LoadedKubeConfig {
  const env = src.env ?? process.env;
  const kc = new PooledKubeConfig();
  let source: string;
  const fromFile = (path: string, origin: string): void => {
    if (!existsSync(path)) throw new KubeConfigError(`kubeconfig ${path} (${origin}) does not exist`);
    try {
      kc.loadFromFile(path);
    } catch (err) {
      throw new KubeConfigError(`cannot read kubeconfig ${path} (${origin}): ${(err as Error).message}`);
    }
    source = path;
  };
  const envPath = env['KUBECONFIG'];
  if (src.path !== undefined && src.path !== '') fromFile(src.path, '--kubeconfig');
  else if (envPath !== undefined && envPath !== '') {
    // As kubectl: every file of the list that exists, merged; the first to name a cluster, user or
    // context (or to set the current context) wins.
    const paths = envPath.split(delimiter).filter((p) => p !== '');
    const present = paths.filter((p) => existsSync(p));
    if (present.length === 0)
      throw new KubeConfigError(`kubeconfig ${paths.join(delimiter)} (KUBECONFIG) does not exist`);
    fromFile(present[0]!, 'KUBECONFIG');
    for (const path of present.slice(1)) {
      const more = new KubeConfig();
      try {
        more.loadFromFile(path);
      } catch (err) {
        throw new KubeConfigError(`cannot read kubeconfig ${path} (KUBECONFIG): ${(err as Error).message}`);
      }
      mergeFirstWins(kc, more);
    }
    source = present.join(delimiter);
  } else if (existsSync(SERVICE_ACCOUNT_TOKEN) && env['KUBERNETES_SERVICE_HOST'] !== undefined) {
    kc.loadFromCluster();
    source = 'in-cluster';
  } else if (existsSync(join(homedir(), '.kube', 'config')))
    fromFile(join(homedir(), '.kube', 'config'), 'default');
  else
    throw new KubeConfigError(
      'no Kubernetes configuration found: pass --kubeconfig <file>, set KUBECONFIG, or run inside a pod with a service account',
    );
  if (src.context !== undefined && src.context !== '') {
    if (kc.getContextObject(src.context) === null)
      throw new KubeConfigError(`context '${src.context}' is not in ${source!}`);
    kc.setCurrentContext(src.context);
  }
  const cluster = kc.getCurrentCluster();
  if (cluster === null)
    throw new KubeConfigError(`${source!} has no current cluster (set current-context or pass --context)`);
  if (cluster.server.startsWith('http:') && cluster.skipTLSVerify !== true)
    throw new KubeConfigError(
      `cluster ${cluster.name} uses plain http (${cluster.server}); client-node only allows that with insecure-skip-tls-verify: true`,
    );
  return { kc, source: source!, closeConnections: () => kc.closeConnections() };
}
