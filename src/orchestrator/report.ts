// The report of one run: the JSON schema users attach to bug reports. The
// text and markdown renderers read this object, never the run's internals.
import { matrixExit, type ExitCode, type Verdict } from '../core/exit-codes.js';
import type { Environment } from '../platform/environment.js';
import { platformId } from '../platform/platform-id.js';
import { returnCodeByName, formatHex } from '../pcsc/return-codes.js';
import type { Scenario, KnownBug, Outcome } from '../scenarios/types.js';
import { expectedOn } from '../scenarios/verdict.js';
import type { RunResult } from './run-scenario.js';
import { outcomeName } from '../scenarios/types.js';
import { overallVerdict, summarize, type RepeatSummary } from './summary.js';
import type { PlanResult } from './run-plan.js';

export const SCHEMA_VERSION = 1;

export interface ExpectedJson {
  name: string;
  hex: string | null;
  message: string | null;
  /** The protocol a success must report, where the scenario says. */
  protocol?: string;
}

export interface ReproReport {
  schemaVersion: typeof SCHEMA_VERSION;
  verdict: Verdict;
  reason: string;
  hint: string | null;
  scenario: { id: string; title: string; summary: string };
  expected: ExpectedJson | null;
  observed: RunResult['observed'];
  knownBug: KnownBug | null;
  reader: RunResult['reader'];
  timeline: RunResult['timeline'];
  evidence: RunResult['evidence'];
  /** What proved that the holder held the reader while the judged call was made. */
  precondition: { evidence: RunResult['evidence']['precondition'] };
  /** Calls other than the judged one that failed without breaking the precondition. */
  notes: string[];
  /** Starting the holder and contender processes until both were ready. */
  startupMs: number | null;
  /** Set when --repeat stopped before its end because the service, reader or card was gone. */
  stoppedEarly: string | null;
  /** With --repeat N > 1: the tally and spread over all runs; the fields above describe one representative run. */
  repeat?: RepeatSummary;
  environment: Environment;
  command: string;
}

export function outcomeJson(outcome: Outcome | null): ExpectedJson | null {
  if (!outcome) return null;
  if (outcome.kind === 'blocked') return { name: 'blocked', hex: null, message: 'the call waits for the holder to let go' };
  if (outcome.kind === 'answered') return { name: 'answered', hex: null, message: 'any answer, without waiting for the holder' };
  const name = outcome.kind === 'success' ? 'SCARD_S_SUCCESS' : outcome.name;
  const code = returnCodeByName(name);
  const protocol = outcome.kind === 'success' && outcome.protocol !== undefined ? { protocol: outcome.protocol } : {};
  return { name, hex: code ? formatHex(code.code) : null, message: code?.message ?? null, ...protocol };
}

/**
 * The report of one scenario's runs. With several runs the verdict is the
 * overall one and the detail fields come from the first run that gave it.
 */
export function buildReport(
  scenario: Scenario,
  runs: readonly RunResult[],
  environment: Environment,
  command: string,
  plan: Pick<PlanResult, 'startupMs' | 'stoppedEarly'> = { startupMs: null, stoppedEarly: null },
): ReproReport {
  const verdict = overallVerdict(runs.map((run) => run.verdict));
  const result = runs.find((run) => run.verdict === verdict) ?? runs[0]!;
  const summary = runs.length > 1 ? summarize(runs) : undefined;
  return {
    schemaVersion: SCHEMA_VERSION,
    verdict,
    reason: [summary && `${verdict} in ${summary.verdicts[verdict]}/${summary.count} runs`, result.reason, plan.stoppedEarly].filter(Boolean).join('; '),
    hint: result.hint,
    scenario: { id: scenario.id, title: scenario.title, summary: scenario.summary },
    expected: outcomeJson(result.expected ?? expectedOn(scenario, platformId(environment.platform))),
    observed: result.observed,
    knownBug: result.knownBug,
    reader: result.reader,
    timeline: result.timeline,
    evidence: result.evidence,
    precondition: { evidence: result.evidence.precondition },
    notes: [...new Set(runs.flatMap((run) => run.notes))],
    startupMs: plan.startupMs === null ? null : Math.round(plan.startupMs),
    stoppedEarly: plan.stoppedEarly,
    ...(summary ? { repeat: summary } : {}),
    environment,
    command,
  };
}

export interface MatrixRow {
  scenario: { id: string; title: string };
  verdict: Verdict;
  reason: string;
  expected: ExpectedJson | null;
  /** The observed outcome's name: a PC/SC name, `blocked`, or null when there was no answer. */
  observed: string | null;
  knownBug: KnownBug | null;
  connectLatencyMs: number | null;
  /** The whole run of that scenario, in ms. */
  runMs: number;
  /** Calls other than the judged one that failed without breaking the precondition. */
  notes: string[];
  precondition: ReproReport['precondition'];
  repeat?: RepeatSummary;
}

export interface MatrixReport {
  schemaVersion: typeof SCHEMA_VERSION;
  kind: 'matrix';
  /** 0 all as expected, 1 any deviation, 2 anything inconclusive (and no deviation). */
  exitCode: ExitCode;
  rows: MatrixRow[];
  /** Scenarios an interruption (Ctrl-C), or the environment going away, kept from running. */
  notRun: string[];
  /** Set when the run stopped before its end because the service, reader or card was gone. */
  stoppedEarly: string | null;
  reader: string | null;
  startupMs: number | null;
  totalMs: number;
  environment: Environment;
  command: string;
}

export function buildMatrixReport(plan: PlanResult, environment: Environment, command: string): MatrixReport {
  const ran = plan.results.filter((entry) => entry.runs.length > 0);
  const rows = ran.map(({ scenario, runs }): MatrixRow => {
    const report = buildReport(scenario, runs, environment, command);
    const shown = runs.find((run) => run.verdict === report.verdict) ?? runs[0];
    return {
      scenario: { id: scenario.id, title: scenario.title },
      verdict: report.verdict,
      reason: report.reason,
      expected: report.expected,
      observed: shown?.outcome ? outcomeName(shown.outcome) : null,
      knownBug: report.knownBug,
      connectLatencyMs: shown?.timeline.connectLatencyMs ?? null,
      runMs: shown?.timeline.totalMs ?? 0,
      notes: report.notes,
      precondition: report.precondition,
      ...(report.repeat ? { repeat: report.repeat } : {}),
    };
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'matrix',
    exitCode: matrixExit(rows.map((row) => row.verdict)),
    rows,
    notRun: plan.results.filter((entry) => entry.runs.length === 0).map((entry) => entry.scenario.id),
    stoppedEarly: plan.stoppedEarly,
    reader: plan.reader,
    startupMs: plan.startupMs === null ? null : Math.round(plan.startupMs),
    totalMs: Math.round(plan.totalMs),
    environment,
    command,
  };
}

/** A command line as a user would type it in a POSIX shell; for display only, never executed. */
export function shellQuote(args: readonly string[]): string {
  return args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}
