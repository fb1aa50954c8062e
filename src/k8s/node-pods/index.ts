/** The pods bound to the node agent's node, converted to plain data for src/node-agent. */
export { NodePodsWatcher } from './watcher.js';
export { nodePodOf } from './convert.js';
