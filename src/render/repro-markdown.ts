import type { ReproReport } from '../orchestrator/report.js';
import type { Environment } from '../platform/environment.js';
import { codeBlock, escapeMarkdown as esc, table } from './markdown.js';
import { callOf, describeExpected, describeObserved, describeSpread, describeTally, TIMELINE_LABELS } from './repro-text.js';

export function renderReproMarkdown(report: ReproReport): string {
  const sections = [
    `### sc-repro: ${esc(report.verdict)} — ${esc(report.scenario.title)}`,
    `**Verdict: \`${report.verdict}\`** — ${esc(report.reason)}`,
  ];
  if (report.hint) sections.push(`Hint: ${esc(report.hint)}`);
  if (report.knownBug) {
    const bug = report.knownBug;
    sections.push(
      `**Known bug:** ${esc(bug.vendor)} bug ${esc(bug.vendorBug)}${bug.duplicateOf ? ` (closed as a duplicate of ${esc(bug.duplicateOf)})` : ''}: ` +
        `${esc(bug.title)}. Affects ${esc(bug.affects)}${bug.fixedIn ? `; fixed in ${esc(bug.fixedIn)}` : ''}. Reference: ${esc(bug.reference)}.`,
    );
  }
  sections.push(
    table(
      ['', 'Result'],
      [
        ['Scenario', esc(`${report.scenario.id}: ${report.scenario.summary}`)],
        ['Reader', esc(report.reader.name ?? '-')],
        ['ATR', esc(report.reader.atr ?? '-')],
        ['Expected', esc(describeExpected(report.expected))],
        ['Observed', esc(describeObserved(report.observed))],
        ...report.notes.map((note) => ['Note', esc(note)]),
        ...(report.repeat
          ? [
              ['Runs', esc(describeTally(report.repeat.verdicts, report.repeat.count))],
              ['Outcomes', esc(describeTally(report.repeat.outcomes, report.repeat.count))],
              [`${callOf(report)} latency`, esc(describeSpread(report.repeat.connectLatencyMs))],
              ['Run time', esc(describeSpread(report.repeat.runMs))],
            ]
          : []),
      ],
    ),
    environmentTable(report.environment),
    table(
      ['Timeline', 'ms from start'],
      [
        ...TIMELINE_LABELS.filter(([key]) => typeof report.timeline[key] === 'number').map(([key, label]) => [
          label,
          (report.timeline[key] as number).toFixed(1),
        ]),
        ['hold (measured by the holder)', report.timeline.holdMs === null ? '-' : String(report.timeline.holdMs)],
        [`${callOf(report)} latency`, report.timeline.connectLatencyMs === null ? '-' : String(report.timeline.connectLatencyMs)],
        ['total', String(report.timeline.totalMs)],
      ],
    ),
    `Re-run:\n\n${codeBlock(report.command, 'sh')}`,
  );
  return `${sections.join('\n\n')}\n`;
}

export function environmentTable(env: Environment): string {
  return table(
    ['Environment', ''],
    [
      ['OS', esc(`${env.os} ${env.osVersion}`)],
      ['Arch', esc(env.arch)],
      ['Node.js', esc(env.node)],
      ['sc-repro', esc(env.scRepro)],
      ['pcsclite (npm)', esc(env.pcsclite ?? 'unknown')],
      ['PC/SC service', esc(env.pcscService ?? 'unknown')],
    ],
  );
}
