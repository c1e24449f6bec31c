// Rule 8, told by the card itself. pcsc-lite's SCardConnect powers the card
// before it checks the share mode (winscard.c), so another process's connect
// that is then refused still powers a card the act had just powered off,
// and the act's next connect finds a protocol no call of the run asked for.
// The built-in card hears every power change; one it hears while no call of
// the act is running, after the act powered it off, is another process's.
import type { CallRecord } from '../roles/protocol.js';
import { returnedAt } from './run-state.js';
import type { CardPowerChange } from './run-types.js';

/** The index of the last call before `end` that `matches`, or -1. */
function lastIndex(calls: readonly CallRecord[], end: number, matches: (made: CallRecord) => boolean): number {
  for (let index = end - 1; index >= 0; index--) if (matches(calls[index]!)) return index;
  return -1;
}

/** A power-up of the card that no call of the act was running for. */
export interface PowerUpBetweenCalls {
  kind: 'on' | 'reset';
  /** From the return of the act's unpowering call. */
  afterUnpowerMs: number;
  /** The act's call the power-up came before. */
  before: string;
}

/**
 * The first power-up the card heard after the act's unpowering call
 * (SCardDisconnect(UNPOWER)) returned and before the judged call returned,
 * outside every call of the act in between, each widened by the clock
 * tolerance of the two processes. A power-up heard inside a call's span may
 * be that call's (a stack that powers the card on a direct connect) and is
 * left to the repetition of the hold; a power-up the card hears is stamped
 * before the call that caused it returns (vpcd waits for the ATR), so one
 * heard between two calls cannot be the earlier call's.
 */
export function powerUpBetweenCalls(
  changes: readonly CardPowerChange[],
  act: readonly CallRecord[],
  judgedCall: string,
  clockToleranceMs: number,
): PowerUpBetweenCalls | null {
  const judged = lastIndex(act, act.length, (made) => made.call === judgedCall);
  const unpower = lastIndex(act, judged, (made) => made.args.disposition === 'unpower');
  if (judged < 0 || unpower < 0) return null;
  const unpoweredAt = returnedAt(act[unpower]!);
  const until = returnedAt(act[judged]!);
  const between = act.slice(unpower + 1, judged + 1);
  for (const change of changes) {
    if (change.kind === 'off' || change.at <= unpoweredAt + clockToleranceMs || change.at > until) continue;
    const duringCall = between.some(
      (made) => change.at >= made.startedAt - clockToleranceMs && change.at <= returnedAt(made) + clockToleranceMs,
    );
    if (duringCall) continue;
    const next = between.find((made) => made.startedAt > change.at);
    return { kind: change.kind, afterUnpowerMs: Math.round(change.at - unpoweredAt), before: next?.call ?? judgedCall };
  }
  return null;
}
