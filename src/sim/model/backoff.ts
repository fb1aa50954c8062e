/**
 * The kubelet's crash-loop back-off for a container that exits with an error under
 * `restartPolicy: OnFailure` (the paper's pods): 10 s after the first failure, doubling each time,
 * capped at 5 minutes (kubelet `backOffPeriod` 10 s, `MaxContainerBackOff` 300 s).
 */
export const BACKOFF_INITIAL_SECONDS = 10;
export const BACKOFF_MAX_SECONDS = 300;

/** Delay before restart number `restart` (1 = the first restart after the first failure). */
export function restartBackoff(restart: number): number {
  if (!Number.isInteger(restart) || restart < 1)
    throw new RangeError(`restart number must be >= 1, got ${restart}`);
  // 10 * 2^(restart-1) passes 300 at restart 7; stop doubling before the power grows large.
  return restart > 6
    ? BACKOFF_MAX_SECONDS
    : Math.min(BACKOFF_MAX_SECONDS, BACKOFF_INITIAL_SECONDS * 2 ** (restart - 1));
}
