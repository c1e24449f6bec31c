// What the command line asks for, read from the words themselves, because a
// bad option can stop commander before it has seen --json (or the command).
import type { Command } from 'commander';
import { JSON_COMMANDS, type JsonCommand } from '../render/json.js';

/** The command whose --json output a usage error should take, when the command line asks for one. */
export function jsonRequestedBy(argv: readonly string[], program: Command): JsonCommand | null {
  const { command, after } = commandNamedBy(argv, program);
  const name = command?.options.some((option) => option.long === '--json')
    ? JSON_COMMANDS.find((json) => json === command.name())
    : undefined;
  return name && after.includes('--json') ? name : null;
}

/** The command the words name, and the words after it up to `--`. */
export function commandNamedBy(argv: readonly string[], program: Command): { command: Command | undefined; after: string[] } {
  const { word, after } = commandWordAt(argv, program);
  return { command: program.commands.find((candidate) => candidate.name() === word), after };
}

/** The word in the place of the command's name, read with the program's own options only: whether or not it names one. */
export function commandWord(argv: readonly string[], program: Command): string | undefined {
  return commandWordAt(argv, program).word;
}

function commandWordAt(argv: readonly string[], program: Command): { word: string | undefined; after: string[] } {
  const words = argv.slice(2);
  const end = words.indexOf('--');
  const options = end === -1 ? words : words.slice(0, end);
  // A global option that takes a value (--binding ffi): its value is not the command's name.
  const takesValue = new Set(program.options.filter((option) => option.required || option.optional).map((option) => option.long));
  const at = options.findIndex((word, index) => !word.startsWith('-') && !takesValue.has(options[index - 1]));
  return { word: at === -1 ? undefined : options[at], after: at === -1 ? [] : options.slice(at + 1) };
}
