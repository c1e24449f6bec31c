// One repetition of a scenario across processes. runOnce reads like the
// README's "How repro decides": the roles are ready, the holder takes the
// reader, a third party sees the hold, the contender acts, the holder
// releases, and the observation is judged. Each step either records a fact
// or ends the run inconclusive with the reason.
import { epochMs, roundMs, settlesWithin, sleep } from '../core/bounded-wait.js';
import { reportFor, UsageError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { codeJson, isEnvironmentCode, PcscError } from '../pcsc/pcsc-error.js';
import type { PlatformId } from '../platform/platform-id.js';
import { platformId } from '../platform/platform-id.js';
import { hint } from '../platform/hints.js';
import type { CallRecord, MessageOf, RoleMessage, RoleName } from '../roles/protocol.js';
import { outcomeOfCall, type Outcome, type Scenario } from '../scenarios/types.js';
import { judge, type Judgement } from '../scenarios/verdict.js';
import { BLOCKED_RULE } from './blocked-rule.js';
import type { ReaderObserver, ReaderView } from './observer.js';
import type { Wait } from './mailbox.js';
import type { RoleLink } from './role-process.js';
import { RoleStartError, type RolePair } from './warm-roles.js';

export interface RunOptions {
  scenario: Scenario;
  /** The exact reader name the orchestrator chose; every role acts on it. */
  reader: string;
  holdSeconds: number;
  fullHold: boolean;
  timeoutSeconds: number;
  /** A call that has not returned after this long is suspected blocked (see BLOCKED_RULE). */
  blockedAfterSeconds: number;
  /** Ctrl-C: the roles are stopped and the run is inconclusive. */
  signal?: AbortSignal;
  onPhase?: (phase: string) => void;
  /** The platform whose expectations judge the run. */
  platform?: PlatformId | null;
  /** What earlier runs of the plan learned about the stack. */
  memory?: PlanMemory;
}

/** What a run learns about the stack that the next runs of the plan use. */
export interface PlanMemory {
  /** The third party saw neither EXCLUSIVE nor INUSE on a held reader: holds are proved by the holder's own SCardStatus. */
  stateBitsMissing: boolean;
}

/** Milliseconds from the start of the repetition. */
export interface Timeline {
  holderStarted: number | null;
  readerHeld: number | null;
  contenderStarted: number | null;
  attempt: number | null;
  answer: number | null;
  holderReleased: number | null;
  /** The hold as the holder measured it. */
  holdMs: number | null;
  /** The judged call's own duration, measured inside the role that made it. */
  connectLatencyMs: number | null;
  totalMs: number;
}

export type Observed =
  | { ok: true; call: string; protocol?: string }
  | { ok: false; code: number; hex: string; name: string | null; message: string; call: string | null }
  | { ok: false; call: string; blocked: true; afterMs: number; thenReturned: LateAnswer };

/** What a blocked call answered once the holder let go. */
export interface LateAnswer {
  ok: boolean;
  name: string;
  /** From the attempt to the return. */
  afterMs: number;
  /** From the end of the holder's release to the return. */
  afterReleaseMs: number;
}

export interface Evidence {
  /**
   * What proved the hold: a third party seeing EXCLUSIVE/INUSE (`observer`),
   * or, on a stack that shows neither to third parties, the holder's own
   * SCardStatus on its handle after taking the reader and before letting go
   * (`holder`).
   */
  precondition: 'observer' | 'holder' | null;
  /** Reader state flags the observer saw while the holder held the reader. */
  readerStateWhileHeld: string[] | null;
  /** The holder released only after the answer (or after blocking was confirmed). */
  holderHeldThroughAnswer: boolean | null;
  attemptInsideHold: boolean | null;
}

/** A PC/SC call of one role, for notes and traces. */
export interface RoleCall extends CallRecord {
  role: RoleName;
}

export interface RunResult extends Judgement {
  observed: Observed | null;
  outcome: Outcome | null;
  reader: { name: string | null; atr: string | null };
  timeline: Timeline;
  evidence: Evidence;
  hint: string | null;
  /** Calls other than the judged one that failed without breaking the precondition. */
  notes: string[];
  calls: RoleCall[];
  /** Inconclusive because the service, the reader or the card is gone: repeating will not help. */
  environmentLost: boolean;
}

export class Inconclusive extends Error {
  constructor(
    message: string,
    readonly hint: string | null = null,
    readonly environmentLost = false,
  ) {
    super(message);
  }
}

/** How long the observer's view may lag behind a change another client made. */
const STATE_LAG_MS = 250;
const POLL_MS = 10;
/** How often the observer checks, while the reader is held, that card and service are still there. */
const WATCH_MS = 100;

/** The mark a share mode leaves on the reader state, as a third party sees it. */
const HELD_FLAG = { exclusive: 'EXCLUSIVE', shared: 'INUSE', direct: 'INUSE' } as const;

const isSuccess = (call: CallRecord) => call.rv === 0;

function describeCall(role: RoleName, call: CallRecord): string {
  const code = codeJson(call.rv, call.call);
  return `the ${role}'s ${call.call} returned ${code.name ?? 'an unknown code'} (${code.hex})`;
}

/** The facts of one repetition as they are gathered. */
class Run {
  readonly started = epochMs();
  readonly timeline: Timeline = emptyTimeline();
  readonly evidence: Evidence = emptyEvidence();
  proveByStatus: boolean;
  readonly reader: RunResult['reader'];
  readonly notes: string[] = [];
  readonly calls: RoleCall[] = [];
  observed: Observed | null = null;
  outcome: Outcome | null = null;
  /** When the answer came, or blocking was confirmed: the holder must still hold then. */
  answeredAt: number | null = null;
  /** Set once the release was requested: by the hold's end, by the blocked check, or after the answer. */
  release: Promise<Wait<MessageOf<'released'> | MessageOf<'failed'>>> | null = null;
  released: MessageOf<'released'> | null = null;
  releaseTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly options: RunOptions,
    readonly holder: RoleLink,
    readonly contender: RoleLink,
    readonly observer: ReaderObserver,
    private readonly roles: RolePair,
  ) {
    this.reader = { name: options.reader, atr: null };
    this.proveByStatus = options.memory?.stateBitsMissing ?? false;
  }

  restart(role: RoleName): Promise<void> {
    return this.roles.restart(role);
  }

  get timeoutMs(): number {
    return this.options.timeoutSeconds * 1000;
  }

  /** ms since the start of the repetition, from a wall-clock stamp of any process. */
  since(epoch: number): number {
    return epoch - this.started;
  }

  now(): number {
    return this.since(epochMs());
  }

  record(role: RoleName, calls: readonly CallRecord[]): void {
    this.calls.push(...calls.map((call) => ({ role, ...call })));
  }

  /** A failed call that does not break the precondition is a note, never the observation. */
  noteFailures(role: RoleName, calls: readonly CallRecord[]): void {
    for (const call of calls) if (!isSuccess(call)) this.notes.push(describeCall(role, call));
  }

  throwIfInterrupted(): void {
    if (this.options.signal?.aborted) throw new Inconclusive('interrupted');
  }

  requestRelease(): NonNullable<Run['release']> {
    clearTimeout(this.releaseTimer);
    this.release ??= this.holder.reply(this.holder.request({ type: 'release' }), ['released'], this.timeoutMs);
    return this.release;
  }

  /**
   * Waits for a role's reply while the reader is held, looking every WATCH_MS
   * that card and service are still there: a hold that is gone would make
   * any answer meaningless.
   */
  async whileHeld<T>(wait: Promise<T>): Promise<T> {
    while (!(await settlesWithin(wait, WATCH_MS))) await this.checkHoldIntact();
    return wait;
  }

  /** Keeps the reader held for `ms`, looking after it as whileHeld does; no timer outlives an early end. */
  async holdFor(ms: number): Promise<void> {
    const end = performance.now() + ms;
    for (let left = ms; left > 0; left = end - performance.now()) {
      await sleep(Math.min(WATCH_MS, left));
      await this.checkHoldIntact();
    }
  }

  /**
   * The hold must last until the holder is asked to let go: the card or the
   * service being gone, or the holder itself, ends the run.
   */
  async checkHoldIntact(): Promise<void> {
    this.throwIfInterrupted();
    if (this.release) return;
    const { observer, options, holder } = this;
    let view: ReaderView;
    try {
      view = observer.look(options.reader);
    } catch (error) {
      const report = reportFor((await observer.serviceFailure()) ?? error);
      throw new Inconclusive(`the holder stopped: ${report.message}`, report.hint ?? null, true);
    }
    if (!view.flags.includes('PRESENT')) {
      throw new Inconclusive(`the holder stopped: ${PcscError.named('SCARD_W_REMOVED_CARD', 'SCardGetStatusChange').message}`, hint('noCard'), true);
    }
    if (!holder.running) throw new Inconclusive('the holder died while it held the reader', hint('holderCrashed'));
    const flag = HELD_FLAG[options.scenario.holder.mode];
    if (this.evidence.precondition === 'observer' && !view.flags.includes(flag)) {
      throw new Inconclusive(`a third party stopped seeing the hold while the holder held the reader: ${view.flags.join(' ')}, not ${flag}`);
    }
  }
}

