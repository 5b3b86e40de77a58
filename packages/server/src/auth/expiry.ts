/** The longest delay `setTimeout` honours (about 24.8 days); longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `expire` once `expiresAt` (ms since the epoch) has passed — at once if it already has.
 * Returns a dispose that cancels it (call it when the socket disconnects).
 */
export function onExpiry(expiresAt: number, expire: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    const remaining = expiresAt - Date.now();
    if (remaining <= 0) {
      timer = undefined;
      expire();
      return;
    }
    timer = setTimeout(arm, Math.min(remaining, MAX_TIMER_MS));
    timer.unref?.();
  };
  arm();
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
}
