// The one place where a command's failure becomes output and an exit code.
import { EXIT } from './exit-codes.js';
import { exitCodeFor, reportFor } from './errors.js';
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

/** SIGINT/SIGTERM abort the signal; the command releases and exits 130/143. */
export function interruptSignal(): { signal: AbortSignal; exitCode: () => number | undefined } {
  const controller = new AbortController();
  let exitCode: number | undefined;
  const on = (name: NodeJS.Signals, code: number) =>
    process.once(name, () => {
      exitCode ??= code;
      controller.abort('interrupted');
    });
  on('SIGINT', EXIT.sigint);
  on('SIGTERM', EXIT.sigterm);
  return { signal: controller.signal, exitCode: () => exitCode };
}