async function lookUntil(observer: ReaderObserver, reader: string, accept: (view: ReaderView) => boolean, withinMs: number): Promise<ReaderView> {
  const deadline = performance.now() + withinMs;
  let view = observer.look(reader);
  while (!accept(view) && performance.now() < deadline) {
    await sleep(POLL_MS);
    view = observer.look(reader);
  }
  return view;
}

/** Why a role did not answer, as one sentence for the report. */
function roleGone(role: RoleLink, wait: Exclude<Wait<unknown>, { message: unknown }>, what: string, timeoutSeconds: number): Inconclusive {
  if ('timedOut' in wait) return new Inconclusive(`the ${role.name} did not ${what} within ${timeoutSeconds} s`, hint('slowRole'));
  const said = wait.gone.stopping;
  if (said) return new Inconclusive(`the ${role.name} stopped: ${said.error.message}`, said.error.hint ?? null, said.exitCode === EXIT.environment);
  return new Inconclusive(`the ${role.name} died before it could ${what}`, hint(role.name === 'holder' ? 'holderCrashed' : 'contenderCrashed'));
}

function isOfType<T extends RoleMessage['type']>(message: RoleMessage, types: readonly T[]): message is MessageOf<T> {
  const wanted: readonly string[] = types;
  return wanted.includes(message.type);
}

