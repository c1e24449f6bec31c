// The signal lifecycle of every process sc-repro runs: SIGINT/SIGTERM abort
// the work, the command releases what it holds, and the process ends with
// 130/143, even when a PC/SC call never returns.
import { InterruptedError } from './errors.js';
import { EXIT, type ExitCode } from './exit-codes.js';

/**
 * Longest clean-up after SIGINT/SIGTERM before the process is made to exit: a
 * PC/SC call that never returns (a connect blocked by another process's
 * transaction, a hung driver) would otherwise keep it alive. Releasing a card
 * takes milliseconds, so this only ever cuts short a call that is stuck.
 */
export const INTERRUPT_GRACE_MS = 300;

type Signal = 'SIGINT' | 'SIGTERM';
const SIGNAL_EXIT: Record<Signal, ExitCode> = { SIGINT: EXIT.sigint, SIGTERM: EXIT.sigterm };

export interface Interrupt {
  signal: AbortSignal;
  /** 130/143 once a signal came. */
  exitCode(): ExitCode | undefined;
  /** `work`, or an InterruptedError as soon as a signal comes, whichever is first. */
  race<T>(work: Promise<T>, what: string): Promise<T>;
}

const beforeForcedExit = new Set<() => void>();

/** Runs `hook` if an interrupted process is made to exit (dying of a signal skips 'exit' listeners). */
export function onForcedExit(hook: () => void): void {
  beforeForcedExit.add(hook);
}

/**
 * Ends the process now, even with a PC/SC call stuck in a worker thread.
 * process.exit() would hang there: libuv joins its thread pool when the
 * process exits, and the stuck thread never returns. Dying of the signal
 * itself skips that, and a shell reports it as 130/143 all the same. Windows
 * has no such join and no signal to die of: there the exit code says it.
 */
function exitNow(signal: Signal): void {
  for (const hook of beforeForcedExit) hook();
  if (process.platform === 'win32') process.exit(SIGNAL_EXIT[signal]);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
}

/** SIGINT/SIGTERM abort the signal; the command releases and exits 130/143. */
export function interruptSignal(): Interrupt {
  const controller = new AbortController();
  let received: Signal | undefined;
  const on = (signal: Signal) =>
    process.once(signal, () => {
      received ??= signal;
      controller.abort('interrupted');
      // unref: a command that finished cleaning up exits on its own, sooner.
      setTimeout(() => exitNow(signal), INTERRUPT_GRACE_MS).unref();
    });
  on('SIGINT');
  on('SIGTERM');
  const interrupted = new Promise<Signal>((resolve) =>
    controller.signal.addEventListener('abort', () => resolve(received ?? 'SIGINT'), { once: true }),
  );
  return {
    signal: controller.signal,
    exitCode: () => (received ? SIGNAL_EXIT[received] : undefined),
    race: (work, what) =>
      Promise.race([
        work,
        interrupted.then((signal): never => {
          throw new InterruptedError(`interrupted ${what}`, signal);
        }),
      ]),
  };
}
