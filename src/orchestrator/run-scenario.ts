// One repetition of a scenario across processes. runOnce reads like the
// README's "How repro decides": the roles are ready, the holder takes the
// reader, a third party sees the hold, the contender acts, the holder
// releases, and the observation is judged. Each step either records a fact
// or ends the run inconclusive with the reason.
import { epochMs, roundMs, settlesWithin, sleep } from '../core/bounded-wait.js';
import { reportFor, UsageError } from '../core/errors.js';
import { EXIT, VERDICT_EXIT } from '../core/exit-codes.js';
import { isShareMode, type ShareMode } from '../pcsc/constants.js';
import { codeJson, isEnvironmentCode, PcscError } from '../pcsc/pcsc-error.js';
import { formatHex } from '../pcsc/return-codes.js';
import type { PlatformId } from '../platform/platform-id.js';
import { platformId } from '../platform/platform-id.js';
import { hint, hintForCode } from '../platform/hints.js';
import type { CallRecord, MessageOf, RoleMessage, RoleName } from '../roles/protocol.js';
import { outcomeName, outcomeOfCall, type Outcome, type Scenario, type Step } from '../scenarios/types.js';
import { judge, type Judgement } from '../scenarios/verdict.js';
import { BLOCKED_RULE } from './blocked-rule.js';
import { TracingObserver, type ObserverCall, type ReaderObserver, type ReaderView } from './observer.js';
import {
  HELD_FLAG,
  handleAfter,
  holdUnseen,
  mayBeClosedHandle,
  NO_HANDLES,
  unexplainedMark,
  type RoleHandles,
} from './reader-accounting.js';
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
  /** Takes the card out and puts it back, for scenarios that need it; without it they are inconclusive. */
  card?: CardControl;
  /** Record every call of the roles and the observer (the observer must be a TracingObserver). */
  trace?: boolean;
}

/** Card removal: the orchestrator's own virtual card, or the person at the terminal. */
export interface CardControl {
  remove(reader: string): Promise<void>;
  insert(reader: string): Promise<void>;
  /** The reader showed the change, or the wait ran out: a prompt stops its countdown. */
  settled?(): void;
  /** How long the reader may take to show the change. */
  withinMs: number;
}

/** What a run learns about the stack that the next runs of the plan use. */
export interface PlanMemory {
  /**
   * The holder's share modes whose hold the third party could not see as
   * such (neither mark, or INUSE for an exclusive holder): holds in these
   * modes are proved by the holder's own SCardStatus from the start.
   */
  holdsUnseen: Set<ShareMode>;
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
  /** A blocked act: the call that waited, with its share mode when it has one. */
  | { ok: false; call: string; mode?: ShareMode; blocked: true; afterMs: number; thenReturned: LateAnswer };

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
   * or, on a stack that cannot show the holder's share mode to third parties
   * (neither mark, or INUSE for an exclusive holder), the holder's own
   * SCardStatus on its handle after taking the reader and before letting go
   * (`holder`). readerStateWhileHeld says what the third party saw.
   */
  precondition: 'observer' | 'holder' | null;
  /** Reader state flags the observer saw while the holder held the reader. */
  readerStateWhileHeld: string[] | null;
  /** The holder released only after the answer (or after blocking was confirmed). */
  holderHeldThroughAnswer: boolean | null;
  attemptInsideHold: boolean | null;
  /** For a blocked act: why it was a wait for the holder and not a delay that happened to end near the release. */
  blocked: BlockedEvidence | null;
}

/**
 * A blocked act is confirmed by a second hold that the holder lets go of
 * later, and by the same act on the free reader. A fixed delay can end near
 * one release, never near two that are further apart than the window a
 * waiting call has to return in.
 */
export interface BlockedEvidence {
  /** The longest call of the same act on the free reader, before the second hold. */
  controlMs: number;
  /** Each hold, ms from its attempt: when the holder began to let go, and when the call that waited returned. */
  holds: { releasedAfterMs: number; returnedAfterMs: number }[];
}

/** A PC/SC call of one role, for notes and traces. */
export interface RoleCall extends CallRecord {
  role: RoleName;
}