/**
 * The reply a step needs, or the reason the run cannot go on without it: the
 * role failed the request (`failedPrefix`: what it could not do), died, or
 * did not answer in time.
 */
function needReply<T extends RoleMessage['type']>(
  run: Run,
  role: RoleLink,
  wait: Wait<MessageOf<T> | MessageOf<'failed'>>,
  types: readonly T[],
  what: string,
  failedPrefix: string,
): MessageOf<T> {
  run.throwIfInterrupted();
  if (!('message' in wait)) throw roleGone(role, wait, what, run.options.timeoutSeconds);
  const message: RoleMessage = wait.message;
  if (isOfType(message, types)) return message;
  const failure = message.type === 'failed' ? message : null;
  if (failure) run.record(role.name, failure.calls);
  const code = failure?.error.error?.code;
  throw new Inconclusive(
    `${failedPrefix}: ${failure?.error.message ?? `unexpected ${message.type}`}`,
    failure?.error.hint ?? null,
    code !== undefined && isEnvironmentCode(code),
  );
}

/**
 * 3. The holder takes the reader. If another process has it (a second sc-repro
 * run, scdaemon, a browser), the holder's own connect meets a sharing
 * violation: wait, as the observer sees it, until that process lets go, and
 * try again, all within --timeout. Meeting the other process's holder as our
 * contender would give a false verdict; this way one run waits for the other.
 */
