// Runs one scenario across processes: a holder takes the reader, an observer
// (a third party) sees the precondition, a contender makes one attempt, and
// the holder confirms it still held the reader when the answer came.
import type { ReaderSelector } from '../cli/options.js';
import type { ReaderStatus } from '../pcsc/scard.js';
import type { PcscErrorInfo } from '../pcsc/pcsc-error.js';
import { reportFor, UsageError } from '../cli/errors.js';
import type { Outcome, Scenario } from '../scenarios/types.js';
import { EXIT } from '../cli/exit-codes.js';
import { RoleProcess, type RoleMessage } from './role-process.js';
import { judge, type Judgement } from './verdict.js';

export interface RunOptions {
  scenario: Scenario;
  reader?: ReaderSelector;
  holdSeconds: number;
  fullHold: boolean;
  timeoutSeconds: number;
  contenderEnv: Record<string, string>;
  /** Ctrl-C: children are stopped and the run is inconclusive. */
  signal?: AbortSignal;
  onPhase?: (phase: string) => void;
}

export interface Timeline {
  holderStarted: number | null;
  readerHeld: number | null;
  contenderStarted: number | null;
  attempt: number | null;
  answer: number | null;
  holderReleased: number | null;
  /** The hold as the holder measured it. */
  holdMs: number | null;
  /** SCardConnect's own duration, measured inside the contender. */
  connectLatencyMs: number | null;
  totalMs: number;
}

export type Observed =
  | { ok: true; protocol: string }
  | ({ ok: false } & Omit<PcscErrorInfo, 'detail'>)
  | { ok: false; blocked: true; afterMs: number };

