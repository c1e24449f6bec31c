// The report as text: the terminal, logs, and plain-text trackers and mail
// (`--output report.txt`). The same sections as the markdown, readable
// without rendering.
import type { ReproReport } from '../orchestrator/report.js';
import type { Verdict } from '../core/exit-codes.js';
import { out } from './style.js';
import { displayName } from './display-name.js';
import type { Labelled, Phrase } from './phrase.js';
import { describeRepro, type EnvironmentDescription, SECTION_TITLES, type TraceDescription } from './report-description.js';

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

/** Words on one line: Windows error texts carry CR/LF, and a line break would forge a line of the report. */
const flat = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ');

/** A phrase as text: values verbatim, a reader name escaped where it would break the line. */
export function textOf(phrase: Phrase): string {
  return phrase
    .map((part) => {
      if (typeof part === 'string') return flat(part);
      if ('value' in part) return flat(part.value);
      if ('reader' in part) return displayName(part.reader);
      if ('link' in part) return part.link;
      return '; ';
    })
    .join('');
}

/** `Label      value` lines under a section heading. */
export function labelledLines(rows: readonly Labelled[], indent = '  '): string[] {
  const shown = rows.map(({ label, value }) => [textOf(label), textOf(value)] as const);
  const width = Math.max(...shown.map(([label]) => label.length)) + 2;
  return shown.map(([label, value]) => `${indent}${out.dim(label.padEnd(width))}${value}`);
}

export const heading = (title: Phrase | string) => ['', out.bold(typeof title === 'string' ? title : textOf(title))];

export function renderReproText(report: ReproReport): string {
  const d = describeRepro(report);
  const verdict = VERDICT_STYLE[d.verdict](`${VERDICT_MARK[d.verdict]} ${d.verdict.toUpperCase()}`);
  const lines = [`${verdict}  ${textOf(d.reason)}`];
  if (d.hint) lines.push(`${out.yellow(`${textOf(d.hint.label)}:`)} ${textOf(d.hint.value)}`);
  if (d.knownBug) {
    const label = textOf(d.knownBug.label);
    lines.push(`${out.bold(label)}  ${textOf(d.knownBug.bug)}`, `${' '.repeat(label.length + 2)}${textOf(d.knownBug.status)}`);
  }

  const { steps } = d;
  lines.push(...heading(SECTION_TITLES.steps), `  ${steps.command}`);
  if (steps.manual)
    lines.push(`  ${textOf(steps.manual.intro)} ${steps.manual.holder}`, `    ${textOf(steps.manual.whileHeld)} ${steps.manual.contender}`);
  lines.push(`  ${textOf(steps.whatRuns)}`, ...labelledLines(steps.calls, '    '));

  lines.push(...heading(SECTION_TITLES.observations), ...labelledLines(d.observations));

  lines.push(...heading(d.timeline.title));
  for (const { label, value } of d.timeline.moments) lines.push(`  ${textOf(value).padStart(8)}  ${textOf(label)}`);
  lines.push(`  ${d.timeline.measured.map(({ label, value }) => `${textOf(label)} ${textOf(value)}`).join(', ')}`);

  lines.push(...heading(SECTION_TITLES.environment), ...environmentLines(d.environment));
  if (d.trace) lines.push(...heading(d.trace.title), ...traceLines(d.trace));
  return `${lines.join('\n')}\n`;
}

export function environmentLines(environment: EnvironmentDescription): string[] {
  return labelledLines([...environment.facts, environment.debugLog]);
}

/** One aligned row per call, the times right-aligned. */
export function traceLines(trace: TraceDescription): string[] {
  const rows = trace.rows.map((row) => row.map(textOf));
  const widths = trace.header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const numeric = (i: number) => i === 0 || i === trace.header.length - 1;
  const line = (cells: string[]) =>
    `  ${cells
      .map((cell, i) => (numeric(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()}`;
  return [out.dim(line(trace.header)), ...rows.map(line)];
}
