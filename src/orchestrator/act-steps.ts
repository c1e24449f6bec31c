// The steps around the judged call: the contender prepares and acts, an act
// that does not return is put to the blocked rule, and, when the holder is
// judged, the holder makes its call after the contender acted.
import { roundMs } from '../core/bounded-wait.js';
import { isEnvironmentCode, codeJson, PcscError } from '../pcsc/pcsc-error.js';
import { hint, hintForCode } from '../platform/hints.js';
import type { CallRecord, MessageOf } from '../roles/protocol.js';
import { outcomeOfCall, type Scenario, type Step } from '../scenarios/types.js';
import { BLOCKED_RULE, blockedObservation, longestCall, returnAfterRelease, suspicionWaits } from './blocked-rule.js';
import { cardEvent } from './card-events.js';
import { whileHeld } from './hold-watch.js';
import { holderReleased } from './hold-steps.js';
import { onlyRolesOnReader } from './only-roles-on-reader.js';
import { handleAfter } from './reader-accounting.js';
import type { Sent } from './role-process.js';
import { needReply, roleGone } from './role-replies.js';
import { actReturnedAt, describeCall, Inconclusive, isSuccess, lastCall, returnedAt, type Run } from './run-state.js';

/** What a handle may answer once the scenario took its card out: the answer under test, not a lost environment. */
const CARD_GONE: ReadonlySet<string> = new Set(['SCARD_W_REMOVED_CARD', 'SCARD_E_NO_SMARTCARD']);

/** 4. Steps the contender makes before the hold, so that its handle exists when the hold begins. */
export async function contenderPrepares(run: Run): Promise<void> {
  const { contender, options } = run;
  const { before = [], act } = options.scenario.contender;
  const prepared = needReply(
    run,
    contender,
    await contender.ask({ type: 'prepare', reader: options.reader, steps: before, later: act }, run.timeoutMs),
    'prepare',
    'the contender could not prepare',
  );
  run.record('contender', prepared.calls);
  run.handles.contender = handleAfter(before);
  const failed = prepared.calls.find((call) => !isSuccess(call));
  if (failed)
    throw new Inconclusive(
      `${describeCall('contender', failed)} before the hold, so the scenario could not go on`,
      null,
      isEnvironmentCode(failed.rv),
    );
}

/** The contender is asked to act and says it is about to: the request's id, for its answer. */
async function startAttempt(run: Run): Promise<Sent<'attempt'>> {
  const { contender, options } = run;
  await onlyRolesOnReader(run, 'right before the contender acted');
  run.timeline.contenderStarted = run.now();
  const id = contender.request({ type: 'attempt', reader: options.reader, steps: options.scenario.contender.act });
  const attempting = needReply(
    run,
    contender,
    await whileHeld(run, contender.reply(id, ['attempting'], run.timeoutMs)),
    'start its attempt',
    'the contender failed',
  );
  run.timeline.attempt = run.since(attempting.t);
  return id;
}

/**
 * 6. The contender acts: its steps while the reader is held, the last one
 * judged unless the holder's call is. An act that does not return is put to
 * the blocked rule (7).
 */
export async function contenderActs(run: Run): Promise<void> {
  const { contender, options } = run;
  options.onPhase?.('contender acting');
  const id = await startAttempt(run);
  if (options.scenario.contenderActsAfterRelease) {
    // Nothing is held: a call that waits has nobody to wait for, and --timeout bounds it.
    takeAnswer(run, needReply(run, contender, await contender.reply(id, ['attempted'], run.timeoutMs), 'answer', 'the contender failed'));
    await onlyRolesOnReader(run, 'right after the contender acted');
    return;
  }
  const waits = suspicionWaits(options.blockedAfterSeconds * 1000);
  let wait = await whileHeld(run, contender.reply(id, ['attempted'], waits.suspectMs));
  if ('timedOut' in wait) {
    options.onPhase?.('the call has not returned: confirming that it waits for the holder');
    wait = await whileHeld(run, contender.reply(id, ['attempted'], waits.confirmMs));
  }
  if ('timedOut' in wait && run.holdLongerMs > 0 && !run.releaseAsked) {
    options.onPhase?.('holding on longer this time: a call that waits for the holder returns only when it lets go');
    wait = await whileHeld(run, contender.reply(id, ['attempted'], run.holdLongerMs));
  }
  if (!('timedOut' in wait)) {
    const answer = needReply(run, contender, wait, 'answer', 'the contender failed');
    if (run.releaseAsked) {
      // --hold ended the hold meanwhile: an answer that came after the release may have waited for it.
      const released = await holderReleased(run);
      if (actReturnedAt(answer) + run.clockToleranceMs >= released.releaseStartedAt) {
        run.recordAct(answer);
        throw new Inconclusive(
          `the contender's ${lastCall(answer)} returned only after --hold (${options.holdSeconds} s) ended the hold`,
          hint('holdTooShort'),
        );
      }
    }
    takeAnswer(run, answer);
    await onlyRolesOnReader(run, 'right after the contender acted');
    return;
  }
  await confirmBlocked(run, id);
  await onlyRolesOnReader(run, 'right after the call that waited returned');
}

