import type { ReproReport } from '../orchestrator/report.js';
import type { BindingFacts, Environment } from '../platform/environment.js';
import { codeBlock, escapeMarkdown as esc, table } from './markdown.js';
import { callOf, describeExpected, describeObserved, describePrecondition, describeSpread, describeTally, TIMELINE_LABELS } from './repro-text.js';

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
        ...(report.precondition.evidence ? [['Hold', esc(describePrecondition(report))]] : []),
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

/** e.g. `pcsclite 1.0.1 (libpcsclite.so.1)`, and the roles' own when one differs. */
export function describeBinding(binding: BindingFacts | null): string {
  if (!binding) return 'unknown';
  const own = `${binding.name}${binding.version ? ` ${binding.version}` : ''} (${binding.library})`;
  const { holder, contender } = binding.roles;
  return holder === binding.name && contender === binding.name ? own : `${own}; holder: ${holder ?? '-'}, contender: ${contender ?? '-'}`;
}

export function environmentTable(env: Environment): string {
  return table(
    ['Environment', ''],
    [
      ['OS', esc(`${env.os} ${env.osVersion}`)],
      ['Arch', esc(env.arch)],
      ['Node.js', esc(env.node)],
      ['sc-repro', esc(env.scRepro)],
      ['PC/SC binding', esc(describeBinding(env.binding))],
      ['PC/SC service', esc(env.pcscService ?? 'unknown')],
    ],
  );
}
