// The report of one run: the JSON schema users attach to bug reports. The
// text and markdown renderers read this object, never the run's internals.
import type { Environment } from '../platform/environment.js';
import { platformId, type Scenario, type KnownBug, type Outcome } from '../scenarios/types.js';
import { returnCodeByName, formatHex } from '../pcsc/return-codes.js';
import type { RunResult } from './run-scenario.js';
import type { Verdict } from './verdict.js';

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

export function buildReport(scenario: Scenario, result: RunResult, environment: Environment, command: string): ReproReport {
  return {
    schemaVersion: SCHEMA_VERSION,
    verdict: result.verdict,
    reason: result.reason,
    hint: result.hint,
    scenario: { id: scenario.id, title: scenario.title, summary: scenario.summary },
    expected: outcomeJson(result.expected ?? expectedFor(scenario, environment.platform)),
    observed: result.observed,
    knownBug: result.knownBug,
    reader: result.reader,
    timeline: result.timeline,
    evidence: result.evidence,
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
