// The one place where a command's result or failure becomes an exit code, and
// where output that cannot be delivered is dealt with.
import { exitCodeFor, reportFor, UsageError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { interruptedBy, settleExitCode, signalExitCode } from '../core/interrupt.js';
import { handlesLeftOpen } from '../pcsc/load-binding.js';
import { renderErrorLines } from '../render/errors.js';
import { renderJson, type JsonCommand } from '../render/json.js';
import { withHelpPointer } from './help-pointer.js';

let stdoutFailure: NodeJS.ErrnoException | null = null;

/**
 * A reader that goes away (`sc-repro repro | head -1`) is not an error: the
 * rest of the output is dropped quietly and the exit code stays the
 * command's. Any other failure to write (a full disk, an I/O error) means the
 * result was not delivered: one line on stderr and exit 2.
 */
export function guardOutput(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || stdoutFailure) return;
    stdoutFailure = error;
    // A closed terminal fails stdout too: the signal that came with it is what the exit code tells.
    if (signalExitCode() === undefined) process.exitCode = EXIT.environment;
    process.stderr.write(`${renderErrorLines({ message: `could not write the output (${error.code ?? error.message})` }).join('\n')}\n`);
  });
  // Nowhere left to say anything: stderr's own failures are dropped.
  process.stderr.on('error', () => {});
}

export interface CommandContext {
  json: boolean;
  /** The command's name in the --json envelope. */
  command: JsonCommand;
}

/**
 * Runs a command body. Failures print one line on stderr (and, with --json, one
 * object on stdout); the process then ends on its own with process.exitCode,
 * because an exit forced while a native thread is alive would hide a leak.
 */
export async function runCommand(context: CommandContext, body: () => Promise<number> | number): Promise<void> {
  let code: number;
  let failed = false;
  try {
    code = await body();
  } catch (error) {
    failed = true;
    // Whatever broke once a signal came (a call cut short, a role gone), the signal is why the command stopped.
    code = signalExitCode() ?? exitCodeFor(error);
    const found = reportFor(error);
    const report = error instanceof UsageError ? { ...found, message: withHelpPointer(found.message, context.command) } : found;
    if (context.json) process.stdout.write(renderJson(context.command, code, report));
    process.stderr.write(`${renderErrorLines(report).join('\n')}\n`);
    // Users get one line; a stack is for debugging sc-repro itself, on request.
    if (process.env.SC_REPRO_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  }
  // A command that stopped on a signal and still had its say (a report, a release) says on stderr why it stopped short.
  const signal = interruptedBy();
  if (!failed && signal && code === signalExitCode())
    process.stderr.write(`${renderErrorLines({ message: `${signal} (exit ${code})` }, 'interrupted').join('\n')}\n`);
  const final = stdoutFailure && signalExitCode() === undefined ? EXIT.environment : code;
  settleExitCode(final);
  process.exitCode = final;
  // After the last callback, Node's own teardown (some ms) takes a signal's default action and would end
  // the process with another code than the one said. By 'beforeExit' nothing is left running, so ending
  // there cannot hide a leak: a native thread or handle still alive keeps 'beforeExit' from coming at all.
  // process.exitCode, not `final`: stdout can still fail after this (a full disk), which guardOutput records.
  process.once('beforeExit', () => process.exit(process.exitCode ?? final));
  // The one known exception: a native handle the PC/SC binding could not close (pcsc/handles-left-open.ts)
  // keeps 'beforeExit' from ever coming. The command's work is done and said: end here.
  if (handlesLeftOpen() > 0) setImmediate(() => process.exit(process.exitCode ?? final));
}
