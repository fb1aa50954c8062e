/**
 * The optional `bind` verb: kube-scheduler hands the binding to the extender (bindVerb set), which
 * posts it to pods/binding with the pod UID as precondition. The pod is assumed in the extender's
 * cache first, so that the next filter call already counts its EPC, even before the informer sees
 * the binding; a failed bind forgets it again.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterCache } from '../client/cache.js';
import { tryPodView } from '../client/convert.js';
import { errorText } from '../client/log.js';
import type { Logger } from '../client/log.js';
import type { ExtenderBinder } from './server.js';
import type { ExtenderBindingArgs } from './wire.js';

export class ApiBinder implements ExtenderBinder {
  private readonly core: CoreV1Api;

  constructor(
    kc: KubeConfig,
    private readonly cache: ClusterCache,
    private readonly log: Logger,
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
  }

  async bind(args: ExtenderBindingArgs): Promise<void> {
    const { podName: name, podNamespace: namespace, podUID: uid, node } = args;
    const seen = this.cache.pod(namespace, name);
    const view = seen === undefined ? undefined : tryPodView(seen);
    // Assume only a pod we know to be unbound: assuming an already-bound pod would move it in the
    // cache, and forgetting it after the API's 409 would then drop it from its real node.
    const unbound = seen !== undefined && (seen.spec?.nodeName ?? '') === '' && !this.cache.isAssumed(uid);
    const assumed =
      unbound && view?.ok === true && (uid === '' || view.view.uid === uid) ? view.view : undefined;
    if (assumed !== undefined) this.cache.assume(assumed, node);
    try {
      await this.core.createNamespacedPodBinding({
        name,
        namespace,
        body: {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name, namespace, ...(uid === '' ? {} : { uid }) },
          target: { apiVersion: 'v1', kind: 'Node', name: node },
        },
      });
    } catch (err) {
      if (assumed !== undefined) this.cache.forgetAssumed(assumed.uid);
      const text = errorText(err);
      this.log('warn', 'bind failed', { pod: `${namespace}/${name}`, node, error: text });
      throw new Error(`binding ${namespace}/${name} to ${node}: ${text}`, { cause: err });
    }
    this.log('info', 'bound pod', { pod: `${namespace}/${name}`, node });
  }
}
