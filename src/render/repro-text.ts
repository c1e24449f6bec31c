// The report as text: the terminal, logs, and plain-text trackers and mail
// (`--output report.txt`). The same sections as the markdown, readable
// without rendering.
import { MANUAL_HOLD_SECONDS, type ReproReport } from '../orchestrator/report.js';
import type { ReaderDriver } from '../orchestrator/reader-driver.js';
import type { TraceEntry } from '../orchestrator/run-scenario.js';
import type { Verdict } from '../core/exit-codes.js';
import type { Environment } from '../platform/environment.js';
import { out } from './style.js';
import { oneLine } from './errors.js';
import { displayName } from './display-name.js';
import {
  callOf,
  describeBinding,
  describeDriver,
  describeExpected,
  describeObserved,
  describeBlockedEvidence,
  describePrecondition,
  describeSpread,
  describeTally,
  formatArgs,
  stepsByRole,
  timelineMoments,
} from './report-parts.js';

export const VERDICT_STYLE: Record<Verdict, (text: string) => string> = {
  'not-affected': (text) => out.green.bold(text),
  'bug-reproduced': (text) => out.red.bold(text),
  unexpected: (text) => out.magenta.bold(text),
  inconclusive: (text) => out.yellow.bold(text),
  'no-reference': (text) => out.cyan.bold(text),
};

export const VERDICT_MARK: Record<Verdict, string> = {
  'not-affected': '✔',
  'bug-reproduced': '✖',
  unexpected: '!',
  inconclusive: '?',
  'no-reference': '·',
};

/** `Label      value` lines under a section heading. */
function labelled(rows: readonly [string, string][]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `  ${out.dim(label.padEnd(width))}${value}`);
}

const heading = (title: string) => ['', out.bold(title)];

export function renderReproText(report: ReproReport): string {
  const verdict = VERDICT_STYLE[report.verdict](`${VERDICT_MARK[report.verdict]} ${report.verdict.toUpperCase()}`);
  const lines = [`${verdict}  ${oneLine(report.reason)}`];
  if (report.hint) lines.push(`${out.yellow('hint:')} ${oneLine(report.hint)}`);
  if (report.knownBug) {
    const bug = report.knownBug;
    lines.push(
      `${out.bold('Known bug')}  ${bug.vendor} ${bug.vendorBug}${bug.duplicateOf ? ` (duplicate of ${bug.duplicateOf})` : ''}: ${bug.title}`,
      `           affects ${bug.affects}${bug.fixedIn ? `, fixed in ${bug.fixedIn}` : ''}; ${bug.reference}`,
    );
  }
  lines.push(...heading('Steps to reproduce'), `  ${report.commandLine}`);
  if (report.manual)
    lines.push(
      `  or by hand, in two terminals: ${report.manual.holder}`,
      `    then, while it holds (${MANUAL_HOLD_SECONDS} s): ${report.manual.contender}`,
    );
  lines.push(...labelled(stepsByRole(report.steps).map(([role, calls]) => [role, calls.join(' → ')])));

  lines.push(
    ...heading('Expected and observed'),
    ...labelled([
      ['Scenario', `${report.scenario.id}: ${report.scenario.title}`],
      [
        'Reader',
        `${report.reader.name === null ? '-' : displayName(report.reader.name)}${report.reader.atr ? `  (ATR ${report.reader.atr})` : ''}`,
      ],
      ['Expected', describeExpected(report.expected)],
      ['Observed', describeObserved(report.observed)],
      ...report.notes.map((note): [string, string] => ['Note', oneLine(note)]),
      ...(report.precondition.evidence ? [['Hold', describePrecondition(report)] as [string, string]] : []),
      ...(report.evidence.blocked ? [['Wait', describeBlockedEvidence(report.evidence.blocked)] as [string, string]] : []),
      ...(report.repeat
        ? ([
            ['Runs', describeTally(report.repeat.verdicts, report.repeat.count)],
            ['Outcomes', describeTally(report.repeat.outcomes, report.repeat.count)],
            ['Latency', describeSpread(report.repeat.connectLatencyMs)],
            ['Run time', describeSpread(report.repeat.runMs)],
          ] as [string, string][])
        : []),
    ]),
  );

  lines.push(
    ...heading(
      report.repeat
        ? `Timeline of run ${report.repeat.shownRun} of ${report.repeat.count}, the first that gave the verdict (ms from its start)`
        : 'Timeline (ms from start)',
    ),
  );
  for (const [label, ms] of timelineMoments(report.timeline)) lines.push(`  ${ms.toFixed(1).padStart(8)}  ${label}`);
  const t = report.timeline;
  const measured = [
    t.holdMs !== null && `hold ${t.holdMs} ms`,
    t.connectLatencyMs !== null && `${callOf(report)} ${t.connectLatencyMs} ms`,
    `total ${t.totalMs} ms`,
    report.startupMs !== null && `${report.startupMs} ms to start both processes`,
  ].filter(Boolean);
  lines.push(`  ${measured.join(', ')}`);

  lines.push(...heading('Environment'), ...environmentLines(report.environment, report.reader.driver));
  if (report.trace) lines.push(...heading(`Trace (${report.trace.length} PC/SC calls, ms from start)`), ...traceLines(report.trace));
  return `${lines.join('\n')}\n`;
}

export function environmentLines(env: Environment, driver: ReaderDriver | null): string[] {
  const missing = (key: string) => `unknown${env.unavailable[key] ? `: ${env.unavailable[key]}` : ''}`;
  return labelled([
    ['OS', `${env.os} ${env.osVersion}${env.osBuild ? `, build ${oneLine(env.osBuild)}` : ''}`],
    ['Arch', env.arch],
    ['Node.js', env.node],
    ['sc-repro', env.scRepro],
    ['PC/SC binding', env.binding ? describeBinding(env.binding) : missing('binding')],
    ['PC/SC service', env.pcscService ? env.pcscService.split('\n').join('; ') : missing('pcscService')],
    ['PC/SC client', env.pcscClient ?? missing('pcscClient')],
    ['Reader driver', driver ? describeDriver(driver) : missing('reader.driver')],
    ['Debug log', env.debugLog],
  ]);
}

/** One aligned row per call. */
export function traceLines(trace: readonly TraceEntry[]): string[] {
  const rows = trace.map((entry) => [
    entry.startMs.toFixed(1),
    entry.role,
    entry.call,
    formatArgs(entry.args),
    entry.result,
    `${entry.durationMs.toFixed(3)} ms`,
  ]);
  const header = ['ms', 'role', 'call', 'arguments', 'result', 'took'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    `  ${cells
      .map((cell, i) => (i === 0 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()}`;
  return [out.dim(line(header)), ...rows.map(line)];
}
