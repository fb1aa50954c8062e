/** Largest accepted extender request: a full NodeList of 500 nodes is about 2 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