async function holderTakesReader(run: Run): Promise<void> {
  const { holder, observer, options } = run;
  const deadline = performance.now() + run.timeoutMs;
  run.timeline.holderStarted ??= run.now();
  for (;;) {
    const request = { type: 'hold', reader: options.reader, plan: options.scenario.holder, proveByStatus: run.proveByStatus } as const;
    const wait = await holder.reply(holder.request(request), ['held'], run.timeoutMs);
    const busy = 'message' in wait && wait.message.type === 'failed' && wait.message.error.error?.name === 'SCARD_E_SHARING_VIOLATION';
    if (!busy) {
      const held = needReply(run, holder, wait, ['held'], 'report holding the reader', 'the holder could not take the reader');
      run.record('holder', held.calls);
      if (held.reader !== options.reader) throw new Inconclusive(`the holder held ${JSON.stringify(held.reader)}, not ${JSON.stringify(options.reader)}`);
      run.timeline.readerHeld = run.since(held.t);
      // The hold ends at --hold even if the contender is still busy, as lock.py's sleep did.
      clearTimeout(run.releaseTimer);
      run.releaseTimer = setTimeout(() => void run.requestRelease(), Math.max(0, options.holdSeconds * 1000 - (run.now() - run.timeline.readerHeld)));
      return;
    }
    options.onPhase?.('the reader is busy: waiting for the other process to let go');
    const view = await lookUntil(observer, options.reader, (v) => !v.flags.includes('EXCLUSIVE') && !v.flags.includes('INUSE'), deadline - performance.now());
    run.throwIfInterrupted();
    if (performance.now() >= deadline) {
      throw new Inconclusive(`the reader is busy: another process holds it (${view.flags.join(' ')}) and did not let go within ${options.timeoutSeconds} s`, hint('readerBusy'));
    }
    await sleep(POLL_MS);
  }
}

/**
 * 4. A third party sees the hold: EXCLUSIVE for an exclusive holder, INUSE
 * for the others. A stack that shows neither to anyone while the card is
 * there keeps no share-mode state for third parties: the holder then takes
 * the reader again and proves its hold with its own SCardStatus, and the
 * report says which evidence was used.
 */
async function observerSeesHold(run: Run): Promise<void> {
  const { observer, options } = run;
  const flag = HELD_FLAG[options.scenario.holder.mode];
  const seen = await lookUntil(observer, options.reader, (view) => view.flags.includes(flag), STATE_LAG_MS);
  run.reader.atr = seen.atr;
  run.evidence.readerStateWhileHeld = seen.flags;
  if (seen.flags.includes(flag)) {
    run.evidence.precondition = 'observer';
    return;
  }
  const noShareState = seen.flags.includes('PRESENT') && !seen.flags.includes('EXCLUSIVE') && !seen.flags.includes('INUSE');
  if (!noShareState) throw new Inconclusive(`the holder said it held the reader, but a third party saw ${seen.flags.join(' ') || 'no state'}, not ${flag}`);
  if (!run.proveByStatus) {
    options.onPhase?.('this stack shows no EXCLUSIVE/INUSE to a third party: the holder proves its hold itself');
    if (options.memory) options.memory.stateBitsMissing = true;
    run.proveByStatus = true;
    const released = needReply(run, run.holder, await run.holder.reply(run.holder.request({ type: 'release' }), ['released'], run.timeoutMs), ['released'], 'report its release', 'the holder could not release the reader');
    run.record('holder', released.calls);
    await holderTakesReader(run);
  }
  run.evidence.precondition = 'holder';
}

