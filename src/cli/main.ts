// The CLI entry: parses the command line in one place and turns a usage error
// into one line (and, with --json, the error object) and exit 64. The program
// is program.ts; its commands, commands.ts. bin/sc-repro.cjs calls main()
// with the roles it may have started already (early-roles.ts).
import { CommanderError } from 'commander';
import { reportFor, UsageError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { onForcedExit } from '../core/interrupt.js';
import { oneLine, renderErrorLines } from '../render/errors.js';
import { renderJson } from '../render/json.js';
import { commandNamedBy, jsonRequestedBy } from './argv.js';
import { withHelpPointer } from './help-pointer.js';
import type { StartedRoles } from './early-roles.js';
import { buildProgram } from './program.js';
import { guardOutput } from './run-command.js';

export { buildProgram } from './program.js';
export { commandNamedBy, jsonRequestedBy } from './argv.js';

export async function main(argv: string[] = process.argv, started?: StartedRoles | null): Promise<void> {
  guardOutput();
  // A role started for a command that then never ran (bad usage, --help, a failure before the run) goes.
  if (started) onForcedExit(() => started.discard());
  const program = buildProgram(started ?? undefined, argv);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    // Help and version exit 0; every other parse error is one line, said here.
    if (error instanceof CommanderError && error.exitCode === 0) {
      process.exitCode = EXIT.ok;
      return;
    }
    if (!(error instanceof CommanderError) && !(error instanceof UsageError)) throw error;
    // No command at all: commander has shown the program's help on stderr, which says it all.
    if (error instanceof CommanderError && error.code === 'commander.help') {
      process.exitCode = EXIT.usage;
      return;
    }
    const named = commandNamedBy(argv, program).command?.name();
    const found = error instanceof UsageError ? reportFor(error) : { message: oneLine(error.message.replace(/^error: /, '')) };
    const report = { ...found, message: withHelpPointer(found.message, named === 'help' ? null : named) };
    process.stderr.write(`${renderErrorLines(report).join('\n')}\n`);
    const jsonCommand = jsonRequestedBy(argv, program);
    if (jsonCommand) process.stdout.write(renderJson(jsonCommand, EXIT.usage, report));
    process.exitCode = EXIT.usage;
  } finally {
    started?.discard();
  }
}
