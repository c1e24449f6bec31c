import { exitMeaning } from '../core/exit-codes.js';
import type { MatrixReport } from '../orchestrator/report.js';
import { code, codeBlock, prose, table } from './markdown.js';
import { environmentTable, traceDetails } from './repro-markdown.js';
import { describeTally, expectedName, shellLanguage } from './report-parts.js';

export function renderMatrixMarkdown(report: MatrixReport): string {
  const rows = report.rows.map((row) => [
    `${code(row.scenario.id)} ${prose(row.scenario.title)}`,
    row.expected ? code(expectedName(row.expected)) : 'no reference',
    row.repeat ? prose(describeTally(row.repeat.outcomes, row.repeat.count)) : row.observed ? code(row.observed) : 'no answer',
    `**${row.verdict}**`,
    row.knownBug ? `${row.knownBug.vendor} ${row.knownBug.vendorBug}: ${prose(row.knownBug.title)}` : '',
  ]);
  const why = report.rows
    .filter((row) => row.verdict !== 'not-affected')
    .map((row) => `- ${code(row.scenario.id, false)}: ${prose(row.reason, false)}`);
  const traces = report.rows.filter((row) => row.trace).map((row) => `${code(row.scenario.id, false)}\n\n${traceDetails(row.trace!)}`);
  return `${[
    `### sc-repro matrix: ${exitMeaning(report.exitCode, 'matrix')} (exit ${report.exitCode})`,
    `Reader: ${report.reader === null ? '-' : code(report.reader, false)}. Total ${(report.totalMs / 1000).toFixed(2)} s.`,
    '#### Steps to reproduce',
    codeBlock(report.commandLine, shellLanguage(report.environment)),
    `Each scenario's PC/SC calls: ${code('sc-repro scenarios <id>', false)}.`,
    '#### Expected and observed',
    table(['Scenario', 'Expected', 'Observed', 'Verdict', 'Known bug'], rows),
    ...(why.length ? [why.join('\n')] : []),
    ...(report.notRun.length ? [`Not run (interrupted): ${report.notRun.map((id) => code(id, false)).join(', ')}.`] : []),
    '#### Environment',
    environmentTable(report.environment, report.driver),
    ...traces,
  ].join('\n\n')}\n`;
}
