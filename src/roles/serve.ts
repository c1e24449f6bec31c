// A holder or contender kept warm across repetitions: one process with one
// PC/SC context and one call log for its whole life, carrying out the
// orchestrator's requests one at a time. Spawning two processes per repetition
// would cost more than the PC/SC calls being measured.
import { clockUncertaintyMs } from '../core/bounded-wait.js';
import { reportFor, type ErrorReport } from '../core/errors.js';
import { EXIT, type ExitCode } from '../core/exit-codes.js';
import { exitCodeFor } from '../core/errors.js';
import { interruptSignal } from '../core/interrupt.js';
import type { BindingInfo, PcscContext } from '../pcsc/binding.js';
import { binding } from '../pcsc/load-binding.js';
import { CallLog } from './call-log.js';
import type { ParentChannel } from './channel.js';
import { callsNeeded, StepRunner } from './steps.js';
import { takeHold, type Hold } from './holder.js';
import { rejection } from './protocol-checks.js';
import type { CallRecord, RequestsOf, RoleMessage, RoleName, RoleRequest, Unstamped } from './protocol.js';
import type { Step } from '../scenarios/types.js';

type Reply = Unstamped<RoleMessage>;

interface ServedRole<R extends RoleName> {
  handle(request: RequestsOf[R]): Promise<Reply>;
  /** Whatever the role still holds when it ends. */
  cleanup(): Promise<void>;
}

class RequestError extends Error {}

function holder(context: PcscContext, log: CallLog): ServedRole<'holder'> {
  let held: Hold | null = null;
  const release = async () => {
    const hold = held;
    held = null;
    return hold?.release();
  };
  return {
    async handle(request) {
      switch (request.type) {
        case 'hold': {
          await release();
          const options = { judgedStep: request.judgedStep, proveByStatus: request.proveByStatus };
          held = await takeHold(context, request.reader, request.plan, log, options);
          return { type: 'held', id: request.id, reader: request.reader, protocol: held.protocol, calls: held.calls };
        }
        case 'call':
          if (!held) throw new RequestError('nothing is held');
          return { type: 'called', id: request.id, call: await held.call(request.step) };
        case 'release': {
          const released = await release();
          return {
            type: 'released',
            id: request.id,
            heldMs: released?.heldMs ?? 0,
            releaseStartedAt: released?.releaseStartedAt ?? 0,
            calls: released?.calls ?? [],
          };
        }
      }
    },
    cleanup: async () => void (await release().catch(() => {})),
  };
}

function contender(context: PcscContext, log: CallLog, channel: ParentChannel): ServedRole<'contender'> {
  // The handle `prepare` opened, kept for the act that follows it.
  let prepared: StepRunner | null = null;
  const leave = async () => {
    const runner = prepared;
    prepared = null;
    return runner ? runner.leave() : null;
  };
  return {
    async handle(request) {
      switch (request.type) {
        case 'prepare': {
          await leave();
          const runner = new StepRunner(context, request.reader, log, callsNeeded([...request.steps, ...request.later]));
          prepared = runner;
          return { type: 'prepared', id: request.id, calls: await runSteps(runner, request.steps) };
        }
        case 'attempt': {
          const acting = log.span();
          try {
            const runner = prepared ?? new StepRunner(context, request.reader, log, callsNeeded(request.steps));
            prepared = runner;
            channel.send({ type: 'attempting', id: request.id, reader: request.reader });
            const calls = await runSteps(runner, request.steps);
            const left = await leave();
            const side = acting.records.filter((record) => record !== left && !calls.includes(record));
            return {
              type: 'attempted',
              id: request.id,
              reader: request.reader,
              calls,
              cleanup: left ? [left] : [],
              ...(side.length ? { side } : {}),
            };
          } finally {
            acting.end();
          }
        }
      }
    },
    cleanup: async () => void (await leave().catch(() => {})),
  };
}

/** The steps in order, up to and including the first that did not succeed. */
async function runSteps(runner: StepRunner, steps: readonly Step[]): Promise<CallRecord[]> {
  const records: CallRecord[] = [];
  for (const step of steps) {
    const record = await runner.run(step);
    records.push(record);
    if (record.rv !== 0 && !step.anyAnswer) break;
  }
  return records;
}

/** Serves `role` until the orchestrator goes away or a signal comes; resolves with the exit code. */
export async function serveRole(role: RoleName, channel: ParentChannel): Promise<ExitCode> {
  // Ctrl-C in a terminal, and the SIGHUP of a terminal that closes, reach the
  // whole process group, roles included: each releases what it holds. The
  // orchestrator's SIGTERM is how it ends a role that is stuck in a call.
  const interrupt = interruptSignal();
  const stopping = (error: ErrorReport, exitCode: ExitCode): ExitCode => {
    channel.send({ type: 'stopping', error, exitCode });
    return exitCode;
  };
  let context: PcscContext;
  let info: BindingInfo;
  try {
    const chosen = await binding();
    info = chosen.info;
    context = await chosen.openContext();
  } catch (error) {
    return stopping(reportFor(error), exitCodeFor(error));
  }
  const log = new CallLog();
  const served = (role === 'holder' ? holder(context, log) : contender(context, log, channel)) as ServedRole<RoleName>;
  let queue = Promise.resolve();
  channel.onReceive((value) => {
    // A malformed request is answered at once, even while a call of an earlier one has not returned.
    const rejected = rejection(value, role);
    if (rejected) return channel.send(rejected);
    const request = value as RoleRequest;
    queue = queue.then(async () => {
      const span = log.span();
      try {
        channel.send(await served.handle(request));
      } catch (error) {
        channel.send({ type: 'failed', id: request.id, error: reportFor(error), calls: span.records.slice() });
      } finally {
        span.end();
      }
    });
  });
  channel.send({ type: 'ready', role, binding: info, clockUncertaintyMs: clockUncertaintyMs() });
  const interrupted = new Promise<void>((resolve) => interrupt.signal.addEventListener('abort', () => resolve(), { once: true }));
  // A request stuck in a PC/SC call never settles the queue: a signal ends the wait.
  await Promise.race([channel.parentGone.then(() => queue), interrupted]);
  await served.cleanup();
  await context.close();
  const code = interrupt.exitCode();
  return code === undefined ? EXIT.ok : stopping({ message: 'interrupted' }, code);
}