export interface Evidence {
  /** Reader state flags the observer process saw while the holder held the reader. */
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

const round = (ms: number | null) => (ms === null ? null : Math.round(ms * 10) / 10);

/** The mark a share mode leaves on the reader state, as a third party sees it. */
const HELD_FLAG = { exclusive: 'EXCLUSIVE', shared: 'INUSE', direct: 'INUSE' } as const;

/** What a `readers --json` observer reports for one reader. */
function readerFrom(observer: RoleProcess, name: string): ReaderStatus {
  const report = observer.result() as { ok?: boolean; readers?: ReaderStatus[]; message?: string; hint?: string } | null;
  if (!report?.ok || !report.readers) {
    throw new Inconclusive(`the observer could not list readers: ${report?.message ?? observer.stderr()}`, report?.hint ?? null);
  }
  const status = report.readers.find((r) => r.reader === name);
  if (!status) throw new Inconclusive(`the observer does not see ${JSON.stringify(name)} any more`);
  return status;
}

/**
 * All three roles start at once, so their process start-up overlaps: the
 * holder connects; the contender opens its context and waits; the observer (a
 * `readers --json` process, which is a third party with a fresh context, as
 * pcsc-lite does not wake existing watchers on share-mode changes) waits too.
 * Once the holder reports the reader held, both are told to go. The holder is
 * released only after both answered, so the observer's look and the attempt
 * both fall inside one continuous hold.
 */
export async function runScenario(options: RunOptions): Promise<RunResult> {
  const { scenario } = options;
  const t0 = performance.timeOrigin + performance.now();
  const since = (epochMs: number | undefined) => (epochMs === undefined ? null : epochMs - t0);
  const now = () => performance.timeOrigin + performance.now() - t0;
  const timeoutMs = options.timeoutSeconds * 1000;

  const timeline: Timeline = {
    holderStarted: null, readerHeld: null, contenderStarted: null, attempt: null, answer: null,
    holderReleased: null, holdMs: null, connectLatencyMs: null, totalMs: 0,
  };
  const evidence: Evidence = { readerStateWhileHeld: null, holderHeldThroughAnswer: null, attemptInsideHold: null };
  const reader: RunResult['reader'] = { name: null, atr: null };
  const roles: RoleProcess[] = [];
  let observed: Observed | null = null;
  let outcome: Outcome | null = null;

  const aborted = () => {
    if (options.signal?.aborted) throw new Inconclusive('interrupted before the attempt completed');
  };
  const stopAll = () => Promise.all(roles.map((role) => role.stop()));
  const onAbort = () => void stopAll();
  options.signal?.addEventListener('abort', onAbort);

  try {
    aborted();
    const selector = options.reader ? selectorArgs(options.reader) : [];
    options.onPhase?.('starting the holder, the contender and the observer');
    const holder = new RoleProcess(['lock', ...selector, '--mode', scenario.holder.mode, '--hold', String(options.holdSeconds), '--json']);
    timeline.holderStarted = now();
    const contender = new RoleProcess(
      ['connect', ...selector, '--mode', scenario.contender.mode, '--protocol', scenario.contender.protocol, '--json', '--await-go'],
      options.contenderEnv,
    );
    timeline.contenderStarted = now();
    const observer = new RoleProcess(['readers', '--json', '--await-go']);
    roles.push(holder, contender, observer);

    const held = await holder.waitFor('held', timeoutMs);
    aborted();
    if (!held.message) throw holderFailure(holder, held.timedOut, options.timeoutSeconds);
    timeline.readerHeld = since(held.message.t);
    reader.name = String(held.message.reader);

    options.onPhase?.('contender connecting');
    contender.send({ type: 'go' });
    observer.send({ type: 'go' });
    const [answer] = await Promise.all([contender.waitFor('result', timeoutMs), observer.waitForResult(timeoutMs)]);
    aborted();

    const attempt = contender.messages.find((m) => m.type === 'attempt');
    timeline.attempt = since(attempt?.t);
    if (answer.message) {
      timeline.answer = since(answer.message.t);
      timeline.connectLatencyMs = round(answer.message.latencyMs as number);
      ({ observed, outcome } = observationOf(answer.message));
    } else if (answer.timedOut && attempt) {
      observed = { ok: false, blocked: true, afterMs: Math.round(now() - (timeline.attempt ?? 0)) };
      outcome = { kind: 'blocked' };
      await contender.stop();
    } else {
      await contender.stop();
      throw contenderFailure(contender, answer.timedOut, options.timeoutSeconds);
    }

    const seen = readerFrom(observer, reader.name);
    reader.atr = seen.atr;
    evidence.readerStateWhileHeld = seen.flags;

    options.onPhase?.('releasing the holder');
    if (!options.fullHold) holder.send({ type: 'release' });
    const released = await holder.waitFor('released', options.fullHold ? options.holdSeconds * 1000 + timeoutMs : timeoutMs);
    if (!released.message) throw holderFailure(holder, released.timedOut, options.timeoutSeconds, 'while holding');
    timeline.holderReleased = since(released.message.t);
    timeline.holdMs = released.message.heldMs as number;
    const answeredAt = timeline.answer ?? now();
    evidence.holderHeldThroughAnswer = timeline.holderReleased! >= answeredAt;
    evidence.attemptInsideHold =
      timeline.attempt !== null && timeline.attempt >= timeline.readerHeld! && answeredAt <= timeline.holderReleased!;
    await holder.exited;

    const flag = HELD_FLAG[scenario.holder.mode];
    if (!seen.flags.includes(flag)) {
      throw new Inconclusive(`the holder said it held the reader, but a third party saw ${seen.flags.join(' ') || 'no state'}, not ${flag}`);
    }
    if (!evidence.attemptInsideHold) {
      throw new Inconclusive('the attempt fell outside the hold window', 'raise --hold so the holder outlasts the attempt');
    }
    return finish(judge(scenario, outcome!), null);
  } catch (error) {
    await stopAll();
    if (error instanceof UsageError) throw error;
    if (error instanceof Inconclusive) return finish(inconclusive(error.message), error.hint);
    if (error instanceof Error) {
      const report = reportFor(error);
      return finish(inconclusive(report.message), report.hint ?? null);
    }
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    // A role that outlived the run (the observer after a failure) must not linger.
    await stopAll();
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

function selectorArgs(selector: ReaderSelector): string[] {
  return ['--reader', 'index' in selector ? String(selector.index) : selector.name];
}

function observationOf(message: RoleMessage): { observed: Observed; outcome: Outcome } {
  if (message.ok) return { observed: { ok: true, protocol: String(message.protocol) }, outcome: { kind: 'success' } };
  const error = message.error as Omit<PcscErrorInfo, 'detail'>;
  return { observed: { ok: false, ...error }, outcome: { kind: 'error', name: error.name ?? error.hex } };
}

function roleError(role: RoleProcess): { message: string; hint: string | null } {
  const result = role.result();
  if (result && typeof result.message === 'string') {
    return { message: result.message, hint: typeof result.hint === 'string' ? result.hint : null };
  }
  const stderr = role.stderr().split('\n').find((line) => line.startsWith('sc-repro: error:'));
  return { message: stderr?.replace('sc-repro: error: ', '') ?? 'it exited without a result', hint: null };
}

function holderFailure(holder: RoleProcess, timedOut: boolean, timeoutSeconds: number, when = 'before holding'): Inconclusive {
  // The holder is the first to read --reader: its usage error is the user's.
  if (holder.child.exitCode === EXIT.usage) throw new UsageError(roleError(holder).message);
  if (timedOut) return new Inconclusive(`the holder did not report ${when === 'before holding' ? 'holding the reader' : 'its release'} within ${timeoutSeconds} s`, 'raise --timeout, or check that no other process holds the reader');
  const exit = holder.child.signalCode ? `was killed by ${holder.child.signalCode}` : `exited with code ${holder.child.exitCode}`;
  const { message, hint: roleHint } = roleError(holder);
  return new Inconclusive(`the holder failed ${when} (${exit}): ${message}`, roleHint);
}

function contenderFailure(contender: RoleProcess, timedOut: boolean, timeoutSeconds: number): Inconclusive {
  if (timedOut) return new Inconclusive(`the contender did not attempt a connect within ${timeoutSeconds} s`, 'raise --timeout');
  const exit = contender.child.signalCode ? `was killed by ${contender.child.signalCode}` : `exited with code ${contender.child.exitCode}`;
  const { message, hint: roleHint } = roleError(contender);
  return new Inconclusive(`the contender failed (${exit}): ${message}`, roleHint);
}