/** The protocol is part of the outcome only where the scenario's data speaks of one. */
export function protocolMatters(scenario: Scenario): boolean {
  return [...Object.values(scenario.expected), ...scenario.signatures.map((signature) => signature.observed)].some(
    (pattern) => pattern?.kind === 'success' && pattern.protocol !== undefined,
  );
}

/** The judged call's answer becomes the observation. */
function observe(run: Run, call: CallRecord): void {
  run.observed = isSuccess(call)
    ? { ok: true, call: call.call, ...(call.protocol ? { protocol: call.protocol } : {}) }
    : { ok: false, ...codeJson(call.rv, call.call) };
  const outcome = outcomeOfCall(call);
  const { scenario } = run.options;
  run.outcome = outcome.kind === 'success' && !protocolMatters(scenario) ? { kind: 'success' } : outcome;
  run.answeredAt = run.since(returnedAt(call));
  run.timeline.answer = run.answeredAt;
  run.timeline.connectLatencyMs = roundMs(call.durationMs);
  // A card, reader or service that is gone is no answer of the stack; a card the scenario took away itself is.
  const tookCard = !!run.options.scenario.card && CARD_GONE.has(codeJson(call.rv, null).name ?? '');
  if (!isSuccess(call) && isEnvironmentCode(call.rv) && !tookCard) {
    throw new Inconclusive(
      `the ${call.call} found ${PcscError.fromCode(call.rv, call.call).message}`,
      hintForCode(codeJson(call.rv, null).name) ?? null,
      true,
    );
  }
}

/**
 * The contender's act came back, however long it took: its last step is the
 * observation when the contender is judged. A step before that which failed
 * breaks the precondition, and so does any failure in an act that only sets
 * the scene for the holder's judged call.
 */
function takeAnswer(run: Run, answer: MessageOf<'attempted'>): void {
  const { scenario } = run.options;
  run.recordAct(answer);
  if (answer.reader !== run.options.reader)
    throw new Inconclusive(`the contender acted on ${JSON.stringify(answer.reader)}, not ${JSON.stringify(run.options.reader)}`);
  const { act } = scenario.contender;
  const last = answer.calls.at(-1);
  if (!last) throw new Inconclusive('the contender made no call');
  const judgedIndex = scenario.judge.role === 'contender' ? act.length - 1 : -1;
  const broken = answer.calls.find((call, index) => index !== judgedIndex && !isSuccess(call) && !act[index]?.anyAnswer);
  if (broken)
    throw new Inconclusive(`${describeCall('contender', broken)}, so the scenario could not go on`, null, isEnvironmentCode(broken.rv));
  if (answer.calls.length < act.length)
    throw new Inconclusive(`the contender stopped after ${answer.calls.length} of its ${act.length} calls`);
  if (scenario.judge.role === 'contender') observe(run, last);
  else run.answeredAt = run.since(returnedAt(last));
  run.noteFailures('contender', answer.cleanup);
}

/**
 * 7. The act has not returned for (1 + confirmFactor) × --blocked-after while
 * the reader was held. The holder now lets go: an act that waited for it
 * returns promptly after the release, and only then.
 */
