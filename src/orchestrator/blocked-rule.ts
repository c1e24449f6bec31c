/**
 * When a call counts as blocked. It has not returned after --blocked-after;
 * it still has not after a further confirmFactor × --blocked-after with the
 * reader still held; the holder then lets go, and the call returns no sooner
 * than the release began and at most releasePromptMs after it ended. A call
 * that returns while the reader is held is judged by its code, however long it
 * took; anything else is inconclusive.
 */
export const BLOCKED_RULE = {
  confirmFactor: 2,
  /** pcsc-lite re-checks a waiting SCardConnect every 100 ms; this is five times that. */
  releasePromptMs: 500,
  /** Shorter than this, --blocked-after would judge a call before a slow machine even makes it. */
  minBlockedAfterSeconds: 0.1,
} as const;
