/**
 * When a call counts as blocked. It has not returned after --blocked-after;
 * it still has not after a further confirmFactor × --blocked-after with the
 * reader still held; the holder then lets go, and the call returns no sooner
 * than the release began and at most releasePromptMs after it ended. Then
 * the same act on the free reader takes under controlFraction ×
 * --blocked-after, and in a second hold, which the holder keeps
 * releasePromptMs + --blocked-after longer, the call again returns only
 * after the release. A call that returns while the reader is held is judged
 * by its code, however long it took; anything else is inconclusive.
 */
export const BLOCKED_RULE = {
  confirmFactor: 2,
  /** pcsc-lite re-checks a waiting SCardConnect every 100 ms; this is five times that. */
  releasePromptMs: 500,
  /** The act alone on the free reader must take less than this share of --blocked-after. */
  controlFraction: 0.5,
  /** Shorter than this, --blocked-after would judge a call before a slow machine even makes it. */
  minBlockedAfterSeconds: 0.1,
} as const;
