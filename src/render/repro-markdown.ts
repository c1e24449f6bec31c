import { MANUAL_HOLD_SECONDS, type ReproReport } from '../orchestrator/report.js';
import type { ReaderDriver } from '../orchestrator/reader-driver.js';
import type { TraceEntry } from '../orchestrator/run-scenario.js';
import type { Environment } from '../platform/environment.js';
import { code, codeBlock, details, prose, table } from './markdown.js';
import {
  blockedCall,
  describeBlockedEvidence,
  callOf,
  describeBinding,
  describePrecondition,
  describeSpread,
  describeTally,
  formatArgs,
  shellLanguage,
  stepsByRole,
  timelineMoments,
} from './report-parts.js';

export function renderReproMarkdown(report: ReproReport): string {
  const sections = [
    `### sc-repro: ${report.verdict} — ${prose(report.scenario.title, false)}`,
    `**Verdict: ${code(report.verdict, false)}** — ${prose(report.reason, false)}`,
  ];
  if (report.hint) sections.push(`Hint: ${prose(report.hint, false)}`);
  if (report.knownBug) sections.push(knownBug(report.knownBug));
  sections.push(
    '#### Steps to reproduce',
    stepsToReproduce(report),
    '#### Expected and observed',
    table(
      ['', ''],
      [
        ['Scenario', `${code(report.scenario.id)}: ${prose(report.scenario.summary)}`],
        ['Reader', report.reader.name === null ? '-' : code(report.reader.name)],
        ['ATR', report.reader.atr ? code(report.reader.atr) : '-'],
        ['Expected', expectedCell(report)],
        ['Observed', observedCell(report)],
        ...report.notes.map((note) => ['Note', prose(note)]),
        ...(report.precondition.evidence ? [['Hold', prose(describePrecondition(report))]] : []),
        ...(report.evidence.blocked ? [['Wait', prose(describeBlockedEvidence(report.evidence.blocked))]] : []),
        ...(report.repeat
          ? [
              ['Runs', prose(describeTally(report.repeat.verdicts, report.repeat.count))],
              ['Outcomes', prose(describeTally(report.repeat.outcomes, report.repeat.count))],
              [`${code(callOf(report))} latency`, describeSpread(report.repeat.connectLatencyMs)],
              ['Run time', describeSpread(report.repeat.runMs)],
            ]
          : []),
      ],
    ),
    report.repeat
      ? `#### Timeline of run ${report.repeat.shownRun} of ${report.repeat.count}, the first that gave the verdict`
      : '#### Timeline',
    table(
      ['', 'ms from start'],
      [
        ...timelineMoments(report.timeline).map(([label, ms]) => [label, ms.toFixed(1)]),
        ['hold (measured by the holder)', report.timeline.holdMs === null ? '-' : String(report.timeline.holdMs)],
        [`${code(callOf(report))} latency`, report.timeline.connectLatencyMs === null ? '-' : String(report.timeline.connectLatencyMs)],
        ['total', String(report.timeline.totalMs)],
        ...(report.startupMs === null ? [] : [['starting both processes', String(report.startupMs)]]),
      ],
    ),
    '#### Environment',
    environmentTable(report.environment, report.reader.driver),
  );
  if (report.trace) sections.push(traceDetails(report.trace));
  return `${sections.join('\n\n')}\n`;
}

function knownBug(bug: NonNullable<ReproReport['knownBug']>): string {
  const duplicate = bug.duplicateOf ? ` (closed as a duplicate of ${bug.duplicateOf})` : '';
  return `**Known bug:** ${bug.vendor} bug ${bug.vendorBug}${duplicate}: ${prose(bug.title, false)}. Affects ${prose(bug.affects, false)}${bug.fixedIn ? `; fixed in ${prose(bug.fixedIn, false)}` : ''}. Reference: <${bug.reference}>.`;
}

function expectedCell(report: ReproReport): string {
  const expected = report.expected;
  if (!expected) return 'no reference for this platform';
  const protocol = expected.protocol === undefined ? '' : ` with protocol ${code(expected.protocol)}`;
  return `${code(expected.name)}${expected.hex ? ` (${code(expected.hex)})` : ''}${protocol}${expected.message ? `: ${prose(expected.message)}` : ''}`;
}

