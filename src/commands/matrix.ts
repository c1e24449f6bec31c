import { EXIT } from '../core/exit-codes.js';
import { buildMatrixReport } from '../orchestrator/report.js';
import type { Scenario } from '../scenarios/types.js';
import { renderMatrixText } from '../render/matrix-text.js';
import { renderMatrixMarkdown } from '../render/matrix-markdown.js';
import { renderJson } from '../render/json.js';
import { runPlanCommand, type PlanCommandOptions } from './plan-command.js';

export interface MatrixCommandOptions extends Omit<PlanCommandOptions, 'fullHold'> {
  scenarios: Scenario[];
}

export function matrixCommand({ scenarios, ...options }: MatrixCommandOptions): Promise<number> {
  return runPlanCommand({ ...options, fullHold: false }, scenarios, {
    report: buildMatrixReport,
    renderers: { text: renderMatrixText, markdown: renderMatrixMarkdown, json: (report) => renderJson('matrix', report.exitCode, report) },
    exitCode: (report) => report.exitCode,
    inconclusive: (report) => {
      const rows = report.rows.filter((row) => row.verdict === 'inconclusive');
      if (report.exitCode !== EXIT.environment || rows.length === 0) return null;
      const more = rows.length > 1 ? ` (and ${rows.length - 1} more scenario${rows.length > 2 ? 's' : ''})` : '';
      return { message: `${rows[0]!.scenario.id}: ${rows[0]!.reason}${more}` };
    },
  });
}