/** 5. The contender makes its one judged call; one that does not return is put to the blocked rule (6). */
async function contenderActs(run: Run): Promise<void> {
  const { contender, options } = run;
  options.onPhase?.('contender connecting');
  run.timeline.contenderStarted = run.now();
  const id = contender.request({ type: 'attempt', reader: options.reader, plan: options.scenario.contender });
  const attempting = needReply(run, contender, await run.whileHeld(contender.reply(id, ['attempting'], run.timeoutMs)), ['attempting'], 'start its attempt', 'the contender failed');
  run.timeline.attempt = run.since(attempting.t);

  const blockedAfterMs = options.blockedAfterSeconds * 1000;
  let wait = await run.whileHeld(contender.reply(id, ['attempted'], blockedAfterMs));
  if ('timedOut' in wait) {
    options.onPhase?.('the call has not returned: confirming that it waits for the holder');
    wait = await run.whileHeld(contender.reply(id, ['attempted'], blockedAfterMs * BLOCKED_RULE.confirmFactor));
  }
  if (!('timedOut' in wait)) {
    const answer = needReply(run, contender, wait, ['attempted'], 'answer', 'the contender failed');
    if (run.release) {
      // --hold ended the hold meanwhile: an answer that came after the release may have waited for it.
      const released = await holderReleased(run);
      if (returnedAt(answer) >= released.releaseStartedAt) {
        run.record('contender', [answer.judged, ...answer.calls]);
        throw new Inconclusive(`the ${answer.judged.call} returned only after --hold (${options.holdSeconds} s) ended the hold`, hint('holdTooShort'));
      }
    }
    takeAnswer(run, answer);
    return;
  }
  await confirmBlocked(run, id);
}

/** The judged call's answer becomes the observation. */
function observe(run: Run, call: CallRecord, protocol: string | null): void {
  run.observed = isSuccess(call) ? { ok: true, call: call.call, ...(protocol ? { protocol } : {}) } : { ok: false, ...codeJson(call.rv, call.call) };
  run.outcome = outcomeOfCall(call);
}

/** The contender's answer, judged by its code, whatever its latency. */
function takeAnswer(run: Run, answer: MessageOf<'attempted'>): void {
  const { judged } = answer;
  run.record('contender', [judged, ...answer.calls]);
  if (answer.reader !== run.options.reader) throw new Inconclusive(`the contender acted on ${JSON.stringify(answer.reader)}, not ${JSON.stringify(run.options.reader)}`);
  run.answeredAt = run.since(judged.startedAt + judged.durationMs);
  run.timeline.answer = run.answeredAt;
  run.timeline.connectLatencyMs = roundMs(judged.durationMs);
  observe(run, judged, answer.protocol);
  // The disconnect that resets the card is part of a reset scenario's action; elsewhere it is after the fact.
  const acting = run.options.scenario.observe === 'holder-transmit';
  const failed = answer.calls.filter((call) => !isSuccess(call));
  if (acting && isSuccess(judged) && failed.length) throw new Inconclusive(`${describeCall('contender', failed[0]!)}, so the card was not reset as the scenario needs`);
  run.noteFailures('contender', answer.calls);
}

/**
 * 6. The call has not returned for (1 + confirmFactor) × --blocked-after while
 * the reader was held. The holder now lets go: a call that waited for it
 * returns promptly after the release, and only then.
 */
