// After the first hold, an observation that another cause could imitate is
// checked before it is kept: a blocked act must follow the release twice
// (rule 7), and a deviation another process could cause unseen must repeat
// (rule 8).
import { clockUncertaintyMs } from '../core/bounded-wait.js';
import { hint } from '../platform/hints.js';
import { outcomeName, type Outcome, type Scenario } from '../scenarios/types.js';
import { cancelsItsWait, controlIsQuick, longestCall, secondHoldFinding, secondHoldLongerMs } from './blocked-rule.js';
import { contenderPrepares, protocolMatters } from './act-steps.js';
import { powerUpBetweenCalls } from './card-power.js';
import { onlyRolesOnReader, readerStaysOurs } from './only-roles-on-reader.js';
import { needReply } from './role-replies.js';
import { Inconclusive, type Run } from './run-state.js';
import type { BlockedObservation } from './run-types.js';
import { holdAgain } from './trial.js';

/** The act alone, on the free reader: how long its longest call took. */
async function controlAct(run: Run): Promise<number> {
  const { contender, options } = run;
  if (options.scenario.contender.before?.length) await contenderPrepares(run);
  const id = contender.request({ type: 'attempt', reader: options.reader, steps: options.scenario.contender.act });
  needReply(run, contender, await contender.reply(id, ['attempting'], run.timeoutMs), 'start its attempt', 'the contender failed');
  const answer = needReply(run, contender, await contender.reply(id, ['attempted'], run.timeoutMs), 'answer', 'the contender failed');
  run.recordAct(answer);
  return Math.round(longestCall(answer.calls)?.durationMs ?? 0);
}

/**
 * 7, confirmed. A blocked act must have waited for the holder, not taken a time that
 * happened to end near the release: the act alone on the free reader answers
 * well under --blocked-after, and in a second hold that the holder keeps
 * longer, the call again returns only once the holder lets go. A fixed delay
 * fits one release window, never two that lie further apart than a window.
 */
export async function confirmWaitFollowsRelease(first: Run): Promise<void> {
  const { options } = first;
  const blocked = first.observed as BlockedObservation;
  const firstHold = { releasedAfterMs: first.releasedAfterAttemptMs!, returnedAfterMs: blocked.thenReturned.afterMs };
  if (cancelsItsWait(options.scenario.contender.act)) {
    const late =
      blocked.thenReturned.name === 'SCARD_E_CANCELLED'
        ? 'the SCardCancel took effect only then, too late to tell from a wait the release ended'
        : 'the SCardCancel did not take effect';
    throw new Inconclusive(
      `the ${blocked.call} returned ${blocked.thenReturned.name} only when the holder let go (${firstHold.returnedAfterMs} ms after the attempt): ${late}, so it has no answer to judge`,
    );
  }
  const blockedAfterMs = options.blockedAfterSeconds * 1000;
  await onlyRolesOnReader(first, 'before the act on the free reader');
  options.onPhase?.('confirming the wait: the same act on the free reader');
  const controlMs = await controlAct(first);
  if (!controlIsQuick(controlMs, blockedAfterMs)) {
    throw new Inconclusive(
      `the stack is slow here: the same act on the free reader took ${controlMs} ms, not well under --blocked-after (${blockedAfterMs} ms), so the ${blocked.call} that returned ${firstHold.returnedAfterMs} ms after the attempt, just after the holder let go, cannot be told from a slow call`,
      'raise --blocked-after above what the act takes on a free reader',
    );
  }
  options.onPhase?.('confirming the wait: a second hold, let go later');
  const second = await holdAgain(first, secondHoldLongerMs(blockedAfterMs));
  const again = second.observed && 'blocked' in second.observed ? second.observed : null;
  if (!again) {
    const returned = returnedWhileHeld(second);
    throw new Inconclusive(
      `the ${blocked.call} did not follow the release: in the first hold it returned ${firstHold.returnedAfterMs} ms after the attempt, just after the holder let go at ${firstHold.releasedAfterMs} ms; in a second hold, let go ${second.holdLongerMs} ms later, it returned ${returned}`,
      'a call slowed by something other than the holder (a driver, an interposer, a loaded machine) looks like this',
    );
  }
  const secondHold = { releasedAfterMs: second.releasedAfterAttemptMs!, returnedAfterMs: again.thenReturned.afterMs };
  const finding = secondHoldFinding(
    { call: blocked.call, mode: blocked.mode, hold: firstHold },
    { call: again.call, mode: again.mode, hold: secondHold },
    controlMs,
  );
  if (finding.kind === 'different-call') {
    throw new Inconclusive(
      `a different call waited in the second hold: ${again.call}${again.mode ? `(${again.mode.toUpperCase()})` : ''}, not ${blocked.call}${blocked.mode ? `(${blocked.mode.toUpperCase()})` : ''}`,
    );
  }
  // Two windows a fixed delay could fit both of: the holder's release came too late the first time.
  if (finding.kind === 'releases-too-close') {
    throw new Inconclusive(
      `the two releases came ${finding.apartMs} ms apart, too close to tell a wait for the holder from a fixed delay`,
      hint('slowRole'),
    );
  }
  first.evidence.blocked = finding.evidence;
}

