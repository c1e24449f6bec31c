// What `repro` and `matrix` share: Ctrl-C handling, the progress line, the
// built-in card for --virtual, running the plan, and emitting the report.
import { EXIT } from '../core/exit-codes.js';
import { interruptSignal } from '../core/interrupt.js';
import type { ReaderSelector } from '../pcsc/select-reader.js';
import { collectEnvironment, type Environment } from '../platform/environment.js';
import { runPlan, type PlanOptions, type PlanResult } from '../orchestrator/run-plan.js';
import type { CardControl } from '../orchestrator/run-scenario.js';
import { shellQuote } from '../orchestrator/report.js';
import type { Scenario } from '../scenarios/types.js';
import { waitingText } from '../render/card-wait.js';
import { renderErrorLines } from '../render/errors.js';
import { startProgress } from '../render/spinner.js';
import { VIRTUAL_READER_NAME, withBuiltInCard } from './built-in-card.js';
import { personAtTerminal, promptedCard } from './prompted-card.js';
import { emitReport, type Renderers, type ReportFormat } from './report-output.js';

export interface PlanCommandOptions
  extends Pick<PlanOptions, 'holdSeconds' | 'fullHold' | 'timeoutSeconds' | 'blockedAfterSeconds' | 'holderEnv' | 'contenderEnv' | 'repeat' | 'waitCardSeconds'> {
  reader?: ReaderSelector;
  virtual: boolean;
  format: ReportFormat;
  output?: string;
  argv: string[];
}

export interface PlanReporting<T> {
  report(plan: PlanResult, environment: Environment, command: string): T;
  renderers: Renderers<T>;
  exitCode(report: T): number;
  /** Why the run could not be judged, if it could not: also said on stderr, where scripts and logs look. */
  inconclusive(report: T): { message: string; hint?: string } | null;
}

export async function runPlanCommand<T>(options: PlanCommandOptions, scenarios: readonly Scenario[], reporting: PlanReporting<T>): Promise<number> {
  const interrupt = interruptSignal();
  const progress = options.format === 'text' || options.output ? await startProgress('preparing') : undefined;
  const { virtual, format, output, argv, ...run } = options;
  const single = scenarios.length * options.repeat === 1;
  const execute = (card?: CardControl) =>
    runPlan({
      ...run,
      scenarios,
      card,
      reader: virtual ? { name: VIRTUAL_READER_NAME } : options.reader,
      signal: interrupt.signal,
      onPhase: single ? (phase) => progress?.update(phase) : undefined,
      onProgress: single ? undefined : (done, total) => progress?.update(`run ${done}/${total}`),
      onWaitingForCard: (reader, seconds) => progress?.update(waitingText(reader, seconds)),
    });
  try {
    // The environment probes run while the roles start and the runs go on.
    const environment = collectEnvironment();
    // Scenarios that take the card out: the built-in card, or the person at the terminal; with neither they are inconclusive.
    const plan = virtual
      ? await withBuiltInCard(options.timeoutSeconds, execute)
      : await execute(personAtTerminal() ? promptedCard(progress) : undefined);
    progress?.stop();
    // The roles make the PC/SC calls: the report names the binding they reported.
    const { holder, contender } = plan.roleBindings;
    const ran = holder ?? contender;
    const facts = { ...(await environment), binding: ran ? { ...ran, roles: { holder: holder?.name ?? null, contender: contender?.name ?? null } } : null };
    const report = reporting.report(plan, facts, shellQuote(['sc-repro', ...argv]));
    const delivered = await emitReport(report, reporting.renderers, format, output);
    const cause = reporting.inconclusive(report);
    if (cause) process.stderr.write(`${renderErrorLines(cause, 'inconclusive').join('\n')}\n`);
    return interrupt.exitCode() ?? (delivered ? reporting.exitCode(report) : EXIT.environment);
  } finally {
    progress?.stop();
  }
}
