// Runs one repetition of a scenario across processes: the holder takes the
// reader, the observer (this process, through a context of its own) sees the
// precondition, the contender acts, and the holder confirms it still held the
// reader when the answer came. The roles are warm processes (warm-roles.ts).
import type { PcscErrorInfo } from '../pcsc/pcsc-error.js';
import { reportFor, UsageError } from '../cli/errors.js';
import type { Outcome, Scenario } from '../scenarios/types.js';
import type { RoleMessage, RoleProcess } from './role-process.js';
import type { Observer, ReaderView } from './observer.js';
import { RoleStartError, type WarmRoles } from './warm-roles.js';
import { judge, type Judgement } from './verdict.js';
import { settlesWithin } from './settles-within.js';

export interface RunOptions {
  scenario: Scenario;
  holdSeconds: number;
  fullHold: boolean;
  timeoutSeconds: number;
  /** A call that has not returned after this long is recorded as `blocked`. */
  blockedAfterSeconds: number;
  /** Ctrl-C: children are stopped and the run is inconclusive. */
  signal?: AbortSignal;
  onPhase?: (phase: string) => void;
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
  | ({ ok: false } & Omit<PcscErrorInfo, 'detail'>)
  | { ok: false; call: string; blocked: true; afterMs: number; thenReturned: LateAnswer | null };

/** What a blocked call answered once the holder let go, if it did within --timeout. */
export interface LateAnswer {
  ok: boolean;
  name: string;
  afterMs: number;
}

export interface Evidence {
  /** Reader state flags the observer saw while the holder held the reader. */
  readerStateWhileHeld: string[] | null;
  /** The holder released on our request, after the answer: it still held the reader then. */
  holderHeldThroughAnswer: boolean | null;
  attemptInsideHold: boolean | null;
}

export interface RunResult extends Judgement {
  observed: Observed | null;
  outcome: Outcome | null;
  reader: { name: string | null; atr: string | null };
  timeline: Timeline;
  evidence: Evidence;
  hint: string | null;
}

class Inconclusive extends Error {
  constructor(
    message: string,
    readonly hint: string | null = null,
  ) {
    super(message);
  }
}

function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Inconclusive('interrupted before the attempt completed');
}

const round = (ms: number | null) => (ms === null ? null : Math.round(ms * 10) / 10);

/** The mark a share mode leaves on the reader state, as a third party sees it. */
const HELD_FLAG = { exclusive: 'EXCLUSIVE', shared: 'INUSE', direct: 'INUSE' } as const;