/** --trace: one PC/SC call of the holder, the contender or the observer, on the run's timeline. */
export interface TraceEntry {
  role: RoleName | 'observer';
  call: string;
  /** The arguments that matter: reader, share mode, protocols, disposition. */
  args: Record<string, string | number>;
  /** The return code's name (its hex when the table does not know it). */
  result: string;
  /** From the run's start, on the orchestrator's clock. */
  startMs: number;
  durationMs: number;
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
  /** With --trace: every call of the run. */
  trace?: TraceEntry[];
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
/** What a handle may answer once the scenario took its card out: the answer under test, not a lost environment. */
const CARD_GONE: ReadonlySet<string> = new Set(['SCARD_W_REMOVED_CARD', 'SCARD_E_NO_SMARTCARD']);
/**
 * How far the stamps of two processes may disagree beyond what each role said
 * of its own clock (epochMs aligns an undisturbed process to microseconds;
 * one descheduled through every try of its anchor knows its stamps less well).
 */
const CLOCK_TOLERANCE_MS = 1;

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
  /** A blocked act: when the holder began to let go, ms from the attempt. */
  releasedAfterAttemptMs: number | null = null;
  /** Set once the release was requested: by the hold's end, by the blocked check, or after the answer. */
  release: Promise<Wait<MessageOf<'released'> | MessageOf<'failed'>>> | null = null;
  released: MessageOf<'released'> | null = null;
  releaseTimer: NodeJS.Timeout | undefined;
  /** The scenario took the card out (and, `cardBack`, put it in again): the hold's own checks stop there. */
  cardChanged = false;
  cardBack = false;
  /** The handles the roles have open now: what a third party may see on the reader. */
  readonly handles: RoleHandles = { ...NO_HANDLES };
  /** The share modes of the handles the roles closed since the third party last looked. */
  closedSinceLook: ShareMode[] = [];
  /**
   * The second hold of a blocked act: the holder keeps the reader this much
   * longer after the call was suspected blocked than in the first hold.
   */
  holdLongerMs = 0;

  constructor(
    readonly options: RunOptions,
    readonly holder: RoleLink,
    readonly contender: RoleLink,
    readonly observer: ReaderObserver,
    private readonly roles: RolePair,
  ) {
    this.reader = { name: options.reader, atr: null };
    this.proveByStatus = options.memory?.holdsUnseen.has(options.scenario.holder.mode) ?? false;
  }

  restart(role: RoleName): Promise<void> {
    return this.roles.restart(role);
  }

  /** Stamps of the holder and the contender are equal within this: the roles' own clock uncertainties and a margin. */
  get clockToleranceMs(): number {
    const { holder = 0, contender = 0 } = this.roles.clockUncertaintyMs;
    return CLOCK_TOLERANCE_MS + holder + contender;
  }

  /** The platform interface the holder calls its PC/SC library with (BindingInfo.layout), once it said. */
  get layout(): string | null {
    return this.roles.bindings.holder?.layout ?? null;
  }

  /** A second hold of the same scenario, on the same roles, whose facts are kept apart from this one's. */
  again(): Run {
    const next = new Run(this.options, this.holder, this.contender, this.observer, this.roles);
    next.proveByStatus = this.proveByStatus;
    return next;
  }

