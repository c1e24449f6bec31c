// The report of one run: the JSON schema users attach to bug reports. The
// text and markdown renderers read this object, never the run's internals.
import { matrixExit, VERDICT_EXIT, type ExitCode, type Verdict } from '../core/exit-codes.js';
import type { Environment } from '../platform/environment.js';
import { platformId } from '../platform/platform-id.js';
import { returnCodeByName, formatHex } from '../pcsc/return-codes.js';
import type { Scenario, KnownBug, Outcome } from '../scenarios/types.js';
import { expectedOn } from '../scenarios/verdict.js';
import type { RunResult, TraceEntry } from './run-types.js';
import { outcomeName } from '../scenarios/types.js';
import type { RunTally, RepeatSummary } from './summary.js';
import type { PlanOutcome } from './run-plan.js';
import { hasUnsafeCharacters, hex4, unicodeEscape, UNSAFE_CHARACTERS } from '../core/unsafe-text.js';
import type { ReaderDriver } from './reader-driver.js';
import { catalogIdentity, scenarioDigest, scenarioSteps, type CatalogIdentity, type ScenarioSteps } from '../scenarios/catalog.js';

export interface ExpectedJson {
  name: string;
  hex: string | null;
  message: string | null;
  /** The protocol a success must report, where the scenario says. */
  protocol?: string;
}

export interface ReproReport {
  verdict: Verdict;
  /** The exit code the verdict gives (VERDICT_EXIT). */
  exitCode: ExitCode;
  reason: string;
  hint: string | null;
  /** `digest` identifies the scenario's definition (scenarioDigest): two reports with the same id and digest ran the same scenario. */
  scenario: { id: string; title: string; summary: string; digest: string };
  /** The catalog this sc-repro ships (catalogIdentity). */
  catalog: CatalogIdentity;
  /** Every PC/SC call each role makes, in order: what ran. */
  steps: ScenarioSteps;
  /** The same by hand in two terminals, where the scenario is one connect against a hold. */
  manual: { holder: string; contender: string } | null;
  expected: ExpectedJson | null;
  observed: RunResult['observed'];
  knownBug: KnownBug | null;
  reader: RunResult['reader'] & { driver: ReaderDriver | null };
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
  /** The command line, quoted for the shell of the platform it ran on. */
  commandLine: string;
  /** With --trace: every PC/SC call of the holder, the contender and the observer, on one timeline. */
  trace?: TraceEntry[];
}

