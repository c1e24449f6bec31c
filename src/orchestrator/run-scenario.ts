// One repetition of a scenario across processes. runOnce reads like
// docs/how-repro-decides.md: the roles are ready, the reader is ours, one
// hold (trial.ts: the holder takes the reader, a third party sees the hold,
// the contender acts, the holder releases), the observation is judged and,
// when another cause could imitate it, confirmed, and the reader is still
// ours at the end. Each step either records a fact or ends the run
// inconclusive with the reason.
import { epochMs, roundMs } from '../core/bounded-wait.js';
import { reportFor, UsageError } from '../core/errors.js';
import { EXIT, VERDICT_EXIT } from '../core/exit-codes.js';
import { formatHex } from '../pcsc/return-codes.js';
import { hint } from '../platform/hints.js';
import { platformId } from '../platform/platform-id.js';
import { judge, type Judgement } from '../scenarios/verdict.js';
import { putCardBack } from './card-events.js';
import { confirmDeviationRepeats, confirmWaitFollowsRelease, couldBeAnotherProcess } from './confirmations.js';
import type { ObserverCall, ReaderObserver, TracingObserver } from './observer.js';
import { onlyRolesOnReader } from './only-roles-on-reader.js';
import { Inconclusive, Run } from './run-state.js';
import { emptyEvidence, emptyTimeline, type RoleCall, type RunOptions, type RunResult, type TraceEntry } from './run-types.js';
import { trial } from './trial.js';
import { RoleStartError, type RolePair } from './warm-roles.js';

export interface RunContext {
  roles: RolePair;
  observer: ReaderObserver;
  /** With --trace: the observer as it records its calls, for the run's trace. */
  tracer?: TracingObserver | null;
}

export async function runOnce(context: RunContext, options: RunOptions): Promise<RunResult> {
  const started = epochMs();
  // --trace: the observer's calls since the last run are not this run's.
  context.tracer?.take();
  let run: Run | undefined;
  try {
    run = await rolesReady(context, options);
    cardCanBeTakenOut(run);
    await onlyRolesOnReader(run, 'before the holder took it', true);
    await trial(run);
    const judgement = judgeObservation(run);
    await confirmObservation(run, judgement);
    // 3 and 11: nobody else's hold, and the same service, to the end.
    await onlyRolesOnReader(run, 'after the run');
    return runResult(context, options, started, run, judgement);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    return await stoppedRun(context, options, started, run, error);
  } finally {
    run?.disarm();
    // A card the scenario took away goes back for the runs that follow (not when the user stopped the run).
    if (run?.cardLeftOut && !options.signal?.aborted) await putCardBack(run);
  }
}

/**
 * 1. The roles are up (process start-up is reported once per plan, not per
 * repetition): the holder, and the contender too if it acts before the hold;
 * otherwise the hold begins while the contender may still be starting, as
 * lock.py's did before connect.py was run, and the trial waits for it before
 * any of its steps (trial.ts). 2. The reader was chosen once, by the plan.
 */
async function rolesReady({ roles, observer }: RunContext, options: RunOptions): Promise<Run> {
  if (options.signal?.aborted) throw new Inconclusive('interrupted');
  options.onPhase?.('starting the holder and the contender');
  const { holder, contender } = options.scenario.contender.before?.length ? await roles.ready() : await roles.holderReady();
  return new Run(options, holder, contender, observer, roles);
}

/** A scenario that takes the card out needs a way to do it: the built-in card, or a person at a terminal. */
function cardCanBeTakenOut(run: Run): void {
  if (run.options.scenario.card && !run.options.card) {
    throw new Inconclusive('needs card removal: the card must be taken out of the reader during this scenario', hint('needsCardRemoval'));
  }
}

/** 12. The observation is judged against the scenario's data, for this platform. */
function judgeObservation(run: Run): Judgement {
  const { platform } = run.options;
  return judge(run.options.scenario, run.outcome!, platform === undefined ? platformId() : platform);
}

/** A deviation is what exits 1, as matrixExit reads it too. */
const isDeviation = (judgement: Judgement) => VERDICT_EXIT[judgement.verdict] === EXIT.failed;

/** 7 and 8: a blocked act, or a deviation another process could cause unseen, is confirmed, or the run ends inconclusive. */
async function confirmObservation(run: Run, judgement: Judgement): Promise<void> {
  if (run.outcome!.kind === 'blocked') return confirmWaitFollowsRelease(run);
  if (!isDeviation(judgement)) return;
  const cause = couldBeAnotherProcess(run.options.scenario, run.outcome!);
  if (cause) await confirmDeviationRepeats(run, cause);
}

/** A run that could not be judged: the roles, in an unknown state, are stopped so that none serves the next repetition. */
async function stoppedRun(
  context: RunContext,
  options: RunOptions,
  started: number,
  run: Run | undefined,
  error: unknown,
): Promise<RunResult> {
  run?.disarm();
  await context.roles.stop(options.signal?.aborted);
  // Whatever failed on the way, a run the user interrupted says so.
  const cause = options.signal?.aborted ? new Inconclusive('interrupted') : asInconclusive(error);
  const judgement: Judgement = { verdict: 'inconclusive', expected: null, knownBug: null, reason: cause.message };
  return runResult(context, options, started, run, judgement, cause.hint, cause.environmentLost);
}

function runResult(
  { tracer }: RunContext,
  options: RunOptions,
  started: number,
  facts: Run | undefined,
  judgement: Judgement,
  hintText: string | null = null,
  environmentLost = false,
): RunResult {
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

function asInconclusive(error: unknown): Inconclusive {
  if (error instanceof Inconclusive) return error;
  if (error instanceof RoleStartError)
    return new Inconclusive(error.message, error.hint, error.gone?.stopping?.exitCode === EXIT.environment);
  const report = reportFor(error);
  return new Inconclusive(report.message, report.hint ?? null);
}