export async function runOnce(roles: WarmRoles, observer: Observer, options: RunOptions): Promise<RunResult> {
  const { scenario } = options;
  // Process start-up is reported once per plan (startupMs), not in every repetition's timeline.
  let ready: Awaited<ReturnType<WarmRoles['ready']>> | undefined;
  let startError: unknown;
  if (!options.signal?.aborted) {
    options.onPhase?.('starting the holder and the contender');
    ready = await roles.ready().catch((error: unknown) => void (startError = error));
  }
  const t0 = performance.timeOrigin + performance.now();
  const since = (epochMs: number | undefined) => (epochMs === undefined ? null : epochMs - t0);
  const now = () => performance.timeOrigin + performance.now() - t0;
  const timeoutMs = options.timeoutSeconds * 1000;
  const holdMs = options.holdSeconds * 1000;

  const timeline: Timeline = {
    holderStarted: null, readerHeld: null, contenderStarted: null, attempt: null, answer: null,
    holderReleased: null, holdMs: null, connectLatencyMs: null, totalMs: 0,
  };
  const evidence: Evidence = { readerStateWhileHeld: null, holderHeldThroughAnswer: null, attemptInsideHold: null };
  const reader: RunResult['reader'] = { name: null, atr: null };
  let observed: Observed | null = null;
  let outcome: Outcome | null = null;
  let holder: RoleProcess | undefined;
  let releaseTimer: NodeJS.Timeout | undefined;
  let release: Promise<{ message: RoleMessage | null; timedOut: boolean }> | undefined;

  const aborted = () => throwIfInterrupted(options.signal);
  const releaseHolder = () => {
    clearTimeout(releaseTimer);
    if (!release && holder) {
      const id = holder.request('release');
      release = holder.answer(id, 'released', timeoutMs);
    }
    return release!;
  };

  try {
    aborted();
    if (!ready) throw startError;
    const { holder: holderRole, contender } = ready;
    holder = holderRole;
    reader.name = roles.reader;

    timeline.holderStarted = now();
    const held = await takeReader(holder, observer, reader.name!, options);
    timeline.readerHeld = since(held.t);
    // The hold ends at --hold even if the contender is still busy, as lock.py's sleep did.
    releaseTimer = setTimeout(() => void releaseHolder(), Math.max(0, holdMs - (now() - timeline.readerHeld!)));

    const flag = HELD_FLAG[scenario.holder.mode];
    const seen = await lookUntil(observer, reader.name!, (view) => view.flags.includes(flag), STATE_LAG_MS);
    reader.atr = seen.atr;
    evidence.readerStateWhileHeld = seen.flags;
    if (!seen.flags.includes(flag)) {
      throw new Inconclusive(`the holder said it held the reader, but a third party saw ${seen.flags.join(' ') || 'no state'}, not ${flag}`);
    }

    options.onPhase?.('contender connecting');
    timeline.contenderStarted = now();
    const attemptId = contender.request('attempt', { plan: scenario.contender });
    const started = await contender.waitFor((m) => m.id === attemptId && (m.type === 'attempt' || m.type === 'failed'), timeoutMs);
    aborted();
    if (!started.message) throw await roleGone('contender', contender, started.timedOut, 'start its attempt', options.timeoutSeconds);
    if (started.message.type === 'failed') throw new Inconclusive(`the contender failed: ${started.message.message}`, hintOf(started.message));
    timeline.attempt = since(started.message.t);
    const answer = await contender.answer(attemptId, 'result', options.blockedAfterSeconds * 1000);
    aborted();
    let answeredAt: number;
    if (answer.message?.type === 'result') {
      timeline.answer = since(answer.message.t);
      answeredAt = timeline.answer!;
      timeline.connectLatencyMs = round(answer.message.latencyMs as number);
      ({ observed, outcome } = connectObservation(answer.message));
    } else if (answer.timedOut) {
      answeredAt = now();
      options.onPhase?.('the connect is blocked: releasing the holder');
      await releaseHolder();
      const late = await contender.answer(attemptId, 'result', timeoutMs);
      const thenReturned = late.message?.type === 'result' ? lateAnswer(late.message, since(late.message.t)! - timeline.attempt!) : null;
      // A call that never returns leaves a process that cannot serve again.
      if (!thenReturned) await roles.restart('contender');
      observed = { ok: false, call: 'SCardConnect', blocked: true, afterMs: Math.round(answeredAt - timeline.attempt!), thenReturned };
      outcome = { kind: 'blocked' };
    } else {
      throw await roleGone('contender', contender, false, 'answer', options.timeoutSeconds, answer.message);
    }

    if (scenario.observe === 'holder-transmit' && observed.ok) {
      // The contender did its part; now the holder's own next call is the observation.
      const transmitId = holder.request('transmit');
      const transmitted = await holder.answer(transmitId, 'transmitted', timeoutMs);
      if (!transmitted.message || transmitted.message.type === 'failed') throw await roleGone('holder', holder, transmitted.timedOut, 'transmit', options.timeoutSeconds, transmitted.message);
      timeline.answer = since(transmitted.message.t);
      answeredAt = timeline.answer!;
      timeline.connectLatencyMs = round(transmitted.message.latencyMs as number);
      ({ observed, outcome } = transmitObservation(transmitted.message));
    }

    options.onPhase?.('releasing the holder');
    if (options.fullHold) {
      // A holder that dies meanwhile ends the wait: its release is then missing.
      await settlesWithin(holder.exited, Math.max(0, holdMs - (now() - timeline.readerHeld!)));
    }
    const released = await releaseHolder();
    if (!released.message || released.message.type === 'failed') throw await roleGone('holder', holder, released.timedOut, 'report its release', options.timeoutSeconds, released.message);
    timeline.holderReleased = since(released.message.t);
    timeline.holdMs = released.message.heldMs as number;
    evidence.holderHeldThroughAnswer = timeline.holderReleased! >= answeredAt;
    evidence.attemptInsideHold = timeline.attempt !== null && timeline.attempt >= timeline.readerHeld! && evidence.holderHeldThroughAnswer;
    if (!evidence.attemptInsideHold) {
      throw new Inconclusive('the attempt fell outside the hold window', 'raise --hold so the holder outlasts the attempt');
    }
    return finish(judge(scenario, outcome!), null);
  } catch (error) {
    clearTimeout(releaseTimer);
    if (error instanceof UsageError) throw error;
    // A role in an unknown state must not serve the next repetition.
    await roles.stop(options.signal?.aborted);
    if (error instanceof Inconclusive || error instanceof RoleStartError) return finish(inconclusive(error.message), error.hint);
    const report = reportFor(error);
    return finish(inconclusive(report.message), report.hint ?? null);
  } finally {
    clearTimeout(releaseTimer);
  }

  function inconclusive(reason: string): Judgement {
    return { verdict: 'inconclusive', expected: null, knownBug: null, reason };
  }

  function finish(judgement: Judgement, hintText: string | null): RunResult {
    timeline.totalMs = round(now())!;
    for (const key of ['holderStarted', 'readerHeld', 'contenderStarted', 'attempt', 'answer', 'holderReleased'] as const) {
      timeline[key] = round(timeline[key]);
    }
    return { ...judgement, observed, outcome, reader, timeline, evidence, hint: hintText };
  }
}