async function confirmBlocked(run: Run, id: number): Promise<void> {
  const { contender, options } = run;
  const suspectedAt = run.now();
  if (run.release) {
    throw new Inconclusive(`--hold (${options.holdSeconds} s) ended the hold before a call that had not returned could be confirmed as blocked`, hint('holdTooShort'));
  }
  options.onPhase?.('the call is blocked: releasing the holder');
  run.requestRelease();
  const released = await holderReleased(run);
  const wait = await contender.reply(id, ['attempted'], run.timeoutMs);
  run.throwIfInterrupted();
  const afterMs = Math.round(suspectedAt - run.timeline.attempt!);
  if ('timedOut' in wait || 'gone' in wait) {
    // A call that never returns leaves a process that cannot serve again.
    await run.restart('contender');
    if ('gone' in wait) throw roleGone(contender, wait, 'answer', options.timeoutSeconds);
    throw new Inconclusive(
      `the ${callOf(run)} had not returned ${afterMs} ms after the attempt, and still had not ${options.timeoutSeconds} s after the holder let go: it waits for something other than the holder`,
    );
  }
  const answer = needReply(run, contender, wait, ['attempted'], 'answer', 'the contender failed');
  const afterReleaseMs = returnedAt(answer) - released.t;
  if (returnedAt(answer) < released.releaseStartedAt) {
    // It returned while the reader was still held: slow, not blocked.
    takeAnswer(run, answer);
    return;
  }
  if (afterReleaseMs > BLOCKED_RULE.releasePromptMs) {
    run.record('contender', [answer.judged, ...answer.calls]);
    throw new Inconclusive(
      `the ${answer.judged.call} returned ${Math.round(afterReleaseMs)} ms after the holder let go, later than the ${BLOCKED_RULE.releasePromptMs} ms a call waiting for it takes: it was slow, not clearly blocked`,
      'raise --blocked-after if the stack is just slow',
    );
  }
  run.record('contender', [answer.judged, ...answer.calls]);
  run.noteFailures('contender', answer.calls);
  run.answeredAt = suspectedAt;
  run.timeline.answer = run.since(returnedAt(answer));
  const code = codeJson(answer.judged.rv, answer.judged.call);
  run.observed = {
    ok: false,
    call: answer.judged.call,
    blocked: true,
    afterMs,
    thenReturned: { ok: isSuccess(answer.judged), name: code.name ?? code.hex, afterMs: Math.round(answer.judged.durationMs), afterReleaseMs: roundMs(Math.max(0, afterReleaseMs)) },
  };
  run.outcome = { kind: 'blocked' };
}

const returnedAt = (answer: MessageOf<'attempted'>) => answer.judged.startedAt + answer.judged.durationMs;

/** The holder's reply to the release already requested. */
async function holderReleased(run: Run): Promise<MessageOf<'released'>> {
  if (!run.released) {
    const released = needReply(run, run.holder, await run.requestRelease(), ['released'], 'report its release', 'the holder could not release the reader');
    takeRelease(run, released);
  }
  return run.released!;
}

function callOf(run: Run): string {
  return run.options.scenario.observe === 'holder-transmit' && run.observed?.ok ? 'SCardTransmit' : 'SCardConnect';
}

/** 5, for a reset scenario: the holder's own next call after the contender acted is the judged one. */
async function holderObserves(run: Run): Promise<void> {
  const { holder } = run;
  const transmitted = needReply(run, holder, await run.whileHeld(holder.reply(holder.request({ type: 'transmit' }), ['transmitted'], run.timeoutMs)), ['transmitted'], 'transmit', 'the holder could not transmit');
  const { call } = transmitted;
  run.record('holder', [call]);
  run.answeredAt = run.since(call.startedAt + call.durationMs);
  run.timeline.answer = run.answeredAt;
  run.timeline.connectLatencyMs = roundMs(call.durationMs);
  observe(run, call, null);
}

function takeRelease(run: Run, released: MessageOf<'released'>): void {
  run.released = released;
  run.record('holder', released.calls);
  if (run.evidence.precondition === 'holder') {
    // The proof's second half: the holder's handle still held the reader after the answer.
    const status = released.calls.find((call) => call.call === 'SCardStatus');
    if (!status || !isSuccess(status)) {
      throw new Inconclusive(`the hold is not proved: ${status ? describeCall('holder', status) : "the holder made no SCardStatus"} before its release`);
    }
  }
  run.noteFailures('holder', released.calls);
  run.timeline.holderReleased = run.since(released.t);
  run.timeline.holdMs = released.heldMs;
}

