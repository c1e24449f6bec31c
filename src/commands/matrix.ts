import { buildMatrixReport } from '../orchestrator/report.js';
import type { Scenario } from '../scenarios/types.js';
import { renderMatrixText } from '../render/matrix-text.js';
import { renderMatrixMarkdown } from '../render/matrix-markdown.js';
import { runPlanCommand, type PlanCommandOptions } from './plan-command.js';

export interface MatrixCommandOptions extends Omit<PlanCommandOptions, 'fullHold'> {
  scenarios: Scenario[];
}

export function matrixCommand({ scenarios, ...options }: MatrixCommandOptions): Promise<number> {
  return runPlanCommand({ ...options, fullHold: false }, scenarios, {
    report: buildMatrixReport,
    renderers: { text: renderMatrixText, markdown: renderMatrixMarkdown },
    exitCode: (report) => report.exitCode,
  });
}
