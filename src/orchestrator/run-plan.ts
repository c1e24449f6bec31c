// Runs scenarios, each repeated, on one pair of warm role processes and one
// observer context: the shape shared by `repro`, `repro --repeat` and `matrix`.
import type { ReaderSelector } from '../cli/options.js';
import { reportFor } from '../cli/errors.js';
import type { Scenario } from '../scenarios/types.js';
import { Observer } from './observer.js';
import { runOnce, type RunOptions, type RunResult } from './run-scenario.js';
import { WarmRoles } from './warm-roles.js';

export interface PlanOptions extends Omit<RunOptions, 'scenario'> {
  scenarios: readonly Scenario[];
  repeat: number;
  reader?: ReaderSelector;
  holderEnv: Record<string, string>;
  contenderEnv: Record<string, string>;
  /** With no card in the reader, the roles wait this long for one. */
  waitCardSeconds?: number;
  onWaitingForCard?: (reader: string, seconds: number) => void;
  onProgress?: (done: number, total: number) => void;
}

export interface ScenarioRuns {
  scenario: Scenario;
  runs: RunResult[];
}

export interface PlanResult {
  results: ScenarioRuns[];
  /** Starting both role processes until both were ready. */
  startupMs: number | null;
  totalMs: number;
}

export async function runPlan(options: PlanOptions): Promise<PlanResult> {
  const started = performance.now();
  const results: ScenarioRuns[] = options.scenarios.map((scenario) => ({ scenario, runs: [] }));
  const roles = new WarmRoles({
    selector: options.reader,
    env: { holder: options.holderEnv, contender: options.contenderEnv },
    timeoutMs: options.timeoutSeconds * 1000,
    waitCardSeconds: options.waitCardSeconds,
    onWaitingForCard: options.onWaitingForCard,
  });
  const total = options.scenarios.length * options.repeat;
  let observer: Observer | undefined;
  const stopOnAbort = () => void roles.stop(true);
  options.signal?.addEventListener('abort', stopOnAbort);
  try {
    observer = await Observer.open();
  } catch (error) {
    // Without a third party the precondition cannot be shown: every run is inconclusive.
    const report = reportFor(error);
    for (const entry of results) entry.runs.push(unobservable(`the observer could not open a PC/SC context: ${report.message}`, report.hint ?? null));
    return { results, startupMs: null, totalMs: performance.now() - started };
  }
  try {
    let done = 0;
    plan: for (const entry of results) {
      for (let i = 0; i < options.repeat; i++) {
        // An interrupted run comes back inconclusive; it is the last one.
        entry.runs.push(await runOnce(roles, observer, { ...options, scenario: entry.scenario }));
        options.onProgress?.(++done, total);
        if (options.signal?.aborted) break plan;
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', stopOnAbort);
    await roles.stop();
    observer.close();
  }
  return { results, startupMs: roles.startupMs, totalMs: performance.now() - started };
}

function unobservable(reason: string, hint: string | null): RunResult {
  return {
    verdict: 'inconclusive',
    expected: null,
    knownBug: null,
    reason,
    hint,
    observed: null,
    outcome: null,
    reader: { name: null, atr: null },
    timeline: { holderStarted: null, readerHeld: null, contenderStarted: null, attempt: null, answer: null, holderReleased: null, holdMs: null, connectLatencyMs: null, totalMs: 0 },
    evidence: { readerStateWhileHeld: null, holderHeldThroughAnswer: null, attemptInsideHold: null },
  };
}
