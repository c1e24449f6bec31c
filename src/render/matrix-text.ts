import type { MatrixReport } from '../orchestrator/report.js';
import { out } from './style.js';
import { environmentLines, heading, labelledLines, textOf, traceLines, VERDICT_MARK, VERDICT_STYLE } from './repro-text.js';
import { describeMatrix, SECTION_TITLES } from './report-description.js';
import type { Labelled } from './phrase.js';

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - [...text].length));
}

/** `  id: words` lines under a dim title, for the rows that need a word of explanation. */
function byScenario(title: string, lines: readonly Labelled[]): string[] {
  return lines.length ? ['', out.dim(title), ...lines.map(({ label, value }) => `  ${textOf(label)}: ${textOf(value)}`)] : [];
}

export function renderMatrixText(report: MatrixReport): string {
  const d = describeMatrix(report);
  const rows = d.rows.map((row) => [
    row.id,
    textOf(row.expected),
    textOf(row.observed),
    `${VERDICT_MARK[row.verdict]} ${row.outcome}`,
    row.knownBug ? textOf(row.knownBug.id) : '',
  ]);
  const widths = d.header.map((title, i) => Math.max([...title].length, ...rows.map((row) => [...row[i]!].length)));
  const line = (cells: string[], style?: (text: string) => string) =>
    cells
      .map((cell, i) => (i === 3 && style ? style(pad(cell, widths[i]!)) : pad(cell, widths[i]!)))
      .join('  ')
      .trimEnd();
  const lines = [out.bold(line(d.header)), ...rows.map((cells, i) => line(cells, VERDICT_STYLE[d.rows[i]!.verdict]))];
  lines.push(...byScenario(d.why.title, d.why.lines), ...byScenario(d.notes.title, d.notes.lines));
  if (d.notRun) lines.push('', `${out.dim(textOf(d.notRun.label))}  ${textOf(d.notRun.value)}`);
  lines.push(
    '',
    ...labelledLines([d.result, ...d.facts], ''),
    ...heading(SECTION_TITLES.steps),
    `  ${d.steps.command}`,
    `  ${textOf(d.steps.perScenario)}`,
    ...heading(SECTION_TITLES.environment),
    ...environmentLines(d.environment),
  );
  for (const trace of d.traces) lines.push(...heading(trace.title), ...traceLines(trace));
  return `${lines.join('\n')}\n`;
}
