// What `repro` and `matrix` share: Ctrl-C handling, the progress line, the
// built-in card for --virtual (or the person at the terminal for card
// scenarios), running the plan, the facts a report needs, and emitting it.
import { EXIT } from '../core/exit-codes.js';
import { interruptSignal } from '../core/interrupt.js';
import type { ReaderSelector } from '../pcsc/select-reader.js';
import { osEnvironment, withStackFacts, type Environment } from '../platform/environment.js';
import { pcscStackFacts } from '../platform/pcsc-stack.js';
import { configuredDriver, readerDriver } from '../orchestrator/reader-driver.js';
import { runPlan, type PlanOptions, type PlanOutcome } from '../orchestrator/run-plan.js';
import type { CardControl } from '../orchestrator/run-types.js';
import { shellQuote, type ReportFacts } from '../orchestrator/report.js';
import type { Scenario } from '../scenarios/types.js';
import { waitingText } from '../render/card-wait.js';
import { renderErrorLines } from '../render/errors.js';
import { startProgress } from '../render/spinner.js';
import { VIRTUAL_READER_NAME, withBuiltInCard } from './built-in-card.js';
import { personAtTerminal, promptedCard } from './prompted-card.js';
import { emitReport, type OutputTarget, type Renderers, type ReportFormat } from './report-output.js';

export interface PlanCommandOptions
  extends Pick<
    PlanOptions,
    | 'holdSeconds'
    | 'fullHold'
    | 'timeoutSeconds'
    | 'blockedAfterSeconds'
    | 'holderEnv'
    | 'contenderEnv'
    | 'repeat'
    | 'waitCardSeconds'
    | 'trace'
    | 'roles'
  > {
  reader?: ReaderSelector;
  virtual: boolean;
  /** What the terminal shows, and the format of an --output file whose extension names none. */
  format: ReportFormat;
  /** Every --output, each written from the same run. */
  outputs: readonly OutputTarget[];
  argv: string[];
}

export interface PlanReporting<T> {
  report(plan: PlanOutcome, environment: Environment, commandLine: string, facts: ReportFacts): T;
  renderers: Renderers<T>;
  exitCode(report: T): number;
  /** Why the run could not be judged, if it could not: also said on stderr, where scripts and logs look. */
  inconclusive(report: T): { message: string; hint?: string } | null;
}

export async function runPlanCommand<T extends { exitCode: number }>(
  options: PlanCommandOptions,
  scenarios: readonly Scenario[],
  reporting: PlanReporting<T>,
): Promise<number> {
  const interrupt = interruptSignal();
  const progress = options.format === 'text' || options.outputs.length > 0 ? await startProgress('preparing') : undefined;
  const { virtual, format, outputs, argv, ...run } = options;
  const single = scenarios.length * options.repeat === 1;
  // The driver's configuration is files only: read while the runs go on; its attributes after them.
  let configured: ReturnType<typeof configuredDriver> | undefined;
  // The OS probes start once the reader is chosen, while the roles (what the run waits for) are still
  // starting; the PC/SC stack's once the roles said which library they loaded. The observer's context listing readers is the service answering: no context of its own for that.
  let environment: Promise<Environment> | undefined;
  let serviceAnswered = false;
  const collect = (answered: boolean) => {
    serviceAnswered ||= answered;
    environment ??= osEnvironment();
    return environment;
  };
  const execute = async (card?: CardControl) => {
    const plan = await runPlan({
      ...run,
      scenarios,
      card,
      reader: virtual ? { name: VIRTUAL_READER_NAME } : options.reader,
      signal: interrupt.signal,
      onPhase: single ? (phase) => progress?.update(phase) : undefined,
      onProgress: single ? undefined : (done, total) => progress?.update(`run ${done}/${total}`),
      onWaitingForCard: (reader, seconds) => progress?.update(waitingText(reader, seconds)),
      onReader: (reader) => {
        void collect(true);
        configured = configuredDriver(reader);
      },
    });
    try {
      // The stack that answered: the library the roles loaded, and the service behind the socket it connects to.
      // Learnt while the roles end, as is the reader's driver, once the runs are over and while the built-in card is still in.
      const ran = plan.roleBindings.holder ?? plan.roleBindings.contender;
      const stack = pcscStackFacts(serviceAnswered, ran?.library ?? null);
      const driver =
        plan.reader && !interrupt.signal.aborted
          ? await readerDriver(plan.reader, configured)
          : { driver: null, reason: 'no reader was chosen' };
      return { plan, driver, stack: await stack };
    } finally {
      // No role may still hold the reader when the built-in card comes out, or when the command ends.
      await plan.stopped;
    }
  };
  try {
    const { plan, driver, stack } = virtual
      ? await withBuiltInCard(options.timeoutSeconds, execute)
      : // Scenarios that take the card out: the person at the terminal; with nobody there they are inconclusive.
        await execute(personAtTerminal() ? promptedCard(progress) : undefined);
    progress?.stop();
    // The roles make the PC/SC calls: the report names the binding they reported.
    const { holder, contender } = plan.roleBindings;
    const ran = holder ?? contender;
    const collected = withStackFacts(await collect(false), stack);
    const facts: Environment = {
      ...collected,
      binding: ran ? { ...ran, roles: { holder: holder?.name ?? null, contender: contender?.name ?? null } } : null,
      unavailable: {
        ...collected.unavailable,
        ...(ran ? {} : { binding: 'the run ended before either role was ready to say' }),
        ...(driver.reason ? { 'reader.driver': driver.reason } : {}),
      },
    };
    const report = reporting.report(plan, facts, shellQuote(['sc-repro', ...argv]), { driver: driver.driver });
    // One code, said once: after a signal the report, its JSON and the exit all tell the signal's code.
    const verdictCode = reporting.exitCode(report);
    const code = interrupt.settle(verdictCode);
    const delivery = await emitReport({ ...report, exitCode: code }, reporting.renderers, format, outputs);
    // An interrupted run says so in one line of its own (runCommand); otherwise why it could not be judged.
    const cause = code === verdictCode ? reporting.inconclusive(report) : null;
    // On a terminal the text report already says why; elsewhere stderr is where scripts and logs look.
    if (cause && !delivery.textOnTerminal) process.stderr.write(`${renderErrorLines(cause, 'inconclusive').join('\n')}\n`);
    return delivery.written ? code : EXIT.environment;
  } finally {
    progress?.stop();
  }
}