function observedCell(report: ReproReport): string {
  const observed = report.observed;
  if (!observed) return 'no answer';
  if (observed.ok) return `${code(observed.call)} succeeded${observed.protocol ? ` (protocol ${code(observed.protocol)})` : ''}`;
  if ('blocked' in observed) {
    const late = observed.thenReturned;
    const then = late
      ? `; it returned ${code(late.name)} ${late.afterReleaseMs} ms after the holder let go (${late.afterMs} ms after the attempt)`
      : '';
    return `blocked: ${code(blockedCall(observed))} had not returned after ${observed.afterMs} ms with the reader held${then}`;
  }
  return `${code(observed.name ?? 'unknown PC/SC code')} (${code(observed.hex)})${observed.call ? ` from ${code(observed.call)}` : ''}: ${prose(observed.message)}`;
}

/** The exact command, the two-terminal equivalent where there is one, and what runs. */
function stepsToReproduce(report: ReproReport): string {
  const language = shellLanguage(report.environment);
  const lines = ['1. Run:', '', indent(codeBlock(report.commandLine, language))];
  if (report.manual) {
    lines.push(
      '',
      `2. Or by hand, in two terminals: start the holder, then, while it holds (${MANUAL_HOLD_SECONDS} s), the contender:`,
      '',
      indent(codeBlock(report.manual.holder, language)),
      '',
      indent(codeBlock(report.manual.contender, language)),
    );
  }
  const steps = stepsByRole(report.steps);
  lines.push(
    '',
    `What runs (${code(`sc-repro scenarios ${report.scenario.id}`, false)}):`,
    '',
    ...steps.map(([role, calls]) => `- ${role}: ${calls.map(stepText).join(' → ')}`),
  );
  return lines.join('\n');
}

/** A step as the catalog words it: each PC/SC call with its arguments a code span, what is said about it prose. */
function stepText(step: string): string {
  return step
    .split(/(SCard\w+(?:\([^)]*\))?)/)
    .map((part, i) => (i % 2 === 1 ? code(part, false) : prose(part, false)))
    .join('');
}

const indent = (block: string) =>
  block
    .split('\n')
    .map((line) => `   ${line}`)
    .join('\n');

/**
 * The environment table, then the debug-log recipe below it: a command in a
 * cell would need its `|` written `\|`, which plain-text readers see as it is.
 */
export function environmentTable(env: Environment, driver: ReaderDriver | null): string {
  const missing = (key: string) => (env.unavailable[key] ? `unknown: ${prose(env.unavailable[key]!)}` : 'unknown');
  const multiline = (text: string) =>
    text
      .split('\n')
      .map((line) => code(line))
      .join('<br>');
  const facts = table(
    ['Environment', ''],
    [
      ['OS', `${prose(`${env.os} ${env.osVersion}`)}${env.osBuild ? `, build ${code(env.osBuild)}` : ''}`],
      ['Arch', code(env.arch)],
      ['Node.js', code(env.node)],
      ['sc-repro', code(env.scRepro)],
      ['PC/SC binding', env.binding ? prose(describeBinding(env.binding)) : missing('binding')],
      ['PC/SC service', env.pcscService ? multiline(env.pcscService) : missing('pcscService')],
      ['PC/SC client library', env.pcscClient ? code(env.pcscClient) : missing('pcscClient')],
      ['Reader driver', driver ? driverCell(driver) : missing('reader.driver')],
    ],
  );
  return `${facts}\n\n**Service debug log:** ${prose(env.debugLog, false)}`;
}

/** The driver's facts as code spans: file names, package versions and paths are looked up, not read. */
function driverCell(driver: ReaderDriver): string {
  const library = [driver.name, driver.version]
    .filter((fact): fact is string => !!fact)
    .map((fact) => code(fact))
    .join(' ');
  const reader = [driver.vendor, driver.model, driver.firmware && `firmware ${driver.firmware}`]
    .filter((fact): fact is string => !!fact)
    .map((fact) => code(fact))
    .join(' ');
  return `${[library, reader && `reader: ${reader}`].filter(Boolean).join('; ')} (from ${driver.sources.map((source) => (source.startsWith('/') ? code(source) : source)).join(' and ')})`;
}

/** The trace, folded: long, and needed only by whoever digs in. */
export function traceDetails(trace: readonly TraceEntry[]): string {
  const rows = trace.map((entry) => [
    entry.startMs.toFixed(1),
    entry.role,
    code(entry.call),
    code(formatArgs(entry.args)),
    code(entry.result),
    entry.durationMs.toFixed(3),
  ]);
  return details(
    `Trace: ${trace.length} PC/SC calls of the holder, the contender and the observer, on one timeline`,
    table(['ms', 'role', 'call', 'arguments', 'result', 'took ms'], rows),
  );
}
