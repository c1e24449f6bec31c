// The one place where a command's failure becomes output and an exit code.
import { EXIT, type ExitCode } from './exit-codes.js';
import { exitCodeFor, InterruptedError, reportFor } from './errors.js';
import { renderErrorLines } from '../render/errors.js';

export interface CommandContext {
  json: boolean;
}

/**
 * Runs a command body. Failures print one line on stderr (and, with --json, one
 * object on stdout); the process then ends on its own with process.exitCode,
 * because an exit forced while a native thread is alive would hide a leak.
 */
export async function runCommand(context: CommandContext, body: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (error) {
    const code = exitCodeFor(error);
    const report = reportFor(error);
    if (context.json && code !== EXIT.usage) {
      process.stdout.write(`${JSON.stringify({ ok: false, exitCode: code, ...report })}\n`);
    }
    process.stderr.write(`${renderErrorLines(report).join('\n')}\n`);
    // Users get one line; a stack is for debugging sc-repro itself, on request.
    if (process.env.SC_REPRO_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = code;
  }
}

/**
 * Longest clean-up after SIGINT/SIGTERM before the process is made to exit: a
 * PC/SC call that never returns (a connect blocked by another process's
 * transaction, a hung driver) would otherwise keep it alive. Releasing a card
 * takes milliseconds, so this only ever cuts short a call that is stuck.
 */
export const INTERRUPT_GRACE_MS = 300;

export interface Interrupt {
  signal: AbortSignal;
  exitCode: () => ExitCode | undefined;
  /** `work`, or an InterruptedError as soon as a signal comes, whichever is first. */
  race<T>(work: Promise<T>, what: string): Promise<T>;
}

const beforeForcedExit = new Set<() => void>();

/** Runs `hook` if an interrupted command is made to exit (dying of a signal skips 'exit' listeners). */
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
function exitNow(signal: NodeJS.Signals, code: ExitCode): void {
  for (const hook of beforeForcedExit) hook();
  if (process.platform === 'win32') process.exit(code);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
}

/** SIGINT/SIGTERM abort the signal; the command releases and exits 130/143. */
export function interruptSignal(): Interrupt {
  const controller = new AbortController();
  let exitCode: ExitCode | undefined;
  const on = (name: NodeJS.Signals, code: ExitCode) =>
    process.once(name, () => {
      exitCode ??= code;
      controller.abort('interrupted');
      // unref: a command that finished cleaning up exits on its own, sooner.
      setTimeout(() => exitNow(name, code), INTERRUPT_GRACE_MS).unref();
    });
  on('SIGINT', EXIT.sigint);
  on('SIGTERM', EXIT.sigterm);
  const interrupted = new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
  return {
    signal: controller.signal,
    exitCode: () => exitCode,
    race: (work, what) =>
      Promise.race([
        work,
        interrupted.then((): never => {
          throw new InterruptedError(`interrupted ${what}`, exitCode!);
        }),
      ]),
  };
}
