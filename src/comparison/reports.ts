// What `compare` reads: a `matrix --json` or `repro --json` report, from any
// machine and any sc-repro release that wrote a schema version this one
// knows. The file is someone else's: nothing in it is trusted to have the
// shape the schema promises, so each field is checked where it is read, and a
// file that is not a report says why in one line.
import { VERDICTS, type Verdict } from '../core/exit-codes.js';
import { roleEnvironment } from './role-environment.js';

/** How a cell's runs ended, as the table shows it. */
export const MARKS = ['as-expected', 'known-bug', 'unexpected', 'inconclusive', 'no-reference'] as const;
export type Mark = (typeof MARKS)[number];

export const MARK_OF_VERDICT: Record<Verdict, Mark> = {
  'not-affected': 'as-expected',
  'bug-reproduced': 'known-bug',
  unexpected: 'unexpected',
  inconclusive: 'inconclusive',
  'no-reference': 'no-reference',
};

/** Runs of one scenario that ended the same way. */
export interface Outcome {
  mark: Mark;
  /** The observed outcome's name (a PC/SC name, `blocked`), null when the report does not say it for these runs. */
  observed: string | null;
  /** The known bug's id, for `known-bug`. */
  knownBug: string | null;
  /** Why, for the marks that need one (inconclusive, unexpected, no reference): the report's own reason. */
  reason: string | null;
  runs: number;
}

export interface ScenarioResult {
  id: string;
  title: string;
  /** The scenario's definition digest, null in reports written before sc-repro recorded it. */
  digest: string | null;
  outcomes: Outcome[];
}

/**
 * The stack a report ran on, as the report names it: what makes two reports
 * one column. The role environment (`--holder-env`, `--contender-env`) is part
 * of it: an interposer given to a role changes what answers.
 */
export interface StackIdentity {
  os: string;
  osVersion: string;
  osBuild: string | null;
  platform: string;
  arch: string;
  pcscService: string | null;
  pcscClient: string | null;
  binding: {
    name: string;
    version: string | null;
    library: string;
    layout: string;
    roles: { holder: string | null; contender: string | null };
  } | null;
  /** `role KEY=VALUE`, in the order the command line gave them. */
  roleEnvironment: string[];
}

export interface ComparableReport {
  file: string;
  command: 'matrix' | 'repro';
  stack: StackIdentity;
  results: ScenarioResult[];
  /** Scenarios the run was asked for and did not get to (an interruption, the environment gone). */
  notRun: string[];
}

export type ReadResult =
  | { kind: 'report'; report: ComparableReport }
  /** sc-repro's own error output of a run that produced no report (no reader, no service): nothing to compare, not a bad file. */
  | { kind: 'no-report'; file: string; message: string }
  | { kind: 'unusable'; file: string; why: string };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const isVerdict = (value: unknown): value is Verdict => VERDICTS.includes(value as Verdict);

class NotAReport extends Error {}

function need<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new NotAReport(what);
  return value;
}

function stackOf(environment: unknown, commandLine: string | null): StackIdentity {
  if (!isObject(environment)) throw new NotAReport('it has no environment');
  const field = (name: string) => need(text(environment[name]), `its environment has no ${name}`);
  const binding = isObject(environment.binding) ? environment.binding : null;
  const roles = binding && isObject(binding.roles) ? binding.roles : {};
  const platform = field('platform');
  return {
    os: field('os'),
    osVersion: field('osVersion'),
    osBuild: text(environment.osBuild),
    platform,
    arch: field('arch'),
    pcscService: text(environment.pcscService),
    pcscClient: text(environment.pcscClient),
    binding: binding
      ? {
          name: need(text(binding.name), 'its binding has no name'),
          version: text(binding.version),
          library: need(text(binding.library), 'its binding has no library'),
          layout: need(text(binding.layout), 'its binding has no layout'),
          roles: { holder: text(roles.holder), contender: text(roles.contender) },
        }
      : null,
    roleEnvironment: commandLine === null ? [] : roleEnvironment(commandLine, platform === 'win32' ? 'powershell' : 'posix'),
  };
}

function scenarioOf(value: unknown, where: string): { id: string; title: string; digest: string | null } {
  if (!isObject(value)) throw new NotAReport(`${where} has no scenario`);
  return {
    id: need(text(value.id), `${where} has no scenario id`),
    title: text(value.title) ?? '',
    digest: text(value.digest),
  };
}

/**
 * The outcomes of one scenario's runs. With --repeat the report tallies
 * verdicts and observed outcomes separately, and details one run: the other
 * verdicts get their observed outcome only where the tally leaves no doubt.
 */