/**
 * How long the observer's view may lag behind a change another client made.
 * pcscd publishes share-mode changes to other clients asynchronously, and
 * under load (another run on the same reader) that takes a few milliseconds.
 */
const STATE_LAG_MS = 250;
const POLL_MS = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function lookUntil(observer: Observer, reader: string, accept: (view: ReaderView) => boolean, withinMs: number): Promise<ReaderView> {
  const deadline = performance.now() + withinMs;
  let view = observer.look(reader);
  while (!accept(view) && performance.now() < deadline) {
    await sleep(POLL_MS);
    view = observer.look(reader);
  }
  return view;
}

const SCARD_E_SHARING_VIOLATION = 'SCARD_E_SHARING_VIOLATION';

/**
 * The holder takes the reader. If another process has it (a second sc-repro
 * run, scdaemon, a browser), the holder's own connect meets a sharing
 * violation: wait, as the observer sees it, until that process lets go, and
 * try again, all within --timeout. Meeting the other process's holder as our
 * contender would give a false verdict; this way one run waits for the other.
 */
async function takeReader(holder: RoleProcess, observer: Observer, reader: string, options: RunOptions): Promise<RoleMessage> {
  const timeoutMs = options.timeoutSeconds * 1000;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const held = await holder.answer(holder.request('hold', { plan: options.scenario.holder }), 'held', timeoutMs);
    throwIfInterrupted(options.signal);
    if (!held.message) throw await roleGone('holder', holder, held.timedOut, 'report holding the reader', options.timeoutSeconds);
    if (held.message.type !== 'failed') return held.message;
    const busy = (held.message.error as { name?: string } | undefined)?.name === SCARD_E_SHARING_VIOLATION;
    if (!busy) throw new Inconclusive(`the holder could not take the reader: ${held.message.message}`, hintOf(held.message));
    options.onPhase?.('the reader is busy: waiting for the other process to let go');
    const view = await lookUntil(observer, reader, (v) => !v.flags.includes('EXCLUSIVE') && !v.flags.includes('INUSE'), deadline - performance.now());
    if (performance.now() >= deadline) {
      throw new Inconclusive(
        `the reader is busy: another process holds it (${view.flags.join(' ')}) and did not let go within ${options.timeoutSeconds} s`,
        'close the program that holds it (`sc-repro readers` shows the state; for GnuPG: `gpgconf --kill scdaemon`), or raise --timeout',
      );
    }
    await sleep(POLL_MS);
  }
}

function hintOf(message: RoleMessage): string | null {
  return typeof message.hint === 'string' ? message.hint : null;
}

async function roleGone(
  name: 'holder' | 'contender',
  role: RoleProcess,
  timedOut: boolean,
  what: string,
  timeoutSeconds: number,
  failure?: RoleMessage | null,
): Promise<Inconclusive> {
  if (failure?.type === 'failed') return new Inconclusive(`the ${name} failed: ${failure.message}`, hintOf(failure));
  if (timedOut) return new Inconclusive(`the ${name} did not ${what} within ${timeoutSeconds} s`, 'raise --timeout, or check that no other process holds the reader');
  // A role that lost its card or its service says why on its way out.
  await settlesWithin(role.exited, 1000);
  const last = role.result();
  if (last?.ok === false && typeof last.message === 'string') {
    return new Inconclusive(`the ${name} stopped: ${last.message}`, typeof last.hint === 'string' ? last.hint : null);
  }
  return new Inconclusive(`the ${name} died before it could ${what}`, name === 'holder' ? 'run `sc-repro lock` by hand to see why' : 'run `sc-repro connect` by hand to see why');
}

function errorOf(message: RoleMessage): Omit<PcscErrorInfo, 'detail'> {
  return message.error as Omit<PcscErrorInfo, 'detail'>;
}

function connectObservation(message: RoleMessage): { observed: Observed; outcome: Outcome } {
  if (message.ok) return { observed: { ok: true, call: 'SCardConnect', protocol: String(message.protocol) }, outcome: { kind: 'success' } };
  const error = errorOf(message);
  return { observed: { ok: false, ...error }, outcome: { kind: 'error', name: error.name ?? error.hex } };
}

function transmitObservation(message: RoleMessage): { observed: Observed; outcome: Outcome } {
  if (message.ok) return { observed: { ok: true, call: 'SCardTransmit' }, outcome: { kind: 'success' } };
  const error = errorOf(message);
  if (!error) throw new Inconclusive(`the holder's transmit failed: ${message.message}`, hintOf(message));
  return { observed: { ok: false, ...error }, outcome: { kind: 'error', name: error.name ?? error.hex } };
}

function lateAnswer(message: RoleMessage, afterMs: number): LateAnswer {
  const name = message.ok ? 'SCARD_S_SUCCESS' : (errorOf(message).name ?? errorOf(message).hex);
  return { ok: Boolean(message.ok), name, afterMs: Math.round(afterMs) };
}
