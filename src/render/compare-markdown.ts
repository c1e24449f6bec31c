// `compare --markdown`: one table for an issue or a wiki, a column per stack
// (numbered, each number explained under the table), names in code spans so
// the table greps.
import { exitMeaning } from '../core/exit-codes.js';
import type { Cell, Comparison } from '../comparison/compare.js';
import type { Outcome } from '../comparison/reports.js';
import { COMPARE_MARK, shortReason } from './compare-text.js';
import { code, prose, table } from './markdown.js';

function outcomeMarkdown(outcome: Outcome): string {
  const mark = COMPARE_MARK[outcome.mark];
  const observed = outcome.observed === null ? '' : ` ${code(outcome.observed)}`;
  switch (outcome.mark) {
    case 'as-expected':
      return `${mark}${observed || ' as expected'}`;
    case 'known-bug':
      return `${mark} ${outcome.knownBug ? code(outcome.knownBug) : 'known bug'}${observed}`;
    case 'unexpected':
      return `${mark} unexpected${observed}`;
    case 'no-reference':
      return `${mark} no reference${observed}`;
    case 'inconclusive':
      return `${mark} inconclusive: ${prose(shortReason(outcome.reason))}`;
  }
}

function cellMarkdown(cell: Cell): string {
  if (cell.notRun) return '- not run';
  if (cell.outcomes.length === 1) return outcomeMarkdown(cell.outcomes[0]!);
  return cell.outcomes.map((outcome) => `${outcomeMarkdown(outcome)} ${outcome.runs}/${cell.runs}`).join('<br>');
}

export function renderCompareMarkdown(comparison: Comparison, options: { differences: boolean; totalRows: number }): string {
  const parts = [`### sc-repro compare: ${exitMeaning(comparison.exitCode, 'compare')} (exit ${comparison.exitCode})`];
  if (comparison.rows.length)
    parts.push(
      table(
        ['Scenario', ...comparison.columns.map((column) => String(column.id))],
        comparison.rows.map((row) => [
          `${code(row.scenario.id)}${row.definitionDiffers ? ` (definition ${code(row.scenario.digest ?? 'not recorded')})` : ''}`,
          ...row.cells.map(cellMarkdown),
        ]),
      ),
    );
  else
    parts.push(
      options.differences && options.totalRows > 0
        ? `No row differs: every column that ran a scenario ended it the same way (${options.totalRows} rows compared).`
        : 'Nothing to compare: no report has a scenario.',
    );
  if (comparison.columns.length)
    parts.push(
      '#### Columns',
      comparison.columns
        .map((column) => `${column.id}. ${prose(column.label, false)}; from ${column.files.map((file) => code(file, false)).join(', ')}`)
        .join('\n'),
    );
  if (comparison.notes.length) parts.push('#### Notes', comparison.notes.map((note) => `- ${prose(note, false)}`).join('\n'));
  return `${parts.join('\n\n')}\n`;
}
