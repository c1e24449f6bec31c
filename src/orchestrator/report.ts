// The report of one run: the JSON schema users attach to bug reports. The
// text and markdown renderers read this object, never the run's internals.
import type { Environment } from '../platform/environment.js';
import { platformId, type Scenario, type KnownBug, type Outcome } from '../scenarios/types.js';
import { returnCodeByName, formatHex } from '../pcsc/return-codes.js';
import type { RunResult } from './run-scenario.js';
import type { Verdict } from './verdict.js';
import { outcomeName, overallVerdict, summarize, type RepeatSummary } from './summary.js';
import type { PlanResult } from './run-plan.js';

export const SCHEMA_VERSION = 1;

export interface ExpectedJson {
  name: string;
  hex: string | null;
  message: string | null;
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
  /** Starting the holder and contender processes until both had the reader open. */
  startupMs: number | null;
  /** With --repeat N > 1: the tally and spread over all runs; the fields above describe one representative run. */
  repeat?: RepeatSummary;
  environment: Environment;
  command: string;
}

export function outcomeJson(outcome: Outcome | null): ExpectedJson | null {
  if (!outcome) return null;
  if (outcome.kind === 'blocked') return { name: 'blocked', hex: null, message: 'the call had not returned' };
  const name = outcome.kind === 'success' ? 'SCARD_S_SUCCESS' : outcome.name;
  const code = returnCodeByName(name);
  return { name, hex: code ? formatHex(code.code) : null, message: code?.message ?? null };
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
  startupMs: number | null = null,
): ReproReport {
  const verdict = overallVerdict(runs.map((run) => run.verdict));
  const result = runs.find((run) => run.verdict === verdict) ?? runs[0]!;
  const summary = runs.length > 1 ? summarize(runs) : undefined;
  return {
    schemaVersion: SCHEMA_VERSION,
    verdict,
    reason: summary ? `${verdict} in ${summary.verdicts[verdict]}/${summary.count} runs; ${result.reason}` : result.reason,
    hint: result.hint,
    scenario: { id: scenario.id, title: scenario.title, summary: scenario.summary },
    expected: outcomeJson(result.expected ?? expectedFor(scenario, environment.platform)),
    observed: result.observed,
    knownBug: result.knownBug,
    reader: result.reader,
    timeline: result.timeline,
    evidence: result.evidence,
    startupMs: startupMs === null ? null : Math.round(startupMs),
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
  repeat?: RepeatSummary;
}

export interface MatrixReport {
  schemaVersion: typeof SCHEMA_VERSION;
  kind: 'matrix';
  /** 0 all as expected, 1 any deviation, 2 anything inconclusive (and no deviation). */
  exitCode: 0 | 1 | 2;
  rows: MatrixRow[];
  /** Scenarios an interruption (Ctrl-C) kept from running. */
  notRun: string[];
  reader: string | null;
  startupMs: number | null;
  totalMs: number;
  environment: Environment;
  command: string;
}

export function matrixExitCode(verdicts: readonly Verdict[]): 0 | 1 | 2 {
  if (verdicts.some((verdict) => verdict === 'bug-reproduced' || verdict === 'unexpected')) return 1;
  if (verdicts.includes('inconclusive')) return 2;
  return 0;
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
      ...(report.repeat ? { repeat: report.repeat } : {}),
    };
  });
  const reader = plan.results.flatMap((entry) => entry.runs).find((run) => run.reader.name)?.reader.name ?? null;
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'matrix',
    // No-reference rows are reported but neither pass nor fail the matrix.
    exitCode: matrixExitCode(rows.map((row) => row.verdict)),
    rows,
    notRun: plan.results.filter((entry) => entry.runs.length === 0).map((entry) => entry.scenario.id),
    reader,
    startupMs: plan.startupMs === null ? null : Math.round(plan.startupMs),
    totalMs: Math.round(plan.totalMs),
    environment,
    command,
  };
}

/** What this platform should answer, even when the run ended before an answer. */
function expectedFor(scenario: Scenario, platform: string): Outcome | null {
  const id = platformId(platform);
  return (id && scenario.expected[id]) ?? null;
}

/** A command line as a user would type it in a POSIX shell; for display only, never executed. */
export function shellQuote(args: readonly string[]): string {
  return args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}
