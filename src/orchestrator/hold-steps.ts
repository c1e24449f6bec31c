// The holder's steps of one hold: it takes the reader, a third party sees
// the hold (or the holder proves it), and the holder lets go, with the
// attempt inside the hold.
import { sleep, monotonicMs } from '../core/bounded-wait.js';
import { hint } from '../platform/hints.js';
import type { MessageOf } from '../roles/protocol.js';
import { holdFor } from './hold-watch.js';
import { LOOK_POLL_MS, lookUntil } from './observer.js';
import { STATE_LAG_MS } from './only-roles-on-reader.js';
import { HELD_FLAG, holdUnseen } from './reader-accounting.js';
import { needReply } from './role-replies.js';
import { describeCall, Inconclusive, isSuccess, type Run } from './run-state.js';
import { transactionReset } from './transaction-reset.js';

/**
 * The holder takes the reader as the scenario says. If another process has
 * it (a second sc-repro run, scdaemon, a browser), the holder's own connect
 * meets a sharing violation: wait, as the observer sees it, until that
 * process lets go, and try again, all within --timeout. Meeting the other
 * process's holder as our contender would give a false verdict; this way
 * one run waits for the other.
 */
async function takeReader(run: Run): Promise<void> {
  const { holder, observer, options } = run;
  const deadline = monotonicMs() + run.timeoutMs;
  for (;;) {
    const { judge } = options.scenario;
    const judgedStep = judge.role === 'holder' ? judge.step : null;
    const wait = await holder.ask(
      { type: 'hold', reader: options.reader, plan: options.scenario.holder, judgedStep, proveByStatus: run.proveByStatus },
      run.timeoutMs,
    );
    const busy = 'message' in wait && wait.message.type === 'failed' && wait.message.error.error?.name === 'SCARD_E_SHARING_VIOLATION';
    if (!busy) {
      const held = needReply(run, holder, wait, 'report holding the reader', 'the holder could not take the reader');
      run.record('holder', held.calls);
      if (held.reader !== options.reader)
        throw new Inconclusive(`the holder held ${JSON.stringify(held.reader)}, not ${JSON.stringify(options.reader)}`);
      run.handles.holder = options.scenario.holder.mode;
      run.timeline.readerHeld = run.since(held.t);
      run.holdTaken(options.holdSeconds * 1000 - (run.now() - run.timeline.readerHeld));
      return;
    }
    options.onPhase?.('the reader is busy: waiting for the other process to let go');
    const view = await lookUntil(
      observer,
      options.reader,
      (v) => !v.flags.includes('EXCLUSIVE') && !v.flags.includes('INUSE'),
      deadline - monotonicMs(),
    );
    run.throwIfInterrupted();
    if (monotonicMs() >= deadline) {
      throw new Inconclusive(
        `the reader is busy: another process holds it (${view.flags.join(' ')}) and did not let go within ${options.timeoutSeconds} s`,
        hint('readerBusy'),
      );
    }
    await sleep(LOOK_POLL_MS);
  }
}

/** 4. The holder takes the reader (see takeReader). */
export async function holderTakesReader(run: Run): Promise<void> {
  run.timeline.holderStarted = run.now();
  await takeReader(run);
}

/**
 * 5. A third party sees the hold: EXCLUSIVE for an exclusive holder, INUSE
 * for the others. A stack that cannot show the holder's share mode to a third
 * party (neither mark while the card is there, or INUSE for an exclusive
 * holder) is not a hold of someone else: the holder must prove its hold with
 * its own SCardStatus, and the report says which evidence was used and what
 * the third party saw. Anything else (no card, EXCLUSIVE beside a shared
 * holder) is a state our hold does not explain. Returns whether the hold
 * still needs the holder's proof (holderProvesHold).
 */