/** What a report knows beyond the runs: the reader's driver, read once after them. */
export interface ReportFacts {
  driver?: ReaderDriver | null;
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
 * The report of one scenario's runs (at least one). With several runs the
 * verdict is the overall one and the detail fields come from the first run
 * that gave it.
 */
export function buildReport(
  scenario: Scenario,
  tally: RunTally,
  environment: Environment,
  commandLine: string,
  plan: Pick<PlanOutcome, 'startupMs' | 'stoppedEarly'> = { startupMs: null, stoppedEarly: null },
  facts: ReportFacts = {},
): ReproReport {
  const verdict = tally.verdict;
  const result = tally.shown!;
  const summary = tally.count > 1 ? tally.summary() : undefined;
  return {
    verdict,
    exitCode: VERDICT_EXIT[verdict],
    reason: [summary && `${verdict} in ${summary.verdicts[verdict]}/${summary.count} runs`, result.reason, plan.stoppedEarly]
      .filter(Boolean)
      .join('; '),
    hint: result.hint,
    scenario: { id: scenario.id, title: scenario.title, summary: scenario.summary, digest: scenarioDigest(scenario) },
    catalog: catalogIdentity(),
    steps: scenarioSteps(scenario),
    manual: manualSteps(scenario, result.reader.name, shellFor(environment.platform)),
    expected: outcomeJson(result.expected ?? expectedOn(scenario, platformId(environment.platform))),
    observed: result.observed,
    knownBug: result.knownBug,
    reader: { ...result.reader, driver: facts.driver ?? null },
    timeline: result.timeline,
    evidence: result.evidence,
    precondition: { evidence: result.evidence.precondition },
    notes: tally.notes(),
    startupMs: plan.startupMs === null ? null : Math.round(plan.startupMs),
    stoppedEarly: plan.stoppedEarly,
    ...(summary ? { repeat: summary } : {}),
    environment,
    commandLine,
    ...(result.trace ? { trace: result.trace } : {}),
  };
}

/** How long `lock` holds in the two-terminal steps: time enough to start `connect` by hand. */
export const MANUAL_HOLD_SECONDS = 10;

/**
 * The two-terminal equivalent, where there is one: a plain hold (no APDU,
 * no transaction) and one connect against it, judged, with nothing else
 * around. `lock` and `connect` are the ports of the original two scripts.
 */
export function manualSteps(scenario: Scenario, reader: string | null, shell: Shell): ReproReport['manual'] {
  const { holder, contender, judge } = scenario;
  const [step, ...rest] = contender.act;
  if (
    holder.transmit ||
    holder.transaction ||
    contender.before?.length ||
    rest.length ||
    step?.call !== 'SCardConnect' ||
    judge.role !== 'contender' ||
    scenario.card ||
    scenario.contenderActsAfterRelease
  )
    return null;
  const at = reader === null ? [] : ['--reader', reader];
  return {
    holder: shellQuote(['sc-repro', 'lock', ...at, '--mode', holder.mode, '--hold', String(MANUAL_HOLD_SECONDS)], shell),
    contender: shellQuote(
      [
        'sc-repro',
        'connect',
        ...at,
        '--mode',
        step.mode,
        ...(step.protocol && step.protocol !== 'any' ? ['--protocol', step.protocol] : []),
      ],
      shell,
    ),
  };
}

export interface MatrixRow {
  /** `digest`: the scenario's definition (scenarioDigest). */
  scenario: { id: string; title: string; digest: string };
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
  /** With --trace: every call of the run shown. */
  trace?: TraceEntry[];
}

export interface MatrixReport {
  /** 0 all as expected, 1 any deviation, 2 anything inconclusive (and no deviation). */
  exitCode: ExitCode;
  /** The catalog this sc-repro ships (catalogIdentity); each row's scenario carries its own digest. */
  catalog: CatalogIdentity;
  rows: MatrixRow[];
  /** Scenarios an interruption (Ctrl-C), or the environment going away, kept from running. */
  notRun: string[];
  /** Set when the run stopped before its end because the service, reader or card was gone. */
  stoppedEarly: string | null;
  reader: string | null;
  /** The reader's driver, read once after the runs. */
  driver: ReaderDriver | null;
  startupMs: number | null;
  totalMs: number;
  environment: Environment;
  commandLine: string;
}

export function buildMatrixReport(plan: PlanOutcome, environment: Environment, commandLine: string, facts: ReportFacts = {}): MatrixReport {
  const results = plan.results.map(({ scenario, runs }) => ({ scenario, tally: runs }));
  const ran = results.filter((entry) => entry.tally.count > 0);
  const rows = ran.map(({ scenario, tally }): MatrixRow => {
    const report = buildReport(scenario, tally, environment, commandLine);
    const shown = tally.shown!;
    return {
      scenario: { id: scenario.id, title: scenario.title, digest: report.scenario.digest },
      verdict: report.verdict,
      reason: report.reason,
      expected: report.expected,
      observed: shown.outcome ? outcomeName(shown.outcome) : null,
      knownBug: report.knownBug,
      connectLatencyMs: report.timeline.connectLatencyMs,
      runMs: report.timeline.totalMs,
      notes: report.notes,
      precondition: report.precondition,
      ...(report.repeat ? { repeat: report.repeat } : {}),
      ...(report.trace ? { trace: report.trace } : {}),
    };
  });
  return {
    exitCode: matrixExit(rows.map((row) => row.verdict)),
    catalog: catalogIdentity(),
    rows,
    notRun: results.filter((entry) => entry.tally.count === 0).map((entry) => entry.scenario.id),
    stoppedEarly: plan.stoppedEarly,
    reader: plan.reader,
    driver: facts.driver ?? null,
    startupMs: plan.startupMs === null ? null : Math.round(plan.startupMs),
    totalMs: Math.round(plan.totalMs),
    environment,
    commandLine,
  };
}

/** The shell a report's commands are written for: the one of the platform that ran it. */
export type Shell = 'posix' | 'powershell';

/** The shell of a platform (Node's name): PowerShell on Windows, a POSIX shell elsewhere. */
export const shellFor = (platform: string = process.platform): Shell => (platform === 'win32' ? 'powershell' : 'posix');

/**
 * A command line as a user would type it; for display only, never executed.
 * POSIX shells and PowerShell both take a single-quoted word literally; they
 * differ in how a quote inside is written ('\'' and ''), and PowerShell also
 * reads `@` (splatting) and `,` (arrays) in a bare word. A word with a line
 * break or another control character (a hostile reader name) is written with
 * escapes instead, $'…' in bash and zsh, a double-quoted string in
 * PowerShell, so the command stays one line that still means that word.
 *
 * PowerShell as Windows ships it, 5.1: it takes smart quotation marks as
 * normal ones (about_Quoting_Rules): ‘ ’ ‚ ‛ end a single-quoted string as '
 * does, and “ ” „ a double-quoted one as " does, so inside quotes each is
 * doubled or escaped as the ASCII one is. Its escapes are `0 `a `b `f `n `r `t `v; `e and
 * `u{…} came with PowerShell 6 (about_Special_Characters), so any other
 * control character is a subexpression, $([char]0x001B), which 5.1 expands in a
 * double-quoted string (about_Quoting_Rules, "Double-quoted strings").
 */
const POWERSHELL_SINGLE_QUOTES = /['\u2018-\u201b]/g;
const POWERSHELL_DOUBLE_QUOTED_SPECIALS = /[`"$\u201c-\u201e]/g;
const POWERSHELL_ESCAPES: Readonly<Record<string, string>> = {
  '\0': '`0',
  '\x07': '`a',
  '\b': '`b',
  '\f': '`f',
  '\n': '`n',
  '\r': '`r',
  '\t': '`t',
  '\v': '`v',
};

const SHELLS: Record<Shell, { bare: RegExp; quote: (arg: string) => string; escaped: (arg: string) => string }> = {
  posix: {
    bare: /^[\w@%+=:,./-]+$/,
    quote: (arg) => `'${arg.replace(/'/g, `'\\''`)}'`,
    escaped: (arg) =>
      `$'${arg.replace(/[\\']/g, '\\$&').replace(UNSAFE_CHARACTERS, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? unicodeEscape(c))}'`,
  },
  powershell: {
    // `--%` alone stops PowerShell's parsing of the rest of the line (about_Parsing).
    bare: /^(?!--%$)[\w%+=:./-]+$/,
    quote: (arg) => `'${arg.replace(POWERSHELL_SINGLE_QUOTES, '$&$&')}'`,
    escaped: (arg) =>
      `"${arg.replace(POWERSHELL_DOUBLE_QUOTED_SPECIALS, '`$&').replace(UNSAFE_CHARACTERS, (c) => POWERSHELL_ESCAPES[c] ?? `$([char]0x${hex4(c).toUpperCase()})`)}"`,
  },
};

export function shellQuote(args: readonly string[], shell: Shell = shellFor()): string {
  const { bare, quote, escaped } = SHELLS[shell];
  return args.map((arg) => (bare.test(arg) ? arg : hasUnsafeCharacters(arg) ? escaped(arg) : quote(arg))).join(' ');
}
