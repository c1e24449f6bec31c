import type { ReproReport } from '../orchestrator/report.js';
import { code, codeBlock, details, prose, table } from './markdown.js';
import type { Labelled, Phrase } from './phrase.js';
import {
  describeRepro,
  type EnvironmentDescription,
  type KnownBugDescription,
  SECTION_TITLES,
  type StepsDescription,
  type TraceDescription,
} from './report-description.js';

/** A phrase as markdown: values and reader names code spans, words prose; `cell` when it goes in a table cell. */
export function markdownOf(phrase: Phrase, cell = true): string {
  return phrase
    .map((part) => {
      if (typeof part === 'string') return prose(part, cell);
      if ('value' in part) return code(part.value, cell);
      if ('reader' in part) return code(part.reader, cell);
      if ('link' in part) return `<${part.link}>`;
      return cell ? '<br>' : ' ';
    })
    .join('');
}

/** Labelled lines as a two-column table. */
export function labelledTable(rows: readonly Labelled[], header: readonly string[] = ['', '']): string {
  return table(
    header,
    rows.map(({ label, value }) => [markdownOf(label), markdownOf(value)]),
  );
}

/** `**Label:** value`, a paragraph. */
const boldLabel = ({ label, value }: Labelled) => `**${markdownOf(label, false)}:** ${markdownOf(value, false)}`;

export function renderReproMarkdown(report: ReproReport): string {
  const d = describeRepro(report);
  const sections = [
    `### sc-repro: ${d.verdict} — ${markdownOf(d.scenarioTitle, false)}`,
    `**Verdict: ${code(d.verdict, false)}** — ${markdownOf(d.reason, false)}`,
  ];
  if (d.hint) sections.push(boldLabel(d.hint));
  if (d.knownBug) sections.push(knownBug(d.knownBug));
  sections.push(
    `#### ${SECTION_TITLES.steps}`,
    stepsToReproduce(d.steps),
    `#### ${SECTION_TITLES.observations}`,
    labelledTable(d.observations),
    `#### ${markdownOf(d.timeline.title, false)}`,
    labelledTable([...d.timeline.moments, ...d.timeline.measured]),
    `#### ${SECTION_TITLES.environment}`,
    environmentTable(d.environment),
  );
  if (d.trace) sections.push(traceDetails(d.trace));
  return `${sections.join('\n\n')}\n`;
}

/** The bug, then (a hard line break: two trailing spaces) what it affects, where it was fixed and the source. */
function knownBug(bug: KnownBugDescription): string {
  return `**${markdownOf(bug.label, false)}:** ${markdownOf(bug.bug, false)}  \n${markdownOf(bug.status, false)}`;
}

/** The exact command, the two-terminal equivalent where there is one, and what runs. */
function stepsToReproduce(steps: StepsDescription): string {
  const block = (command: string) => indent(codeBlock(command, steps.shell));
  const lines = ['1. Run:', '', block(steps.command)];
  if (steps.manual) {
    lines.push(
      '',
      `2. ${markdownOf(steps.manual.intro, false)}`,
      '',
      block(steps.manual.holder),
      '',
      indent(markdownOf(steps.manual.whileHeld, false)),
      '',
      block(steps.manual.contender),
    );
  }
  lines.push(
    '',
    markdownOf(steps.whatRuns, false),
    '',
    ...steps.calls.map(({ label, value }) => `- ${markdownOf(label, false)}: ${markdownOf(value, false)}`),
  );
  return lines.join('\n');
}

const indent = (block: string) =>
  block
    .split('\n')
    .map((line) => `   ${line}`)
    .join('\n');

/**
 * The environment table, then the debug-log recipe below it: a command in a
 * cell would need its `|` written `\|`, which plain-text readers see as it is.
 */
export function environmentTable(environment: EnvironmentDescription): string {
  return `${labelledTable(environment.facts, ['Environment', ''])}\n\n${boldLabel(environment.debugLog)}`;
}

/** The trace, folded: long, and needed only by whoever digs in. */
export function traceDetails(trace: TraceDescription): string {
  return details(
    markdownOf(trace.title, false),
    table(
      trace.header,
      trace.rows.map((row) => row.map((cell) => markdownOf(cell))),
    ),
  );
}