export async function observerSeesHold(run: Run): Promise<boolean> {
  const { observer, options } = run;
  const { mode } = options.scenario.holder;
  const flag = HELD_FLAG[mode];
  const seen = await lookUntil(observer, options.reader, (view) => view.flags.includes(flag), STATE_LAG_MS);
  run.reader.atr = seen.atr;
  run.evidence.readerStateWhileHeld = seen.flags;
  if (seen.flags.includes(flag)) {
    run.evidence.precondition = 'observer';
    return false;
  }
  if (!holdUnseen(seen.flags, mode))
    throw new Inconclusive(`the holder said it held the reader, but a third party saw ${seen.flags.join(' ') || 'no state'}, not ${flag}`);
  if (run.proveByStatus) {
    run.evidence.precondition = 'holder';
    return false;
  }
  const saw = seen.flags.includes('INUSE') ? `shows this ${mode} hold as INUSE, not ${flag}` : 'shows no EXCLUSIVE/INUSE';
  options.onPhase?.(`this stack ${saw} to a third party: the holder proves its hold itself`);
  options.memory?.holdsUnseen.add(mode);
  run.proveByStatus = true;
  return true;
}

/**
 * 5, on a stack that does not show the hold: the holder lets go and takes
 * the reader again, now proving its hold with its own SCardStatus right
 * after taking it and just before letting go.
 */
export async function holderProvesHold(run: Run): Promise<void> {
  const { holder } = run;
  run.heldAgainToProve();
  const released = needReply(
    run,
    holder,
    await holder.ask({ type: 'release' }, run.timeoutMs),
    'report its release',
    'the holder could not release the reader',
  );
  run.record('holder', released.calls);
  run.handleClosed('holder');
  await takeReader(run);
  run.evidence.precondition = 'holder';
}

function takeRelease(run: Run, released: MessageOf<'released'>): void {
  run.holdReleased(released);
  run.handleClosed('holder');
  run.record('holder', released.calls);
  if (run.evidence.precondition === 'holder') {
    // The proof's second half: the holder's handle still held the reader after the answer.
    const status = released.calls.find((call) => call.call === 'SCardStatus');
    if (!status || !isSuccess(status)) {
      throw new Inconclusive(
        `the hold is not proved: ${status ? describeCall('holder', status) : 'the holder made no SCardStatus'} before its release`,
      );
    }
  }
  run.noteFailures('holder', released.calls);
  run.timeline.holderReleased = run.since(released.t);
  run.timeline.holdMs = released.heldMs;
}

/** The holder's reply to the release, asked for now unless it already was. */
export async function holderReleased(run: Run): Promise<MessageOf<'released'>> {
  const { phase } = run;
  if (phase.name === 'released') return phase.message;
  const released = needReply(run, run.holder, await run.requestRelease(), 'report its release', 'the holder could not release the reader');
  takeRelease(run, released);
  return released;
}

/** 10. The holder lets go (at once, or at the end of --hold with --full-hold); the attempt must fall inside the hold. */
export async function holderReleases(run: Run): Promise<void> {
  const { options } = run;
  options.onPhase?.('releasing the holder');
  if (options.fullHold && !run.releaseAsked) {
    await holdFor(run, options.holdSeconds * 1000 - (run.now() - run.timeline.readerHeld!));
  }
  await holderReleased(run);
  // The holder's transaction lasted the hold.
  const reset = transactionReset(run.calls, options.scenario.card, run.layout);
  if (reset) throw reset;
  // A scenario about what the hold left behind has the contender act outside it, by design.
  if (options.scenario.contenderActsAfterRelease) return;
  // Stamps of different processes: equal within what their clocks allow.
  run.evidence.holderHeldThroughAnswer = run.timeline.holderReleased! + run.clockToleranceMs >= run.answeredAt!;
  // A contender with nothing to do leaves only the holder's own call, on its held handle.
  const contenderActed = options.scenario.contender.act.length > 0;
  const actedInside =
    !contenderActed || (run.timeline.attempt !== null && run.timeline.attempt + run.clockToleranceMs >= run.timeline.readerHeld!);
  run.evidence.attemptInsideHold = actedInside && run.evidence.holderHeldThroughAnswer;
  if (!run.evidence.attemptInsideHold) throw new Inconclusive('the attempt fell outside the hold window', hint('holdTooShort'));
}
