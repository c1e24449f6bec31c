// What the completion scripts offer, read from the commander program itself:
// every visible command and option, and the values that an option or an
// operand takes where they form a known list (scenario ids, share modes), so
// that a new command, option or scenario completes without a list kept by hand.
import type { Argument, Command, Option } from 'commander';
import type { CompletionCommand, CompletionOption, CompletionSpec, Completes } from '../render/completion.js';

/** 'commands': the program's command names, known only once every command exists. */
type Values = Completes | 'commands';
const valuesOf = new WeakMap<Option | Argument, Values>();

/** Says what a value of this option or operand can be, for the completion scripts. */
export function completes<T extends Option | Argument>(target: T, values: Values): T {
  valuesOf.set(target, values);
  return target;
}

export function completionSpec(program: Command): CompletionSpec {
  const help = program.createHelp();
  const commands = help.visibleCommands(program);
  const names = commands.map((command) => command.name());
  const resolve = (values: Values | undefined): Completes | null => (values === undefined ? null : values === 'commands' ? names : values);
  const option = (entry: Option): CompletionOption => ({
    flags: [entry.short, entry.long].filter((flag): flag is string => !!flag),
    description: entry.description,
    takesValue: entry.required || entry.optional,
    // A value named <file> or <path> in the option's own flags is a file name.
    values: resolve(valuesOf.get(entry) ?? (/<(file|path)>/.test(entry.flags) ? 'files' : undefined)),
  });
  return {
    program: program.name(),
    description: program.description(),
    options: help.visibleOptions(program).map(option),
    commands: commands.map(
      (command): CompletionCommand => ({
        name: command.name(),
        description: command.description(),
        options: help.visibleOptions(command).map(option),
        operands: resolve(command.registeredArguments[0] && valuesOf.get(command.registeredArguments[0])),
      }),
    ),
  };
}