/** 8. The holder lets go (at once, or at the end of --hold with --full-hold); the attempt must fall inside the hold. */
async function holderReleases(run: Run): Promise<void> {
  const { options } = run;
  options.onPhase?.('releasing the holder');
  if (options.fullHold && !run.release) {
    await run.holdFor(options.holdSeconds * 1000 - (run.now() - run.timeline.readerHeld!));
  }
  await holderReleased(run);
  run.evidence.holderHeldThroughAnswer = run.timeline.holderReleased! >= run.answeredAt!;
  run.evidence.attemptInsideHold = run.timeline.attempt !== null && run.timeline.attempt >= run.timeline.readerHeld! && run.evidence.holderHeldThroughAnswer;
  if (!run.evidence.attemptInsideHold) throw new Inconclusive('the attempt fell outside the hold window', hint('holdTooShort'));
}

export interface RunContext {
  roles: RolePair;
  observer: ReaderObserver;
}

export async function runOnce({ roles, observer }: RunContext, options: RunOptions): Promise<RunResult> {
  const platform = options.platform === undefined ? platformId() : options.platform;
  let run: Run | undefined;
  const started = epochMs();
  try {
    // 1. Both roles are up (process start-up is reported once per plan, not per repetition);
    // 2. the reader was chosen once, by the plan.
    if (options.signal?.aborted) throw new Inconclusive('interrupted');
    options.onPhase?.('starting the holder and the contender');
    const { holder, contender } = await roles.ready();
    run = new Run(options, holder, contender, observer, roles);
    await holderTakesReader(run);
    await observerSeesHold(run);
    await contenderActs(run);
    if (options.scenario.observe === 'holder-transmit' && run.observed?.ok) await holderObserves(run);
    await holderReleases(run);
    // 9. The observation is judged against the scenario's data.
    return result(run, judge(options.scenario, run.outcome!, platform), null, false);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    clearTimeout(run?.releaseTimer);
    // A role in an unknown state must not serve the next repetition.
    await roles.stop(options.signal?.aborted);
    // Whatever failed on the way, a run the user interrupted says so.
    const cause = options.signal?.aborted ? new Inconclusive('interrupted') : asInconclusive(error);
    const judgement: Judgement = { verdict: 'inconclusive', expected: null, knownBug: null, reason: cause.message };
    return result(run, judgement, cause.hint, cause.environmentLost);
  } finally {
    clearTimeout(run?.releaseTimer);
  }

  function result(facts: Run | undefined, judgement: Judgement, hintText: string | null, environmentLost: boolean): RunResult {
    const timeline = facts?.timeline ?? emptyTimeline();
    for (const key of ['holderStarted', 'readerHeld', 'contenderStarted', 'attempt', 'answer', 'holderReleased'] as const) {
      const value = timeline[key];
      timeline[key] = value === null ? null : roundMs(value);
    }
    timeline.totalMs = roundMs(epochMs() - (facts?.started ?? started));
    return {
      ...judgement,
      observed: facts?.observed ?? null,
      outcome: facts?.outcome ?? null,
      reader: facts?.reader ?? { name: options.reader, atr: null },
      timeline,
      evidence: facts?.evidence ?? emptyEvidence(),
      hint: hintText,
      notes: facts?.notes ?? [],
      calls: facts?.calls ?? [],
      environmentLost,
    };
  }
}

function asInconclusive(error: unknown): Inconclusive {
  if (error instanceof Inconclusive) return error;
  if (error instanceof RoleStartError) return new Inconclusive(error.message, error.hint, error.gone?.stopping?.exitCode === EXIT.environment);
  const report = reportFor(error);
  return new Inconclusive(report.message, report.hint ?? null);
}

export function emptyEvidence(): Evidence {
  return { precondition: null, readerStateWhileHeld: null, holderHeldThroughAnswer: null, attemptInsideHold: null };
}

export function emptyTimeline(): Timeline {
  return { holderStarted: null, readerHeld: null, contenderStarted: null, attempt: null, answer: null, holderReleased: null, holdMs: null, connectLatencyMs: null, totalMs: 0 };
}
