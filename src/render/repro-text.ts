import type { ReproReport, ExpectedJson } from '../orchestrator/report.js';
import type { Verdict } from '../core/exit-codes.js';
import { out } from './style.js';
import { oneLine } from './errors.js';
import { displayName } from './display-name.js';

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

export function describeExpected(expected: ExpectedJson | null): string {
  if (!expected) return 'no reference for this platform';
  return [expected.name, expected.hex && `(${expected.hex})`].filter(Boolean).join(' ') + (expected.message ? `: ${expected.message}` : '');
}

export function describeObserved(observed: ReproReport['observed']): string {
  if (!observed) return 'no answer';
  if (observed.ok) return `${observed.call} succeeded${observed.protocol ? ` (protocol ${observed.protocol})` : ''}`;
  if ('blocked' in observed) {
    const late = observed.thenReturned;
    const then = late ? `; it returned ${late.name} ${late.afterReleaseMs} ms after the holder let go (${late.afterMs} ms after the attempt)` : '';
    return `blocked: ${observed.call} had not returned after ${observed.afterMs} ms with the reader held${then}`;
  }
  return `${observed.name ?? 'unknown PC/SC code'} (${observed.hex}) from ${observed.call}: ${oneLine(observed.message)}`;
}

/** What proved the hold, in words. */
export function describePrecondition(report: Pick<ReproReport, 'precondition' | 'evidence'>): string {
  if (report.precondition.evidence === 'holder') {
    return "proved by the holder's own SCardStatus before and after the attempt: this stack shows no EXCLUSIVE/INUSE to a third party";
  }
  return `seen by a third party (${report.evidence.readerStateWhileHeld?.join(' ') ?? '-'})`;
}

export function describeSpread(spread: { min: number; median: number; max: number } | null): string {
  return spread ? `min ${spread.min} / median ${spread.median} / max ${spread.max} ms` : '-';
}

export function describeTally(counts: Partial<Record<string, number>>, total: number): string {
  return Object.entries(counts).map(([key, count]) => `${key} ${count}/${total}`).join(', ');
}

export const TIMELINE_LABELS: [keyof ReproReport['timeline'], string][] = [
  ['holderStarted', 'holder started'],
  ['readerHeld', 'reader held'],
  ['contenderStarted', 'contender asked to act'],
  ['attempt', 'contender attempt'],
  ['answer', 'answer'],
  ['holderReleased', 'holder released'],
];

export function renderReproText(report: ReproReport): string {
  const verdict = VERDICT_STYLE[report.verdict](`${VERDICT_MARK[report.verdict]} ${report.verdict.toUpperCase()}`);
  const lines = [`${verdict}  ${report.reason}`];
  if (report.hint) lines.push(`${out.yellow('hint:')} ${report.hint}`);
  if (report.knownBug) {
    const bug = report.knownBug;
    lines.push(
      `${out.bold('Known bug')}  ${bug.vendor} ${bug.vendorBug}${bug.duplicateOf ? ` (duplicate of ${bug.duplicateOf})` : ''}: ${bug.title}`,
      `           affects ${bug.affects}${bug.fixedIn ? `, fixed in ${bug.fixedIn}` : ''}`,
    );
  }
  lines.push(
    '',
    `${out.dim('Scenario')}   ${report.scenario.id}: ${report.scenario.title}`,
    `${out.dim('Reader')}     ${report.reader.name === null ? '-' : displayName(report.reader.name)}${report.reader.atr ? `  (ATR ${report.reader.atr})` : ''}`,
    `${out.dim('Expected')}   ${describeExpected(report.expected)}`,
    `${out.dim('Observed')}   ${describeObserved(report.observed)}`,
    ...report.notes.map((note) => `${out.dim('Note')}       ${oneLine(note)}`),
    ...(report.precondition.evidence ? [`${out.dim('Hold')}       ${describePrecondition(report)}`] : []),
  );
  if (report.repeat) {
    const r = report.repeat;
    lines.push(
      `${out.dim('Runs')}       ${describeTally(r.verdicts, r.count)}`,
      `${out.dim('Outcomes')}   ${describeTally(r.outcomes, r.count)}`,
      `${out.dim('Latency')}    ${describeSpread(r.connectLatencyMs)}`,
      `${out.dim('Run time')}   ${describeSpread(r.runMs)}`,
    );
  }
  lines.push(
    '',
    out.dim(report.repeat ? 'Timeline of that run (ms from its start)' : 'Timeline (ms from start)'),
  );
  for (const [key, label] of TIMELINE_LABELS) {
    const value = report.timeline[key];
    if (typeof value === 'number') lines.push(`  ${value.toFixed(1).padStart(8)}  ${label}`);
  }
  const t = report.timeline;
  const measured = [
    t.holdMs !== null && `hold ${t.holdMs} ms`,
    t.connectLatencyMs !== null && `${callOf(report)} ${t.connectLatencyMs} ms`,
    `total ${t.totalMs} ms`,
    report.startupMs !== null && `${report.startupMs} ms to start both processes`,
  ].filter(Boolean);
  lines.push(`  ${measured.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** The judged call, for labels: SCardConnect unless the holder's transmit was observed. */
export function callOf(report: Pick<ReproReport, 'observed'>): string {
  return report.observed?.call ?? 'SCardConnect';
}
