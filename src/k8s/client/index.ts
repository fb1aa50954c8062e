/** Talking to Kubernetes: configuration, conversions at the boundary, informers and the cluster cache. */
export {
  loadKubeConfig,
  KubeConfigError,
  type KubeConfigSource,
  type LoadedKubeConfig,
} from './kubeconfig.js';
export {
  jsonLogger,
  memoryLogger,
  silentLogger,
  errorText,
  httpStatusOf,
  type Logger,
  type LogLevel,
} from './log.js';
export {
  podViewOf,
  nodeSpecOf,
  podStateOf,
  podKey,
  isTerminal,
  tryPodView,
  parseEpcResource,
  ConversionError,
  type ConvertOptions,
  type PodState,
} from './convert.js';
export { Informer, type InformerHandlers, type InformerOptions } from './informer.js';
export { ClusterCache, NON_TERMINAL_PODS, type ClusterCacheOptions, type PodEvent } from './cache.js';
