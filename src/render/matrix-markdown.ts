import type { MatrixReport } from '../orchestrator/report.js';
import { codeBlock, escapeMarkdown as esc, table } from './markdown.js';
import { environmentTable } from './repro-markdown.js';
import { describeTally } from './repro-text.js';

export function renderMatrixMarkdown(report: MatrixReport): string {
  const rows = report.rows.map((row) => [
    `\`${esc(row.scenario.id)}\` ${esc(row.scenario.title)}`,
    esc(row.expected?.name ?? 'no reference'),
    esc(row.repeat ? describeTally(row.repeat.outcomes, row.repeat.count) : (row.observed ?? 'no answer')),
    `**${esc(row.verdict)}**`,
    row.knownBug ? esc(`${row.knownBug.vendor} ${row.knownBug.vendorBug}: ${row.knownBug.title}`) : '',
  ]);
  return `${[
    `### sc-repro matrix: exit ${report.exitCode}`,
    `Reader: ${esc(report.reader ?? '-')}. Total ${(report.totalMs / 1000).toFixed(2)} s.`,
    table(['Scenario', 'Expected', 'Observed', 'Verdict', 'Known bug'], rows),
    ...(report.notRun.length ? [`Not run (interrupted): ${report.notRun.map((id) => `\`${esc(id)}\``).join(', ')}.`] : []),
    environmentTable(report.environment),
    `Re-run:\n\n${codeBlock(report.command, 'sh')}`,
  ].join('\n\n')}\n`;
}
