// The signal lifecycle of every process sc-repro runs: SIGINT/SIGTERM/SIGHUP
// abort the work, the command releases what it holds, and the process ends
// with 130/143/129, even when a PC/SC call never returns. The code a command
// says (in its report, its JSON, its error line) is the code it exits with.
import { InterruptedError } from './errors.js';
import { EXIT, type ExitCode } from './exit-codes.js';

/**
 * Longest clean-up after a signal before the process is made to exit: a
 * PC/SC call that never returns (a connect blocked by another process's
 * transaction, a hung driver) would otherwise keep it alive. Releasing a card
 * takes milliseconds, so this only ever cuts short a call that is stuck.
 */
export const INTERRUPT_GRACE_MS = 300;

/** A closed terminal (SIGHUP) ends a run as Ctrl-C does: what is held is released. */
export const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type InterruptSignal = (typeof INTERRUPT_SIGNALS)[number];
const SIGNAL_EXIT: Record<InterruptSignal, ExitCode> = { SIGINT: EXIT.sigint, SIGTERM: EXIT.sigterm, SIGHUP: EXIT.sighup };

export interface Interrupt {
  signal: AbortSignal;
  /** 130/143/129 once a signal came. */
  exitCode(): ExitCode | undefined;
  /**
   * The code to say and exit with: the signal's if one came, else `code`.
   * Called once the result is in hand and before it is shown; a signal after
   * that still stops what is left, but no longer changes the code.
   */
  settle(code: number): number;
  /** `work`, or an InterruptedError as soon as a signal comes, whichever is first. */
  race<T>(work: Promise<T>, what: string): Promise<T>;
}

const beforeForcedExit = new Set<() => void>();
/** The process's first signal: the one its exit code tells. */
let received: InterruptSignal | undefined;
/** The code the process has said, once it has. */
let settled: number | undefined;

/** Runs `hook` if an interrupted process is made to exit (dying of a signal skips 'exit' listeners). */
export function onForcedExit(hook: () => void): void {
  beforeForcedExit.add(hook);
}

/** The first signal that came to this process, whoever listens for it. */
export function interruptedBy(): InterruptSignal | undefined {
  return received;
}

/** 130/143/129 once a signal came to this process. */
export function signalExitCode(): ExitCode | undefined {
  return received ? SIGNAL_EXIT[received] : undefined;
}

/** Records the code the process ends with (the CLI, once a command is done), so that a late signal cannot change it. */
export function settleExitCode(code: number): void {
  settled = code;
}

/**
 * Ends the process now, even with a PC/SC call stuck in a worker thread.
 * process.exit() would hang there: libuv joins its thread pool when the
 * process exits, and the stuck thread never returns. Dying of the signal
 * itself skips that, and a shell reports it as 130/143/129 all the same. A
 * code already said that no signal tells (a verdict, shown before the signal
 * came) is kept with process.exit(): by then the result is in hand and no
 * call is in flight. Windows has no such join and no signal to die of: there
 * the exit code says it.
 */
function exitNow(): void {
  for (const hook of beforeForcedExit) hook();
  const code = settled ?? signalExitCode() ?? EXIT.sigint;
  const dieOf = INTERRUPT_SIGNALS.find((signal) => SIGNAL_EXIT[signal] === code);
  if (process.platform === 'win32' || !dieOf) process.exit(code);
  for (const signal of INTERRUPT_SIGNALS) process.removeAllListeners(signal);
  process.kill(process.pid, dieOf);
}

/** SIGINT/SIGTERM/SIGHUP abort the signal; the command releases and exits 130/143/129. */
export function interruptSignal(): Interrupt {
  const controller = new AbortController();
  let mine: InterruptSignal | undefined;
  for (const signal of INTERRUPT_SIGNALS) {
    process.once(signal, () => {
      received ??= signal;
      mine ??= signal;
      controller.abort('interrupted');
      // unref: a command that finished cleaning up exits on its own, sooner.
      setTimeout(exitNow, INTERRUPT_GRACE_MS).unref();
    });
  }
  const exitCode = () => (mine ? SIGNAL_EXIT[mine] : undefined);
  const interrupted = new Promise<InterruptSignal>((resolve) =>
    controller.signal.addEventListener('abort', () => resolve(mine ?? 'SIGINT'), { once: true }),
  );
  return {
    signal: controller.signal,
    exitCode,
    settle(code) {
      settled = exitCode() ?? code;
      return settled;
    },
    race: (work, what) =>
      Promise.race([
        work,
        interrupted.then((signal): never => {
          throw new InterruptedError(`interrupted ${what}`, signal);
        }),
      ]),
  };
}