async function confirmBlocked(run: Run, id: Sent<'attempt'>): Promise<void> {
  const { contender, options } = run;
  const suspectedAt = run.now();
  if (run.releaseAsked) {
    throw new Inconclusive(
      `--hold (${options.holdSeconds} s) ended the hold before a call that had not returned could be confirmed as blocked`,
      hint('holdTooShort'),
    );
  }
  options.onPhase?.('the call is blocked: releasing the holder');
  run.requestRelease();
  const released = await holderReleased(run);
  const wait = await contender.reply(id, ['attempted'], run.timeoutMs);
  run.throwIfInterrupted();
  const afterMs = Math.round(suspectedAt - run.timeline.attempt!);
  const call = options.scenario.contender.act.at(-1)!.call;
  if ('timedOut' in wait || 'gone' in wait) {
    // A call that never returns leaves a process that cannot serve again.
    await run.restart('contender');
    if ('gone' in wait) throw roleGone(contender, wait, 'answer', options.timeoutSeconds);
    throw new Inconclusive(
      `the ${call} had not returned ${afterMs} ms after the attempt, and still had not ${options.timeoutSeconds} s after the holder let go: it waits for something other than the holder`,
    );
  }
  const answer = needReply(run, contender, wait, 'answer', 'the contender failed');
  const waited = longestCall(answer.calls);
  const returned = returnAfterRelease(
    actReturnedAt(answer),
    waited ? returnedAt(waited) : null,
    released.releaseStartedAt,
    released.t,
    run.clockToleranceMs,
  );
  if (returned.kind === 'while-held' || !waited) {
    // It returned while the reader was still held: slow, not blocked.
    takeAnswer(run, answer);
    return;
  }
  run.recordAct(answer);
  if (returned.kind === 'late') {
    throw new Inconclusive(
      `the ${waited.call} returned ${Math.round(returned.afterReleaseMs)} ms after the holder let go, later than the ${BLOCKED_RULE.releasePromptMs} ms a call waiting for it takes: it was slow, not clearly blocked`,
      'raise --blocked-after if the stack is just slow',
    );
  }
  run.noteFailures('contender', answer.cleanup);
  run.releasedAfterAttemptMs = run.afterAttempt(released.releaseStartedAt);
  run.answeredAt = suspectedAt;
  run.timeline.answer = run.since(returnedAt(waited));
  const blocked = blockedObservation(waited, afterMs, run.afterAttempt(returnedAt(waited)), returned.afterReleaseMs);
  run.observed = blocked.observed;
  run.outcome = blocked.outcome;
}

/** 6, when the holder is judged: its own call on its handle, after the contender acted (and the card event). */
export async function holderJudged(run: Run, step: Step): Promise<CallRecord> {
  const { holder } = run;
  if (run.options.scenario.card) await cardEvent(run);
  const called = needReply(
    run,
    holder,
    await whileHeld(run, holder.ask({ type: 'call', step }, run.timeoutMs)),
    `make its ${step.call}`,
    `the holder could not make its ${step.call}`,
  );
  run.record('holder', [called.call]);
  observe(run, called.call);
  return called.call;
}

/**
 * 6, when the holder is judged while the contender waits: the contender's act
 * must be waiting for the holder; the holder's call then is the observation,
 * and the contender's act must come back after it.
 */
export async function holderJudgedWhileContenderWaits(run: Run, step: Step): Promise<void> {
  const { contender, options } = run;
  const id = await startAttempt(run);
  const early = await whileHeld(run, contender.reply(id, ['attempted'], suspicionWaits(options.blockedAfterSeconds * 1000).suspectMs));
  if (!('timedOut' in early)) {
    const answer = needReply(run, contender, early, 'answer', 'the contender failed');
    run.recordAct(answer);
    throw new Inconclusive(
      `the contender's ${lastCall(answer)} came back (${answer.calls.at(-1)?.name ?? '?'}) instead of waiting for the holder: there was nothing to make the holder's call against`,
    );
  }
  const judged = await holderJudged(run, step);
  const after = await contender.reply(id, ['attempted'], run.timeoutMs);
  if (!('message' in after) || after.message.type !== 'attempted') {
    await run.restart('contender');
    run.notes.push(
      `the contender's ${options.scenario.contender.act.at(-1)!.call} did not come back within ${options.timeoutSeconds} s after the holder's ${step.call}`,
    );
    return;
  }
  run.recordAct(after.message);
  // No answer within --blocked-after stood for "waiting"; the records say whether it was already waiting when the holder called.
  const waited = longestCall(after.message.calls);
  if (waited && waited.startedAt > judged.startedAt + run.clockToleranceMs) {
    throw new Inconclusive(
      `the contender's ${waited.call} began only after the holder's ${step.call}: it was not yet waiting for the holder when the holder's call was made`,
    );
  }
  run.noteFailures('contender', [...after.message.calls, ...after.message.cleanup]);
}
