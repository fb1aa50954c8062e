/** Advertising the node's EPC (extended resource on nodes/status) and its SGX label. */
export { NodeStatusReconciler, type NodeStatusObserver } from './patcher.js';
export {
  planNodeSgx,
  escapeJsonPointer,
  epcQuantity,
  OWNED_LABEL_ANNOTATION,
  OWNED_RESOURCE_ANNOTATION,
  type DesiredNodeSgx,
  type CurrentNodeSgx,
  type JsonPatchOp,
  type NodeSgxPlan,
} from './plan.js';
