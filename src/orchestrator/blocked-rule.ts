// When a call counts as blocked: the times and the decisions of rule 7 in
// docs/how-repro-decides.md, as pure functions of the stamps the roles sent.
// The steps that make the holds and ask the roles are in act-steps.ts and
// confirmations.ts; everything they decide with is here.
import { roundMs } from '../core/bounded-wait.js';
import { isShareMode } from '../pcsc/constants.js';
import { codeJson } from '../pcsc/pcsc-error.js';
import type { CallRecord } from '../roles/protocol.js';
import type { Outcome, Step } from '../scenarios/types.js';
import type { BlockedEvidence, BlockedHold, BlockedObservation } from './run-types.js';

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

/** After --blocked-after a call is suspected blocked; it is put to the rule if it still has not returned after `confirmMs` more. */
export function suspicionWaits(blockedAfterMs: number): { suspectMs: number; confirmMs: number } {
  return { suspectMs: blockedAfterMs, confirmMs: blockedAfterMs * BLOCKED_RULE.confirmFactor };
}

/** How much longer than the first the holder keeps the reader in the second hold: more than the window a waiting call has to return in. */
export function secondHoldLongerMs(blockedAfterMs: number): number {
  return BLOCKED_RULE.releasePromptMs + blockedAfterMs;
}

/**
 * The call of a blocked act that waited: the act's calls run one after
 * another and the wait lasted (1 + confirmFactor) × --blocked-after, so it is
 * the longest by far. Which call it was decides which bug, if any, it is.
 */
export const longestCall = (calls: readonly CallRecord[]) =>
  calls.reduce<CallRecord | undefined>((longest, made) => (!longest || made.durationMs > longest.durationMs ? made : longest), undefined);

/** How a suspected act came back once the holder was asked to let go. */
export type ReturnAfterRelease =
  /** Before the release began: slow, not blocked; its answer is judged by its code. */
  | { kind: 'while-held' }
  /** Later than releasePromptMs after the release ended: slow, not clearly blocked. */
  | { kind: 'late'; afterReleaseMs: number }
  /** Within releasePromptMs of the release: it waited for the holder. */
  | { kind: 'followed-release'; afterReleaseMs: number };

/**
 * `actReturnedAt` is when the act's last call returned, `waitedReturnedAt`
 * when its longest call did (null when it made none); the release began at
 * `releaseStartedAt` and ended at `releaseEndedAt`. Wall-clock ms, stamped by
 * two processes whose clocks agree within `clockToleranceMs`. A call that
 * waited returns a moment after the release began, so a return stamped just
 * before it may be one: only a return clearly before the release counts as
 * made while held. The ambiguous one goes to the second hold, which a call
 * that merely took its time fails.
 */
export function returnAfterRelease(
  actReturnedAt: number,
  waitedReturnedAt: number | null,
  releaseStartedAt: number,
  releaseEndedAt: number,
  clockToleranceMs: number,
): ReturnAfterRelease {
  if (waitedReturnedAt === null || actReturnedAt + clockToleranceMs < releaseStartedAt) return { kind: 'while-held' };
  const afterReleaseMs = waitedReturnedAt - releaseEndedAt;
  return afterReleaseMs > BLOCKED_RULE.releasePromptMs ? { kind: 'late', afterReleaseMs } : { kind: 'followed-release', afterReleaseMs };
}

/**
 * The observation and outcome of a blocked act: the call that waited
 * (`afterMs`: from the attempt to the suspicion), and what it answered once
 * the holder let go (`returnedAfterMs` from the attempt, `afterReleaseMs`
 * from the end of the release).
 */
export function blockedObservation(
  waited: CallRecord,
  afterMs: number,
  returnedAfterMs: number,
  afterReleaseMs: number,
): { observed: BlockedObservation; outcome: Outcome } {
  const code = codeJson(waited.rv, waited.call);
  const mode = isShareMode(waited.args.mode) ? waited.args.mode : undefined;
  return {
    observed: {
      ok: false,
      call: waited.call,
      ...(mode ? { mode } : {}),
      blocked: true,
      afterMs,
      thenReturned: {
        ok: waited.rv === 0,
        name: code.name ?? code.hex,
        afterMs: returnedAfterMs,
        afterReleaseMs: roundMs(Math.max(0, afterReleaseMs)),
      },
    },
    outcome: { kind: 'blocked', call: waited.call, ...(mode ? { mode } : {}) },
  };
}

/**
 * An act that cancels its own wait (SCardCancel) has no answer to judge when
 * it returns only as the holder lets go: the cancel did not take effect, or
 * took effect too late to tell from the release.
 */
export const cancelsItsWait = (act: readonly Step[]) => act.some((step) => step.call === 'SCardCancel');

/** The same act on the free reader is quick: its longest call took well under --blocked-after. */
export const controlIsQuick = (controlMs: number, blockedAfterMs: number) => controlMs < blockedAfterMs * BLOCKED_RULE.controlFraction;

/** A blocked act in one hold: the call that waited, and when the holder let go and the call returned. */
export interface WaitInHold {
  call: string;
  mode?: string;
  hold: BlockedHold;
}

/** What the second hold says of the first hold's wait. */
export type SecondHoldFinding =
  | { kind: 'confirmed'; evidence: BlockedEvidence }
  | { kind: 'different-call' }
  /** The releases were no further apart than the window a waiting call has to return in: a fixed delay could fit both. */
  | { kind: 'releases-too-close'; apartMs: number };

/** Both holds blocked: the same call must have waited, and the two releases must lie further apart than releasePromptMs. */
export function secondHoldFinding(first: WaitInHold, second: WaitInHold, controlMs: number): SecondHoldFinding {
  if (second.call !== first.call || second.mode !== first.mode) return { kind: 'different-call' };
  const apartMs = second.hold.releasedAfterMs - first.hold.releasedAfterMs;
  if (apartMs <= BLOCKED_RULE.releasePromptMs) return { kind: 'releases-too-close', apartMs };
  return { kind: 'confirmed', evidence: { controlMs, holds: [first.hold, second.hold] } };
}
