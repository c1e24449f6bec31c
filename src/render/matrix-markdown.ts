import type { MatrixReport } from '../orchestrator/report.js';
import { code, codeBlock, table } from './markdown.js';
import { environmentTable, markdownOf, traceDetails } from './repro-markdown.js';
import { describeMatrix, SECTION_TITLES } from './report-description.js';
import type { Labelled } from './phrase.js';

/** `**Title**` and a list of `id: words`, for the rows that need a word of explanation. */
function byScenario(title: string, lines: readonly Labelled[]): string[] {
  return lines.length
    ? [`**${title}**`, lines.map(({ label, value }) => `- ${markdownOf(label, false)}: ${markdownOf(value, false)}`).join('\n')]
    : [];
}

export function renderMatrixMarkdown(report: MatrixReport): string {
  const d = describeMatrix(report);
  const rows = d.rows.map((row) => [
    `${code(row.id)} ${markdownOf(row.title)}`,
    markdownOf(row.expected),
    markdownOf(row.observed),
    `**${row.outcome}**`,
    row.knownBug ? `${markdownOf(row.knownBug.id)}: ${markdownOf(row.knownBug.title)}` : '',
  ]);
  return `${[
    `### sc-repro matrix: ${markdownOf(d.result.value, false)}`,
    d.facts.map(({ label, value }) => `${markdownOf(label, false)}: ${markdownOf(value, false)}.`).join(' '),
    `#### ${SECTION_TITLES.steps}`,
    codeBlock(d.steps.command, d.steps.shell),
    markdownOf(d.steps.perScenario, false),
    `#### ${SECTION_TITLES.observations}`,
    table(d.header, rows),
    ...byScenario(d.why.title, d.why.lines),
    ...byScenario(d.notes.title, d.notes.lines),
    ...(d.notRun ? [`${markdownOf(d.notRun.label, false)}: ${markdownOf(d.notRun.value, false)}.`] : []),
    `#### ${SECTION_TITLES.environment}`,
    environmentTable(d.environment),
    ...d.traces.map(traceDetails),
  ].join('\n\n')}\n`;
}