/** When the second hold's act returned, measured against the holder's release where the stamps tell them apart. */
function returnedWhileHeld(second: Run): string {
  const { answer, attempt } = second.timeline;
  if (answer === null || attempt === null) return 'while the holder still held the reader';
  const answeredAfterMs = Math.round(answer - attempt);
  const { phase } = second;
  const apartMs = phase.name === 'released' ? second.afterAttempt(phase.message.releaseStartedAt) - answeredAfterMs : 0;
  return apartMs > second.clockToleranceMs
    ? `${answeredAfterMs} ms after the attempt, ${apartMs} ms before the holder began to let go`
    : `${answeredAfterMs} ms after the attempt, while the holder still held the reader`;
}

/**
 * 8, with a card that hears its power changes (the built-in one): a protocol
 * found after a power-up between the act's calls is another process's doing,
 * however often it repeats. A busy client that keeps trying to connect
 * powers the card in every hold.
 */
function throwIfPoweredUnseen(run: Run): void {
  const changes = run.options.card?.powerChanges?.();
  const observed = run.observed;
  if (!changes || !observed || !('protocol' in observed)) return;
  const act = run.calls.filter((made) => made.role === 'contender');
  // The card's stamps are this process's: its own clock's uncertainty joins the roles'.
  const powered = powerUpBetweenCalls(changes, act, observed.call, run.clockToleranceMs + clockUncertaintyMs());
  if (!powered) return;
  throw new Inconclusive(
    `a card power-up nobody in the run asked for: the card was ${powered.kind === 'on' ? 'powered up' : 'reset'} ${powered.afterUnpowerMs} ms after the contender's SCardDisconnect(UNPOWER) powered it off, while no call of the run was being made (before its ${powered.before}), so the ${observed.call}'s protocol ${observed.protocol} is not the stack's answer; pcsc-lite powers the card for any SCardConnect, even one it then refuses`,
    hint('readerBusy'),
  );
}

/** How many more times a hold is made whose deviation another process could have caused, before it counts as the stack's. */
const DEVIATION_CONFIRMATIONS = 2;

/**
 * How long the third party watches the free reader before each hold made
 * again. A process that keeps trying to connect takes a free reader within
 * its retry pace, and one that retries more slowly than this meets the
 * act's moment (a power-down, a look) by chance in all three holds rarely:
 * a moment of w ms, hit each time with odds about w / FREE_READER_WATCH_MS.
 */
const FREE_READER_WATCH_MS = 500;

/**
 * Deviations that another process can cause without a third party seeing
 * it. pcsc-lite's SCardConnect powers the card and negotiates its protocol
 * before it checks the share mode (winscard.c), so a process that merely
 * tries an exclusive connect, and is refused, can power the card between two
 * calls of the act: a protocol. And a contender that acts on a free reader
 * meets whoever takes the reader in the moment between the third party's
 * look and its call: an answer after the release.
 */
export function couldBeAnotherProcess(scenario: Scenario, outcome: Outcome): 'protocol' | 'free reader' | null {
  if (outcome.kind === 'success' && protocolMatters(scenario)) return 'protocol';
  if (scenario.contenderActsAfterRelease) return 'free reader';
  return null;
}

/**
 * 8. Such a deviation must be the stack's own: the same hold is made again
 * DEVIATION_CONFIRMATIONS times. A stack's answer repeats; another process's
 * doing, which lasts a moment, does not. A process that keeps trying repeats
 * its doing too, so before each hold the third party watches the free reader,
 * which such a process takes.
 */
export async function confirmDeviationRepeats(first: Run, cause: 'protocol' | 'free reader'): Promise<void> {
  const seen = JSON.stringify(first.outcome);
  if (cause === 'protocol') throwIfPoweredUnseen(first);
  for (let i = 0; i < DEVIATION_CONFIRMATIONS; i++) {
    first.options.onPhase?.('the answer deviates: watching the free reader before the same hold is made again');
    await readerStaysOurs(
      first,
      FREE_READER_WATCH_MS,
      `while it watched the free reader for ${FREE_READER_WATCH_MS} ms before the hold was made again`,
    );
    first.options.onPhase?.('the answer deviates: making the same hold again');
    const again = await holdAgain(first);
    if (cause === 'protocol') throwIfPoweredUnseen(again);
    if (JSON.stringify(again.outcome) !== seen) {
      const call = first.observed?.call ?? 'judged call';
      const firstly = outcomeName(first.outcome);
      const then = outcomeName(again.outcome);
      throw new Inconclusive(
        cause === 'protocol'
          ? `a card power-up nobody in the run asked for: the ${call} answered ${firstly} in the first hold and ${then} when the same hold was made again, so another process may have powered the card in between`
          : `the deviation did not repeat: the ${call} answered ${firstly} on the free reader and ${then} when the same hold was made again, so another process may have taken the reader in between`,
        hint('readerBusy'),
      );
    }
  }
}
