import { VERDICT_EXIT } from '../core/exit-codes.js';
import { buildReport } from '../orchestrator/report.js';
import type { Scenario } from '../scenarios/types.js';
import { renderReproMarkdown } from '../render/repro-markdown.js';
import { renderReproText } from '../render/repro-text.js';
import { runPlanCommand, type PlanCommandOptions } from './plan-command.js';

export interface ReproCommandOptions extends PlanCommandOptions {
  scenario: Scenario;
}

export function reproCommand({ scenario, ...options }: ReproCommandOptions): Promise<number> {
  return runPlanCommand(options, [scenario], {
    report: (plan, environment, command) => buildReport(scenario, plan.results[0]!.runs, environment, command, plan),
    renderers: { text: renderReproText, markdown: renderReproMarkdown },
    exitCode: (report) => VERDICT_EXIT[report.verdict],
    inconclusive: (report) => (report.verdict === 'inconclusive' ? { message: report.reason, ...(report.hint ? { hint: report.hint } : {}) } : null),
  });
}