function outcomesOf(row: Json, observed: string | null, where: string): Outcome[] {
  const verdict = row.verdict;
  if (!isVerdict(verdict)) throw new NotAReport(`${where} has a verdict sc-repro does not know (${JSON.stringify(verdict)})`);
  const knownBug = isObject(row.knownBug) ? text(row.knownBug.id) : null;
  const reason = verdict === 'not-affected' || verdict === 'bug-reproduced' ? null : text(row.reason);
  const shown: Outcome = { mark: MARK_OF_VERDICT[verdict], observed, knownBug, reason, runs: 1 };
  const repeat = isObject(row.repeat) ? row.repeat : null;
  const verdicts = repeat && isObject(repeat.verdicts) ? repeat.verdicts : null;
  if (!verdicts) return [shown];
  const outcomes = isObject(repeat!.outcomes) ? { ...repeat!.outcomes } : {};
  if (observed !== null && typeof outcomes[observed] === 'number')
    outcomes[observed] = (outcomes[observed] as number) - (verdicts[verdict] as number);
  const left = Object.entries(outcomes).filter(([, count]) => typeof count === 'number' && count > 0);
  const others = Object.entries(verdicts).filter(([other, runs]) => other !== verdict && runs !== 0).length;
  return Object.entries(verdicts).flatMap(([other, runs]): Outcome[] => {
    if (!isVerdict(other)) throw new NotAReport(`${where} tallies a verdict sc-repro does not know (${JSON.stringify(other)})`);
    if (typeof runs !== 'number' || !Number.isInteger(runs) || runs < 0) throw new NotAReport(`${where} has a tally that is not a count`);
    if (runs === 0) return [];
    if (other === verdict) return [{ ...shown, runs }];
    const only = others === 1 && left.length === 1 && left[0]![1] === runs && left[0]![0] !== 'none' ? left[0]![0] : null;
    return [{ mark: MARK_OF_VERDICT[other], observed: only, knownBug: null, reason: null, runs }];
  });
}

/** A repro report's observation, named as a matrix row names it (outcomeName). */
function reproObserved(report: Json): string | null {
  const observed = report.observed;
  if (!isObject(observed)) return null;
  if (observed.blocked === true) return 'blocked';
  if (observed.ok === true) {
    // The matrix names the protocol only where the scenario's expectation does.
    const protocol = isObject(report.expected) && text(report.expected.protocol) !== null ? text(observed.protocol) : null;
    return protocol === null ? 'SCARD_S_SUCCESS' : `SCARD_S_SUCCESS (protocol ${protocol})`;
  }
  return text(observed.name) ?? text(observed.hex);
}

function matrixResults(report: Json): ScenarioResult[] {
  if (!Array.isArray(report.rows)) throw new NotAReport('a matrix report without rows');
  return report.rows.map((row, index) => {
    const where = `row ${index + 1}`;
    if (!isObject(row)) throw new NotAReport(`${where} is not an object`);
    return { ...scenarioOf(row.scenario, where), outcomes: outcomesOf(row, text(row.observed), where) };
  });
}

function reproResults(report: Json): ScenarioResult[] {
  return [{ ...scenarioOf(report.scenario, 'the report'), outcomes: outcomesOf(report, reproObserved(report), 'the report') }];
}

/**
 * One file's text, read as a report. `schemaVersions` are the versions this
 * sc-repro reads; a later one may mean fields that say something else.
 */
export function readReport(file: string, content: string, schemaVersions: readonly number[]): ReadResult {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    const why = content.trim() === '' ? 'the file is empty' : (error as Error).message.split('\n')[0];
    return { kind: 'unusable', file, why: `not JSON (${why})` };
  }
  if (!isObject(value) || !('schemaVersion' in value) || typeof value.command !== 'string')
    return { kind: 'unusable', file, why: 'not an sc-repro report (no schemaVersion and command)' };
  if (!schemaVersions.includes(value.schemaVersion as number))
    return {
      kind: 'unusable',
      file,
      why: `schemaVersion ${JSON.stringify(value.schemaVersion)} is not one this sc-repro reads (${schemaVersions.join(', ')}); a newer sc-repro may compare it`,
    };
  const command = value.command;
  if (command !== 'matrix' && command !== 'repro')
    return { kind: 'unusable', file, why: `sc-repro's \`${command}\` output, not a matrix or repro report` };
  if (value.ok === false && typeof value.message === 'string' && !('environment' in value))
    return { kind: 'no-report', file, message: value.message };
  try {
    const commandLine = text(value.commandLine);
    return {
      kind: 'report',
      report: {
        file,
        command,
        stack: stackOf(value.environment, commandLine),
        results: command === 'matrix' ? matrixResults(value) : reproResults(value),
        notRun: Array.isArray(value.notRun) ? value.notRun.filter((id): id is string => typeof id === 'string') : [],
      },
    };
  } catch (error) {
    if (error instanceof NotAReport) return { kind: 'unusable', file, why: `not a usable ${command} report: ${error.message}` };
    throw error;
  }
}
