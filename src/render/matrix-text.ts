import type { MatrixReport } from '../orchestrator/report.js';
import { exitMeaning } from '../core/exit-codes.js';
import { out } from './style.js';
import { displayName } from './display-name.js';
import { environmentLines, traceLines, VERDICT_MARK, VERDICT_STYLE } from './repro-text.js';
import { describeTally, expectedName } from './report-parts.js';

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - [...text].length));
}

export function renderMatrixText(report: MatrixReport): string {
  const rows = report.rows.map((row) => [
    row.scenario.id,
    row.expected ? expectedName(row.expected) : 'no reference',
    row.repeat ? describeTally(row.repeat.outcomes, row.repeat.count) : (row.observed ?? 'no answer'),
    `${VERDICT_MARK[row.verdict]} ${row.verdict === 'not-affected' ? 'as expected' : row.verdict}${row.repeat ? ` ${row.repeat.verdicts[row.verdict]}/${row.repeat.count}` : ''}`,
    row.knownBug ? `${row.knownBug.vendor} ${row.knownBug.vendorBug}` : '',
  ]);
  const header = ['Scenario', 'Expected', 'Observed', 'Verdict', 'Known bug'];
  const widths = header.map((title, i) => Math.max([...title].length, ...rows.map((row) => [...row[i]!].length)));
  const line = (cells: string[], style?: (text: string) => string) =>
    cells
      .map((cell, i) => (i === 3 && style ? style(pad(cell, widths[i]!)) : pad(cell, widths[i]!)))
      .join('  ')
      .trimEnd();
  const lines = [out.bold(line(header)), ...rows.map((cells, i) => line(cells, VERDICT_STYLE[report.rows[i]!.verdict]))];
  const notes = report.rows.filter((row) => row.verdict !== 'not-affected').map((row) => `  ${row.scenario.id}: ${row.reason}`);
  if (notes.length) lines.push('', out.dim('Why'), ...notes);
  const sideNotes = report.rows.flatMap((row) => row.notes.map((note) => `  ${row.scenario.id}: ${note}`));
  if (sideNotes.length) lines.push('', out.dim('Notes'), ...sideNotes);
  if (report.notRun.length) lines.push('', `${out.dim('Not run (interrupted)')}  ${report.notRun.join(', ')}`);
  lines.push(
    '',
    `${out.dim('Reader')}  ${report.reader === null ? '-' : displayName(report.reader)}`,
    `${out.dim('Result')}  ${exitMeaning(report.exitCode, 'matrix')} (exit ${report.exitCode})`,
    `${out.dim('Total')}   ${(report.totalMs / 1000).toFixed(2)} s${report.startupMs === null ? '' : ` (process start-up ${report.startupMs} ms)`}`,
    '',
    out.bold('Steps to reproduce'),
    `  ${report.commandLine}`,
    `  each scenario's PC/SC calls: sc-repro scenarios <id>`,
    '',
    out.bold('Environment'),
    ...environmentLines(report.environment, report.driver),
  );
  for (const row of report.rows) {
    if (row.trace)
      lines.push(
        '',
        out.bold(`Trace of ${row.scenario.id} (${row.trace.length} PC/SC calls, ms from its start)`),
        ...traceLines(row.trace),
      );
  }
  return `${lines.join('\n')}\n`;
}