  /** Whole ms from the attempt to a wall-clock stamp of any process. */
  afterAttempt(epoch: number): number {
    return Math.round(epoch - (this.started + this.timeline.attempt!));
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

  /** The contender's act came back: it has left every handle it had. */
  recordAct(answer: MessageOf<'attempted'>): void {
    this.record('contender', [...answer.calls, ...(answer.side ?? []), ...answer.cleanup]);
    const opened = answer.calls.filter((call) => call.call === 'SCardConnect' && isSuccess(call)).map((call) => call.args.mode);
    this.handleClosed('contender', ...opened.filter(isShareMode));
  }

  /** A role let go of its handle (and of any it opened and closed in between). */
  handleClosed(role: RoleName, ...modes: ShareMode[]): void {
    const mode = this.handles[role];
    this.closedSinceLook.push(...(mode ? [mode] : []), ...modes);
    this.handles[role] = null;
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
    if (this.release || this.cardChanged) return;
    const { observer, options, holder } = this;
    let view: ReaderView;
    try {
      view = observer.look(options.reader);
    } catch (error) {
      const report = reportFor((await observer.serviceFailure()) ?? error);
      throw new Inconclusive(`the holder stopped: ${report.message}`, report.hint ?? null, true);
    }
    if (!view.flags.includes('PRESENT')) {
      throw new Inconclusive(
        `the holder stopped: ${PcscError.named('SCARD_W_REMOVED_CARD', 'SCardGetStatusChange').message}`,
        hint('noCard'),
        true,
      );
    }
    if (!holder.running) throw new Inconclusive('the holder died while it held the reader', hint('holderCrashed'));
    const flag = HELD_FLAG[options.scenario.holder.mode];
    if (this.evidence.precondition === 'observer' && !view.flags.includes(flag)) {
      throw new Inconclusive(
        `a third party stopped seeing the hold while the holder held the reader: ${view.flags.join(' ')}, not ${flag}`,
      );
    }
  }
}

async function lookUntil(
  observer: ReaderObserver,
  reader: string,
  accept: (view: ReaderView) => boolean,
  withinMs: number,
  signal?: AbortSignal,
): Promise<ReaderView> {
  const deadline = performance.now() + withinMs;
  let view = observer.look(reader);
  // Interrupted, the caller's next check ends the run: a person may be asked for up to 30 s.
  while (!accept(view) && performance.now() < deadline && !signal?.aborted) {
    await sleep(POLL_MS);
    view = observer.look(reader);
  }
  return view;
}

/** Why a role did not answer, as one sentence for the report. */
function roleGone(role: RoleLink, wait: Exclude<Wait<unknown>, { message: unknown }>, what: string, timeoutSeconds: number): Inconclusive {
  if ('timedOut' in wait) return new Inconclusive(`the ${role.name} did not ${what} within ${timeoutSeconds} s`, hint('slowRole'));
  const said = wait.gone.stopping;
  if (said)
    return new Inconclusive(`the ${role.name} stopped: ${said.error.message}`, said.error.hint ?? null, said.exitCode === EXIT.environment);
  return new Inconclusive(
    `the ${role.name} died before it could ${what}`,
    hint(role.name === 'holder' ? 'holderCrashed' : 'contenderCrashed'),
  );
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
 * 4. The holder takes the reader. If another process has it (a second sc-repro
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
    const { judge } = options.scenario;
    const then = judge.role === 'holder' ? judge.step : null;
    const request = {
      type: 'hold',
      reader: options.reader,
      plan: options.scenario.holder,
      then,
      proveByStatus: run.proveByStatus,
    } as const;
    const wait = await holder.reply(holder.request(request), ['held'], run.timeoutMs);
    const busy = 'message' in wait && wait.message.type === 'failed' && wait.message.error.error?.name === 'SCARD_E_SHARING_VIOLATION';
    if (!busy) {
      const held = needReply(run, holder, wait, ['held'], 'report holding the reader', 'the holder could not take the reader');
      run.record('holder', held.calls);
      if (held.reader !== options.reader)
        throw new Inconclusive(`the holder held ${JSON.stringify(held.reader)}, not ${JSON.stringify(options.reader)}`);
      run.handles.holder = options.scenario.holder.mode;
      run.timeline.readerHeld = run.since(held.t);
      // The hold ends at --hold even if the contender is still busy, as lock.py's sleep did.
      clearTimeout(run.releaseTimer);
      run.releaseTimer = setTimeout(
        () => void run.requestRelease(),
        Math.max(0, options.holdSeconds * 1000 - (run.now() - run.timeline.readerHeld)),
      );
      return;
    }
    options.onPhase?.('the reader is busy: waiting for the other process to let go');
    const view = await lookUntil(
      observer,
      options.reader,
      (v) => !v.flags.includes('EXCLUSIVE') && !v.flags.includes('INUSE'),
      deadline - performance.now(),
    );
    run.throwIfInterrupted();
    if (performance.now() >= deadline) {
      throw new Inconclusive(
        `the reader is busy: another process holds it (${view.flags.join(' ')}) and did not let go within ${options.timeoutSeconds} s`,
        hint('readerBusy'),
      );
    }
    await sleep(POLL_MS);
  }
}

/**
 * 5. A third party sees the hold: EXCLUSIVE for an exclusive holder, INUSE
 * for the others. A stack that cannot show the holder's share mode to a third
 * party (neither mark while the card is there, or INUSE for an exclusive
 * holder) is not a hold of someone else: the holder then takes the reader
 * again and proves its hold with its own SCardStatus, and the report says
 * which evidence was used and what the third party saw. Anything else (no
 * card, EXCLUSIVE beside a shared holder) is a state our hold does not explain.
 */
async function observerSeesHold(run: Run): Promise<void> {
  const { observer, options } = run;
  const { mode } = options.scenario.holder;
  const flag = HELD_FLAG[mode];
  const seen = await lookUntil(observer, options.reader, (view) => view.flags.includes(flag), STATE_LAG_MS);
  run.reader.atr = seen.atr;
  run.evidence.readerStateWhileHeld = seen.flags;
  if (seen.flags.includes(flag)) {
    run.evidence.precondition = 'observer';
    return;
  }
  if (!holdUnseen(seen.flags, mode))
    throw new Inconclusive(`the holder said it held the reader, but a third party saw ${seen.flags.join(' ') || 'no state'}, not ${flag}`);
  if (!run.proveByStatus) {
    const saw = seen.flags.includes('INUSE') ? `shows this ${mode} hold as INUSE, not ${flag}` : 'shows no EXCLUSIVE/INUSE';
    options.onPhase?.(`this stack ${saw} to a third party: the holder proves its hold itself`);
    options.memory?.holdsUnseen.add(mode);
    run.proveByStatus = true;
    const released = needReply(
      run,
      run.holder,
      await run.holder.reply(run.holder.request({ type: 'release' }), ['released'], run.timeoutMs),
      ['released'],
      'report its release',
      'the holder could not release the reader',
    );
    run.record('holder', released.calls);
    run.handleClosed('holder');
    await holderTakesReader(run);
  }
  run.evidence.precondition = 'holder';
}

/** 4. Steps the contender makes before the hold, so that its handle exists when the hold begins. */
async function contenderPrepares(run: Run): Promise<void> {
  const { contender, options } = run;
  const { before = [], act } = options.scenario.contender;
  const request = { type: 'prepare', reader: options.reader, steps: before, later: act } as const;
  const prepared = needReply(
    run,
    contender,
    await contender.reply(contender.request(request), ['prepared'], run.timeoutMs),
    ['prepared'],
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
async function startAttempt(run: Run): Promise<number> {
  const { contender, options } = run;
  await onlyRolesOnReader(run, 'right before the contender acted');
  run.timeline.contenderStarted = run.now();
  const id = contender.request({ type: 'attempt', reader: options.reader, steps: options.scenario.contender.act });
  const attempting = needReply(
    run,
    contender,
    await run.whileHeld(contender.reply(id, ['attempting'], run.timeoutMs)),
    ['attempting'],
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
async function contenderActs(run: Run): Promise<void> {
  const { contender, options } = run;
  options.onPhase?.('contender acting');
  const id = await startAttempt(run);
  if (options.scenario.contenderActsAfterRelease) {
    // Nothing is held: a call that waits has nobody to wait for, and --timeout bounds it.
    takeAnswer(
      run,
      needReply(run, contender, await contender.reply(id, ['attempted'], run.timeoutMs), ['attempted'], 'answer', 'the contender failed'),
    );
    await onlyRolesOnReader(run, 'right after the contender acted');
    return;
  }
  const blockedAfterMs = options.blockedAfterSeconds * 1000;
  let wait = await run.whileHeld(contender.reply(id, ['attempted'], blockedAfterMs));
  if ('timedOut' in wait) {
    options.onPhase?.('the call has not returned: confirming that it waits for the holder');
    wait = await run.whileHeld(contender.reply(id, ['attempted'], blockedAfterMs * BLOCKED_RULE.confirmFactor));
  }
  if ('timedOut' in wait && run.holdLongerMs > 0 && !run.release) {
    options.onPhase?.('holding on longer this time: a call that waits for the holder returns only when it lets go');
    wait = await run.whileHeld(contender.reply(id, ['attempted'], run.holdLongerMs));
  }
  if (!('timedOut' in wait)) {
    const answer = needReply(run, contender, wait, ['attempted'], 'answer', 'the contender failed');
    if (run.release) {
      // --hold ended the hold meanwhile: an answer that came after the release may have waited for it.
      const released = await holderReleased(run);
      if (actReturnedAt(answer) >= released.releaseStartedAt) {
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
function protocolMatters(scenario: Scenario): boolean {
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
async function confirmBlocked(run: Run, id: number): Promise<void> {
  const { contender, options } = run;
  const suspectedAt = run.now();
  if (run.release) {
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
  const answer = needReply(run, contender, wait, ['attempted'], 'answer', 'the contender failed');
  const waited = longestCall(answer.calls);
  if (!waited || actReturnedAt(answer) < released.releaseStartedAt) {
    // It returned while the reader was still held: slow, not blocked.
    takeAnswer(run, answer);
    return;
  }
  run.recordAct(answer);
  const afterReleaseMs = returnedAt(waited) - released.t;
  if (afterReleaseMs > BLOCKED_RULE.releasePromptMs) {
    throw new Inconclusive(
      `the ${waited.call} returned ${Math.round(afterReleaseMs)} ms after the holder let go, later than the ${BLOCKED_RULE.releasePromptMs} ms a call waiting for it takes: it was slow, not clearly blocked`,
      'raise --blocked-after if the stack is just slow',
    );
  }
  run.noteFailures('contender', answer.cleanup);
  run.releasedAfterAttemptMs = run.afterAttempt(released.releaseStartedAt);
  run.answeredAt = suspectedAt;
  run.timeline.answer = run.since(returnedAt(waited));
  const code = codeJson(waited.rv, waited.call);
  const mode = isShareMode(waited.args.mode) ? waited.args.mode : undefined;
  run.observed = {
    ok: false,
    call: waited.call,
    ...(mode ? { mode } : {}),
    blocked: true,
    afterMs,
    thenReturned: {
      ok: isSuccess(waited),
      name: code.name ?? code.hex,
      afterMs: run.afterAttempt(returnedAt(waited)),
      afterReleaseMs: roundMs(Math.max(0, afterReleaseMs)),
    },
  };
  run.outcome = { kind: 'blocked', call: waited.call, ...(mode ? { mode } : {}) };
}

/** A deviation is what exits 1, as matrixExit reads it too. */
const isDeviation = (judgement: Judgement) => VERDICT_EXIT[judgement.verdict] === EXIT.failed;

/** When a call returned. */
const returnedAt = (made: CallRecord) => made.startedAt + made.durationMs;
/** When the act's last call returned. */
const actReturnedAt = (answer: MessageOf<'attempted'>) => {
  const last = answer.calls.at(-1);
  return last ? returnedAt(last) : answer.t;
};
const lastCall = (answer: MessageOf<'attempted'>) => answer.calls.at(-1)?.call ?? 'act';
/**
 * The call of a blocked act that waited: the act's calls run one after
 * another and the wait lasted (1 + confirmFactor) × --blocked-after, so it is
 * the longest by far. Which call it was decides which bug, if any, it is.
 */
const longestCall = (calls: readonly CallRecord[]) =>
  calls.reduce<CallRecord | undefined>((longest, made) => (!longest || made.durationMs > longest.durationMs ? made : longest), undefined);

/** The holder's reply to the release already requested. */
async function holderReleased(run: Run): Promise<MessageOf<'released'>> {
  if (!run.released) {
    const released = needReply(
      run,
      run.holder,
      await run.requestRelease(),
      ['released'],
      'report its release',
      'the holder could not release the reader',
    );
    takeRelease(run, released);
  }
  return run.released!;
}

/** What the scenario does to the card before the holder's judged call: the orchestrator's own card, or the person at the terminal. */
async function cardEvent(run: Run): Promise<void> {
  const { options, observer } = run;
  const control = options.card!;
  const { reader } = options;
  const present = async (want: boolean) => {
    const view = await lookUntil(observer, reader, (v) => v.flags.includes('PRESENT') === want, control.withinMs, options.signal).finally(
      () => control.settled?.(),
    );
    run.throwIfInterrupted();
    if (view.flags.includes('PRESENT') !== want)
      throw new Inconclusive(
        `the card was not ${want ? 'put back into' : 'taken out of'} ${JSON.stringify(reader)} within ${control.withinMs / 1000} s`,
      );
  };
  run.cardChanged = true;
  options.onPhase?.('removing the card');
  await control.remove(reader);
  await present(false);
  if (options.scenario.card === 'removed-and-reinserted') {
    options.onPhase?.('inserting the card again');
    await control.insert(reader);
    await present(true);
    run.cardBack = true;
  }
}

/** 6, when the holder is judged: its own call on its handle, after the contender acted (and the card event). */
async function holderJudged(run: Run, step: Step): Promise<CallRecord> {
  const { holder } = run;
  if (run.options.scenario.card) await cardEvent(run);
  const called = needReply(
    run,
    holder,
    await run.whileHeld(holder.reply(holder.request({ type: 'call', step }), ['called'], run.timeoutMs)),
    ['called'],
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
async function holderJudgedWhileContenderWaits(run: Run, step: Step): Promise<void> {
  const { contender, options } = run;
  const id = await startAttempt(run);
  const early = await run.whileHeld(contender.reply(id, ['attempted'], options.blockedAfterSeconds * 1000));
  if (!('timedOut' in early)) {
    const answer = needReply(run, contender, early, ['attempted'], 'answer', 'the contender failed');
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

function takeRelease(run: Run, released: MessageOf<'released'>): void {
  run.released = released;
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

/** 10. The holder lets go (at once, or at the end of --hold with --full-hold); the attempt must fall inside the hold. */
async function holderReleases(run: Run): Promise<void> {
  const { options } = run;
  options.onPhase?.('releasing the holder');
  if (options.fullHold && !run.release) {
    await run.holdFor(options.holdSeconds * 1000 - (run.now() - run.timeline.readerHeld!));
  }
  await holderReleased(run);
  holderTransactionLasted(run);
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
 * 10. The holder's transaction lasted the hold. Windows resets the card of a
 * transaction idle for more than 5 s, and the holder's next call on
 * its handle (its judged call, or the SCardStatus it makes before letting go)
 * returns SCARD_W_RESET_CARD. Such a reset is no answer of the stack to the
 * contender: a call that waited for the transaction returns at the reset, and
 * a holder's call sees the reset it did not cause. A reset that no act of the
 * contender or the scenario explains makes the run inconclusive on any stack;
 * one the contender may have caused too, when the layout is Windows' and the
 * transaction had been idle longer than the rule allows, cannot be told from
 * the rule's and is inconclusive as well.
 */
function holderTransactionLasted(run: Run): void {
  const holderCalls = run.calls.filter((made) => made.role === 'holder');
  // The handle of the hold: from the holder's last connect (a hold proved by the holder is taken twice).
  let fromConnect = holderCalls.length - 1;
  while (fromConnect > 0 && holderCalls[fromConnect]!.call !== 'SCardConnect') fromConnect--;
  const onHandle = holderCalls.slice(fromConnect);
  const began = onHandle.findIndex((made) => made.call === 'SCardBeginTransaction' && isSuccess(made));
  if (began < 0) return;
  const resetAt = onHandle.findIndex((made, index) => index > began && made.name === 'SCARD_W_RESET_CARD');
  if (resetAt < 0) return;
  const reset = onHandle[resetAt]!;
  let idleMs = 0;
  for (let i = began + 1; i <= resetAt; i++) idleMs = Math.max(idleMs, onHandle[i]!.startedAt - returnedAt(onHandle[i - 1]!));
  idleMs = Math.round(idleMs);
  const resetter = run.calls.find(
    (made) => made.role === 'contender' && (RESETTING.has(made.args.disposition) || RESETTING.has(made.args.initialization)),
  );
  const cardEvent = run.options.scenario.card
    ? `the card ${run.options.scenario.card === 'removed' ? 'taken out' : 'taken out and put back'}`
    : null;
  const explainedBy = resetter
    ? `the contender's ${resetter.call}(SCARD_${String(resetter.args.disposition ?? resetter.args.initialization).toUpperCase()}_CARD)`
    : cardEvent;
  const windows = run.layout === 'windows';
  const seen = `the holder's ${reset.call} returned SCARD_W_RESET_CARD after its transaction had been idle for ${idleMs} ms`;
  const shorter = windows
    ? 'keep a transaction hold under 5 s on Windows: a shorter --hold, no --full-hold, a lower --blocked-after'
    : hint('readerBusy');
  if (!explainedBy) {
    const why = windows && idleMs > WINDOWS_TRANSACTION_IDLE_MS ? WINDOWS_IDLE_RULE : 'another process may have reset the card';
    throw new Inconclusive(
      `the holder's transaction was reset during the hold, by no act of the contender: ${seen}; ${why}, and such a reset is not the stack's answer`,
      shorter,
    );
  }
  if (windows && idleMs > WINDOWS_TRANSACTION_IDLE_MS) {
    throw new Inconclusive(
      `the holder's transaction was reset during the hold: ${seen}; ${WINDOWS_IDLE_RULE}, so whether ${explainedBy} or that rule reset the card cannot be told`,
      shorter,
    );
  }
}

/**
 * The observer's look on the context it has had since the plan began. A
 * service that went away, or restarted, no longer answers that context: the
 * run cannot tell an answer of the stack from one of a dying service.
 */
async function lookAtReader(run: Run, when: string): Promise<ReaderView> {
  try {
    return run.observer.look(run.options.reader);
  } catch (error) {
    const report = reportFor((await run.observer.serviceFailure()) ?? error);
    throw new Inconclusive(`the service stopped answering the third party ${when}: ${report.message}`, report.hint ?? null, true);
  }
}

/**
 * 3. The reader is ours: every hold a third party sees is a handle of the
 * holder or the contender. The reader state may take STATE_LAG_MS to drop a
 * handle a role has just closed, and only such a mark is given that long;
 * before the holder takes the reader, `waitForOthers` gives another process
 * all of --timeout to finish with it.
 */
async function onlyRolesOnReader(run: Run, when: string, waitForOthers = false): Promise<void> {
  const deadline = performance.now() + (waitForOthers ? run.timeoutMs : STATE_LAG_MS);
  const closed = run.closedSinceLook.splice(0);
  for (let waited = false; ; waited = true) {
    const view = await lookAtReader(run, when);
    const mark = unexplainedMark(view.flags, run.handles);
    if (!mark) return;
    run.throwIfInterrupted();
    if (performance.now() >= deadline || (!waitForOthers && !mayBeClosedHandle(mark, closed))) {
      const stayed = waitForOthers ? ` for all of --timeout (${run.options.timeoutSeconds} s)` : '';
      throw new Inconclusive(
        `another process is using the reader: a third party saw ${view.flags.join(' ')} ${when}${stayed}, and no handle of the holder or the contender explains ${mark}`,
        hint('readerBusy'),
      );
    }
    if (!waited && waitForOthers) run.options.onPhase?.('another process is using the reader: waiting for it to let go');
    await sleep(POLL_MS);
  }
}

/** The act alone, on the free reader: how long its longest call took. */
async function controlAct(run: Run): Promise<number> {
  const { contender, options } = run;
  if (options.scenario.contender.before?.length) await contenderPrepares(run);
  const id = contender.request({ type: 'attempt', reader: options.reader, steps: options.scenario.contender.act });
  needReply(
    run,
    contender,
    await contender.reply(id, ['attempting'], run.timeoutMs),
    ['attempting'],
    'start its attempt',
    'the contender failed',
  );
  const answer = needReply(
    run,
    contender,
    await contender.reply(id, ['attempted'], run.timeoutMs),
    ['attempted'],
    'answer',
    'the contender failed',
  );
  run.recordAct(answer);
  return Math.round(longestCall(answer.calls)?.durationMs ?? 0);
}

type BlockedObservation = Extract<Observed, { blocked: true }>;

/**
 * 7, confirmed. A blocked act must have waited for the holder, not taken a time that
 * happened to end near the release: the act alone on the free reader answers
 * well under --blocked-after, and in a second hold that the holder keeps
 * longer, the call again returns only once the holder lets go. A fixed delay
 * fits one release window, never two that lie further apart than a window.
 */
async function confirmWaitFollowsRelease(first: Run): Promise<void> {
  const { options } = first;
  const blocked = first.observed as BlockedObservation;
  const firstHold = { releasedAfterMs: first.releasedAfterAttemptMs!, returnedAfterMs: blocked.thenReturned.afterMs };
  if (options.scenario.contender.act.some((step) => step.call === 'SCardCancel')) {
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
  if (controlMs >= blockedAfterMs * BLOCKED_RULE.controlFraction) {
    throw new Inconclusive(
      `the stack is slow here: the same act on the free reader took ${controlMs} ms, not well under --blocked-after (${blockedAfterMs} ms), so the ${blocked.call} that returned ${firstHold.returnedAfterMs} ms after the attempt, just after the holder let go, cannot be told from a slow call`,
      'raise --blocked-after above what the act takes on a free reader',
    );
  }
  options.onPhase?.('confirming the wait: a second hold, let go later');
  const second = await holdAgain(first, BLOCKED_RULE.releasePromptMs + blockedAfterMs);
  const again = second.observed && 'blocked' in second.observed ? second.observed : null;
  if (!again) {
    const returned =
      second.timeline.answer !== null && second.timeline.attempt !== null
        ? `${Math.round(second.timeline.answer - second.timeline.attempt)} ms after the attempt, while the holder still held the reader`
        : 'while the holder still held the reader';
    throw new Inconclusive(
      `the ${blocked.call} did not follow the release: in the first hold it returned ${firstHold.returnedAfterMs} ms after the attempt, just after the holder let go at ${firstHold.releasedAfterMs} ms; in a second hold, let go ${second.holdLongerMs} ms later, it returned ${returned}`,
      'a call slowed by something other than the holder (a driver, an interposer, a loaded machine) looks like this',
    );
  }
  const secondHold = { releasedAfterMs: second.releasedAfterAttemptMs!, returnedAfterMs: again.thenReturned.afterMs };
  if (again.call !== blocked.call || again.mode !== blocked.mode) {
    throw new Inconclusive(
      `a different call waited in the second hold: ${again.call}${again.mode ? `(${again.mode.toUpperCase()})` : ''}, not ${blocked.call}${blocked.mode ? `(${blocked.mode.toUpperCase()})` : ''}`,
    );
  }
  // Two windows a fixed delay could fit both of: the holder's release came too late the first time.
  if (secondHold.releasedAfterMs - firstHold.releasedAfterMs <= BLOCKED_RULE.releasePromptMs) {
    throw new Inconclusive(
      `the two releases came ${secondHold.releasedAfterMs - firstHold.releasedAfterMs} ms apart, too close to tell a wait for the holder from a fixed delay`,
      hint('slowRole'),
    );
  }
  first.evidence.blocked = { controlMs, holds: [firstHold, secondHold] };
}

/** How many more times a hold is made whose deviation another process could have caused, before it counts as the stack's. */
const DEVIATION_CONFIRMATIONS = 2;

/**
 * Deviations that another process can cause without a third party seeing
 * it. pcsc-lite's SCardConnect powers the card and negotiates its protocol
 * before it checks the share mode (winscard.c), so a process that merely
 * tries an exclusive connect, and is refused, can power the card between two
 * calls of the act: a protocol. And a contender that acts on a free reader
 * meets whoever takes the reader in the moment between the third party's
 * look and its call: an answer after the release.
 */
function couldBeAnotherProcess(scenario: Scenario, outcome: Outcome): 'protocol' | 'free reader' | null {
  if (outcome.kind === 'success' && protocolMatters(scenario)) return 'protocol';
  if (scenario.contenderActsAfterRelease) return 'free reader';
  return null;
}

/**
 * 8. Such a deviation must be the stack's own: the same hold is made again
 * DEVIATION_CONFIRMATIONS times. A stack's answer repeats; another process's
 * doing, which lasts a moment, does not.
 */
async function confirmDeviationRepeats(first: Run, cause: 'protocol' | 'free reader'): Promise<void> {
  const seen = JSON.stringify(first.outcome);
  for (let i = 0; i < DEVIATION_CONFIRMATIONS; i++) {
    await onlyRolesOnReader(first, 'before the hold was made again');
    first.options.onPhase?.('the answer deviates: making the same hold again');
    const again = await holdAgain(first);
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

/**
 * The same hold once more, on the same roles, kept longer by `holdLongerMs`
 * when a call is suspected blocked; its calls and notes join the first's.
 */
async function holdAgain(first: Run, holdLongerMs = 0): Promise<Run> {
  const again = first.again();
  again.holdLongerMs = holdLongerMs;
  try {
    await trial(again);
  } finally {
    first.calls.push(...again.calls);
    first.notes.push(...again.notes);
  }
  return again;
}

/** Steps 4 to 10: one hold, from the contender's preparation to the holder's release. */
async function trial(run: Run): Promise<void> {
  const { scenario } = run.options;
  try {
    if (scenario.contender.before?.length) await contenderPrepares(run);
    await holderTakesReader(run);
    await observerSeesHold(run);
    if (scenario.contenderActsAfterRelease) await holderReleased(run);
    if (scenario.judge.role === 'holder' && scenario.judge.whileContenderWaits) {
      await holderJudgedWhileContenderWaits(run, scenario.judge.step);
    } else {
      if (scenario.contender.act.length) await contenderActs(run);
      // A blocked act is the observation itself.
      if (scenario.judge.role === 'holder' && !run.outcome) await holderJudged(run, scenario.judge.step);
    }
    await holderReleases(run);
  } finally {
    clearTimeout(run.releaseTimer);
  }
}

export interface RunContext {
  roles: RolePair;
  observer: ReaderObserver;
}

export async function runOnce({ roles, observer }: RunContext, options: RunOptions): Promise<RunResult> {
  const platform = options.platform === undefined ? platformId() : options.platform;
  let run: Run | undefined;
  const started = epochMs();
  // --trace: the observer's calls since the last run are not this run's.
  const tracer = options.trace && observer instanceof TracingObserver ? observer : null;
  tracer?.take();
  try {
    // 1. Both roles are up (process start-up is reported once per plan, not per repetition);
    // 2. the reader was chosen once, by the plan.
    if (options.signal?.aborted) throw new Inconclusive('interrupted');
    options.onPhase?.('starting the holder and the contender');
    const { holder, contender } = await roles.ready();
    run = new Run(options, holder, contender, observer, roles);
    const { scenario } = options;
    if (scenario.card && !options.card) {
      throw new Inconclusive('needs card removal: the card must be taken out of the reader during this scenario', hint('needsCardRemoval'));
    }
    await onlyRolesOnReader(run, 'before the holder took it', true);
    await trial(run);
    // 12. The observation is judged against the scenario's data; the confirmations below keep it or end the run.
    const judgement = judge(scenario, run.outcome!, platform);
    if (run.outcome!.kind === 'blocked') await confirmWaitFollowsRelease(run);
    else if (isDeviation(judgement)) {
      const cause = couldBeAnotherProcess(scenario, run.outcome!);
      if (cause) await confirmDeviationRepeats(run, cause);
    }
    // 3 and 11: nobody else's hold, and the same service, to the end.
    await onlyRolesOnReader(run, 'after the run');
    return result(run, judgement, null, false);
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
    // A card the scenario took away goes back for the runs that follow (not when the user stopped the run).
    if (run?.cardChanged && !run.cardBack && !options.signal?.aborted) await putCardBack(run);
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
      ...(options.trace
        ? {
            trace: traceOf(
              [...(facts?.calls ?? []), ...(tracer?.take() ?? []).map((call) => ({ role: 'observer' as const, ...call }))],
              facts?.started ?? started,
            ),
          }
        : {}),
    };
  }
}

/** Every recorded call on the run's timeline (ms from its start, on this process's clock), in the order they began. */
function traceOf(calls: readonly (RoleCall | ({ role: 'observer' } & ObserverCall))[], started: number): TraceEntry[] {
  return [...calls]
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((call) => ({
      role: call.role,
      call: call.call,
      args: call.args,
      result: call.name ?? formatHex(call.rv),
      startMs: roundMs(call.startedAt - started),
      durationMs: Math.round(call.durationMs * 1000) / 1000,
    }));
}

async function putCardBack(run: Run): Promise<void> {
  const control = run.options.card!;
  try {
    // Never taken out (the removal was not seen): nothing to ask for.
    if (run.observer.look(run.options.reader).flags.includes('PRESENT')) return;
  } catch {
    // No reader state: the service or the reader is gone, which the next run reports.
    return;
  }
  await control.insert(run.options.reader).catch(() => {});
  await lookUntil(run.observer, run.options.reader, (view) => view.flags.includes('PRESENT'), control.withinMs, run.options.signal)
    .catch(() => {})
    .finally(() => control.settled?.());
}

function asInconclusive(error: unknown): Inconclusive {
  if (error instanceof Inconclusive) return error;
  if (error instanceof RoleStartError)
    return new Inconclusive(error.message, error.hint, error.gone?.stopping?.exitCode === EXIT.environment);
  const report = reportFor(error);
  return new Inconclusive(report.message, report.hint ?? null);
}

export function emptyEvidence(): Evidence {
  return { precondition: null, readerStateWhileHeld: null, holderHeldThroughAnswer: null, attemptInsideHold: null, blocked: null };
}

export function emptyTimeline(): Timeline {
  return {
    holderStarted: null,
    readerHeld: null,
    contenderStarted: null,
    attempt: null,
    answer: null,
    holderReleased: null,
    holdMs: null,
    connectLatencyMs: null,
    totalMs: 0,
  };
}
