import type { ReproReport, ExpectedJson } from '../orchestrator/report.js';
import type { Verdict } from '../orchestrator/verdict.js';
import { out } from './style.js';
import { oneLine } from './errors.js';

const VERDICT_STYLE: Record<Verdict, (text: string) => string> = {
  'not-affected': (text) => out.green.bold(text),
  'bug-reproduced': (text) => out.red.bold(text),
  unexpected: (text) => out.magenta.bold(text),
  inconclusive: (text) => out.yellow.bold(text),
};

const VERDICT_MARK: Record<Verdict, string> = {
  'not-affected': '✔',
  'bug-reproduced': '✖',
  unexpected: '!',
  inconclusive: '?',
};

export function describeExpected(expected: ExpectedJson | null): string {
  if (!expected) return 'no reference for this platform';
  return [expected.name, expected.hex && `(${expected.hex})`].filter(Boolean).join(' ') + (expected.message ? `: ${expected.message}` : '');
}

export function describeObserved(observed: ReproReport['observed']): string {
  if (!observed) return 'no answer';
  if (observed.ok) return `success (protocol ${observed.protocol})`;
  if ('blocked' in observed) return `blocked: SCardConnect had not returned after ${observed.afterMs} ms`;
  return `${observed.name ?? 'unknown PC/SC code'} (${observed.hex}): ${oneLine(observed.message)}`;
}

export const TIMELINE_LABELS: [keyof ReproReport['timeline'], string][] = [
  ['holderStarted', 'holder started'],
  ['contenderStarted', 'contender started (waits for the hold)'],
  ['readerHeld', 'reader held'],
  ['attempt', 'SCardConnect attempt'],
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
    `${out.dim('Reader')}     ${report.reader.name ?? '-'}${report.reader.atr ? `  (ATR ${report.reader.atr})` : ''}`,
    `${out.dim('Expected')}   ${describeExpected(report.expected)}`,
    `${out.dim('Observed')}   ${describeObserved(report.observed)}`,
    '',
    out.dim('Timeline (ms from start)'),
  );
  for (const [key, label] of TIMELINE_LABELS) {
    const value = report.timeline[key];
    if (typeof value === 'number') lines.push(`  ${value.toFixed(1).padStart(8)}  ${label}`);
  }
  const t = report.timeline;
  const measured = [
    t.holdMs !== null && `hold ${t.holdMs} ms`,
    t.connectLatencyMs !== null && `SCardConnect ${t.connectLatencyMs} ms`,
    `total ${t.totalMs} ms`,
  ].filter(Boolean);
  lines.push(`  ${measured.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
