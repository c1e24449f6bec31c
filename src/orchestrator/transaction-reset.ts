// Rule 10's transaction clause: a holder's transaction reset during the hold
// by something other than the scenario is no answer of the stack.
import { hint } from '../platform/hints.js';
import type { Scenario } from '../scenarios/types.js';
import type { RoleCall } from './run-types.js';
import { Inconclusive, isSuccess, returnedAt } from './run-state.js';

/**
 * Microsoft's SCardBeginTransaction remarks: "If a transaction is held on the
 * card for more than five seconds with no operations happening on that card,
 * then the card is reset", and any card call on the handle restarts the timer.
 * The page names no Windows version for it, so the rule is taken to hold wherever the Windows interface is in use.
 */
const WINDOWS_TRANSACTION_IDLE_MS = 5000;
const WINDOWS_IDLE_RULE = 'Windows resets the card when a transaction stays idle for more than 5 s (Microsoft, SCardBeginTransaction)';
/** The dispositions with which a contender's call may reset or power off the card the holder's transaction is on. */
const RESETTING: ReadonlySet<string | number | undefined> = new Set(['reset', 'unpower', 'eject']);

/**
 * Why the holder's transaction did not last the hold, or null when it did.
 * Windows resets the card of a transaction idle for more than 5 s, and the
 * holder's next call on its handle (its judged call, or the SCardStatus it
 * makes before letting go) returns SCARD_W_RESET_CARD. Such a reset is no
 * answer of the stack to the contender: a call that waited for the
 * transaction returns at the reset, and a holder's call sees the reset it did
 * not cause. A reset that no act of the contender or the scenario explains
 * makes the run inconclusive on any stack; one the contender may have caused
 * too, when the layout is Windows' and the transaction had been idle longer
 * than the rule allows, cannot be told from the rule's and is inconclusive
 * as well.
 */
export function transactionReset(calls: readonly RoleCall[], card: Scenario['card'], layout: string | null): Inconclusive | null {
  const holderCalls = calls.filter((made) => made.role === 'holder');
  // The handle of the hold: from the holder's last connect (a hold proved by the holder is taken twice).
  let fromConnect = holderCalls.length - 1;
  while (fromConnect > 0 && holderCalls[fromConnect]!.call !== 'SCardConnect') fromConnect--;
  const onHandle = holderCalls.slice(fromConnect);
  const began = onHandle.findIndex((made) => made.call === 'SCardBeginTransaction' && isSuccess(made));
  if (began < 0) return null;
  const resetAt = onHandle.findIndex((made, index) => index > began && made.name === 'SCARD_W_RESET_CARD');
  if (resetAt < 0) return null;
  const reset = onHandle[resetAt]!;
  let idleMs = 0;
  for (let i = began + 1; i <= resetAt; i++) idleMs = Math.max(idleMs, onHandle[i]!.startedAt - returnedAt(onHandle[i - 1]!));
  idleMs = Math.round(idleMs);
  const resetter = calls.find(
    (made) => made.role === 'contender' && (RESETTING.has(made.args.disposition) || RESETTING.has(made.args.initialization)),
  );
  const cardEvent = card ? `the card ${card === 'removed' ? 'taken out' : 'taken out and put back'}` : null;
  const explainedBy = resetter
    ? `the contender's ${resetter.call}(SCARD_${String(resetter.args.disposition ?? resetter.args.initialization).toUpperCase()}_CARD)`
    : cardEvent;
  const windows = layout === 'windows';
  const seen = `the holder's ${reset.call} returned SCARD_W_RESET_CARD after its transaction had been idle for ${idleMs} ms`;
  const shorter = windows
    ? 'keep a transaction hold under 5 s on Windows: a shorter --hold, no --full-hold, a lower --blocked-after'
    : hint('readerBusy');
  if (!explainedBy) {
    const why = windows && idleMs > WINDOWS_TRANSACTION_IDLE_MS ? WINDOWS_IDLE_RULE : 'another process may have reset the card';
    return new Inconclusive(
      `the holder's transaction was reset during the hold, by no act of the contender: ${seen}; ${why}, and such a reset is not the stack's answer`,
      shorter,
    );
  }
  if (windows && idleMs > WINDOWS_TRANSACTION_IDLE_MS) {
    return new Inconclusive(
      `the holder's transaction was reset during the hold: ${seen}; ${WINDOWS_IDLE_RULE}, so whether ${explainedBy} or that rule reset the card cannot be told`,
      shorter,
    );
  }
  return null;
}
