import { buildReport } from '../orchestrator/report.js';
import type { Scenario } from '../scenarios/types.js';
import { renderReproMarkdown } from '../render/repro-markdown.js';
import { renderReproText } from '../render/repro-text.js';
import { renderJson } from '../render/json.js';
import { runPlanCommand, type PlanCommandOptions } from './plan-command.js';

export interface ReproCommandOptions extends PlanCommandOptions {
  scenario: Scenario;
}

export function reproCommand({ scenario, ...options }: ReproCommandOptions): Promise<number> {
  return runPlanCommand(options, [scenario], {
    report: (plan, environment, commandLine, facts) => buildReport(scenario, plan.results[0]!.runs, environment, commandLine, plan, facts),
    renderers: { text: renderReproText, markdown: renderReproMarkdown, json: (report) => renderJson('repro', report.exitCode, report) },
    exitCode: (report) => report.exitCode,
    inconclusive: (report) =>
      report.verdict === 'inconclusive' ? { message: report.reason, ...(report.hint ? { hint: report.hint } : {}) } : null,
  });
}
