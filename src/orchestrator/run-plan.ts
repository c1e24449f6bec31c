// Runs scenarios, each repeated, on one pair of warm role processes and one
// observer context: the shape shared by `repro`, `repro --repeat` and `matrix`.
import { setFlagsFromString } from 'node:v8';
import { sleep, monotonicMs } from '../core/bounded-wait.js';
import { reportFor, UsageError } from '../core/errors.js';
import type { BindingInfo } from '../pcsc/binding.js';
import { BindingUnavailableError } from '../pcsc/load-binding.js';
import { PcscError } from '../pcsc/pcsc-error.js';
import { selectReader, type ReaderSelector } from '../pcsc/select-reader.js';
import type { RoleName } from '../roles/protocol.js';
import type { Scenario } from '../scenarios/types.js';
import { Observer, TracingObserver, type ReaderObserver } from './observer.js';
import { runOnce } from './run-scenario.js';
import { emptyEvidence, emptyTimeline, type PlanMemory, type RunOptions, type RunResult } from './run-types.js';
import { RunTally } from './summary.js';
import { WarmRoles, type RolePair } from './warm-roles.js';

export interface PlanOptions extends Omit<RunOptions, 'scenario' | 'reader'> {
  scenarios: readonly Scenario[];
  repeat: number;
  reader?: ReaderSelector;
  holderEnv: Record<string, string>;
  contenderEnv: Record<string, string>;
  /** With no card in the reader, wait this long for one. */
  waitCardSeconds?: number;
  onWaitingForCard?: (reader: string, seconds: number) => void;
  /** The reader is chosen: what only needs its name can start while the runs go on. */
  onReader?: (reader: string) => void;
  onProgress?: (done: number, total: number) => void;
  /** For tests: other roles and another third party than processes and the platform library. */
  roles?: RolePair;
  observer?: ReaderObserver;
}

export interface ScenarioRuns {
  scenario: Scenario;
  /** What the report needs of the runs so far: a --repeat of any length keeps one run whole, the one it shows. */
  runs: RunTally;
}

/** What a plan's runs gave: all a report needs. */
export interface PlanOutcome {
  results: ScenarioRuns[];
  /** The reader every run acted on, once chosen. */
  reader: string | null;
  /** Starting both role processes until both were ready. */
  startupMs: number | null;
  totalMs: number;
  /** Why the plan stopped before its end, when the environment went away. */
  stoppedEarly: string | null;
  /** The binding each role reported. */
  roleBindings: Partial<Record<RoleName, BindingInfo>>;
}

export interface PlanResult extends PlanOutcome {
  /**
   * Once both role processes have exited and the observer's context is closed. The plan is over before then: a
   * caller reports while the roles end (their exit is ~10 ms on the way to the report otherwise), and waits for this
   * before it ends, or before it takes the card out.
   */
  stopped: Promise<void>;
}

/** Consecutive runs that found the service, reader or card gone, after which repeating stops. */
export const GONE_RUNS_LIMIT = 3;

/**
 * A long plan allocates steadily, and V8 answers by growing its young
 * generation, once, from its start size to 16 MB semi-spaces: some 25 MB of
 * RSS that a soak cannot tell from a leak. V8 reads the growth factor each
 * time it would grow the space, so setting it to 1 keeps the space at its
 * start size for the rest of the process; the scavenges that come more often
 * instead cost nothing measurable beside the PC/SC calls of a run.
 */
function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

export async function runPlan(options: PlanOptions): Promise<PlanResult> {
  const started = monotonicMs();
  if (options.repeat * options.scenarios.length > 1) keepYoungGenerationSmall();
  const results: ScenarioRuns[] = options.scenarios.map((scenario) => ({ scenario, runs: new RunTally() }));
  const timeoutMs = options.timeoutSeconds * 1000;
  // The roles start now: their start-up overlaps the observer's and the reader's.
  const env: Record<RoleName, Record<string, string>> = { holder: options.holderEnv, contender: options.contenderEnv };
  const roles = options.roles ?? new WarmRoles(env, timeoutMs);
  roles.launch();
  const stopOnAbort = () => void roles.stop(true);
  options.signal?.addEventListener('abort', stopOnAbort);
  let markStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    markStopped = resolve;
  });
  const finish = (reader: string | null, stoppedEarly: string | null = null): PlanResult => ({
    results,
    reader,
    startupMs: roles.startupMs,
    totalMs: monotonicMs() - started,
    stoppedEarly,
    roleBindings: { ...roles.bindings },
    stopped,
  });

  let observer: ReaderObserver | undefined;
  let tracer: TracingObserver | null = null;
  let reader: string | null = null;
  try {
    try {
      const opened = options.observer ?? (await Observer.open());
      tracer = options.trace ? new TracingObserver(opened) : null;
      observer = tracer ?? opened;
      reader = selectReader(observer.readers(), options.reader);
      options.onReader?.(reader);
      if (options.waitCardSeconds) await waitForCard(observer, reader, options);
    } catch (error) {
      // Bad input, or a binding that cannot load: the run never started, and the error says what to do.
      if (error instanceof UsageError || error instanceof BindingUnavailableError) throw error;
      // Without a third party, a reader or a card, nothing can be shown: every scenario is inconclusive.
      const report = reportFor(error);
      const why = observer ? report.message : `the observer could not open a PC/SC context: ${report.message}`;
      for (const entry of results) entry.runs.add(unjudged(why, report.hint ?? null, reader));
      return finish(reader);
    }
    const total = options.scenarios.length * options.repeat;
    const memory: PlanMemory = { holdsUnseen: new Set() };
    let done = 0;
    const gone = { runs: 0, since: 0 };
    for (const entry of results) {
      for (let i = 0; i < options.repeat; i++) {
        // An interrupted run comes back inconclusive; it is the last one.
        const run = await runOnce({ roles, observer, tracer }, { ...options, scenario: entry.scenario, reader, memory });
        entry.runs.add(run);
        options.onProgress?.(++done, total);
        if (options.signal?.aborted) return finish(reader);
        gone.runs = run.environmentLost ? gone.runs + 1 : 0;
        if (gone.runs === 1) gone.since = monotonicMs();
        if (done < total && gone.runs > 0 && (gone.runs >= GONE_RUNS_LIMIT || monotonicMs() - gone.since > timeoutMs)) {
          return finish(reader, `stopped after ${done} of ${total} runs: ${run.reason}`);
        }
      }
    }
    return finish(reader);
  } finally {
    options.signal?.removeEventListener('abort', stopOnAbort);
    const closeObserver = () => {
      observer?.close();
      markStopped();
    };
    void roles.stop().then(closeObserver, closeObserver);
  }
}

const CARD_POLL_MS = 50;

/** --wait-card: the observer waits for a card before any role acts. */
async function waitForCard(observer: ReaderObserver, reader: string, options: PlanOptions): Promise<void> {
  const seconds = options.waitCardSeconds!;
  if (observer.look(reader).flags.includes('PRESENT')) return;
  options.onWaitingForCard?.(reader, seconds);
  const deadline = monotonicMs() + seconds * 1000;
  while (monotonicMs() < deadline) {
    if (options.signal?.aborted) return;
    await sleep(CARD_POLL_MS);
    if (observer.look(reader).flags.includes('PRESENT')) return;
  }
  throw PcscError.named(
    'SCARD_E_NO_SMARTCARD',
    'SCardGetStatusChange',
    `no card was inserted into ${JSON.stringify(reader)} within ${seconds} s`,
  );
}

function unjudged(reason: string, hintText: string | null, reader: string | null): RunResult {
  return {
    verdict: 'inconclusive',
    expected: null,
    knownBug: null,
    reason,
    hint: hintText,
    observed: null,
    outcome: null,
    reader: { name: reader, atr: null },
    timeline: emptyTimeline(),
    evidence: emptyEvidence(),
    notes: [],
    calls: [],
    environmentLost: true,
  };
}
