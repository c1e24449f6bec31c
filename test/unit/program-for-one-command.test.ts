// A command line that names a command builds the program with that command
// alone (commands.ts): the parse must come out the same as with every command,
// options, errors and all, and `help` and `completion` still see every command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommanderError } from 'commander';
import { buildProgram, commandNamedBy } from '../../src/cli/main.js';

const EVERY_COMMAND = [
  'repro',
  'matrix',
  'compare',
  'scenarios',
  'schema',
  'readers',
  'doctor',
  'lock',
  'connect',
  'virtual-card',
  'completion',
  'help',
];
const line = (...words: string[]) => ['node', 'sc-repro', ...words];
const names = (words: string[]) => buildProgram(undefined, line(...words)).commands.map((command) => command.name());

test('without a command line, or with one that names no command, every command is there, in the order help lists them', () => {
  assert.deepEqual(names([]), EVERY_COMMAND);
  assert.deepEqual(
    buildProgram().commands.map((command) => command.name()),
    EVERY_COMMAND,
  );
  assert.deepEqual(names(['--version']), EVERY_COMMAND);
  assert.deepEqual(names(['reprox', '--virtual']), EVERY_COMMAND);
});

test('a named command is built alone, also after global options and their values', () => {
  for (const name of EVERY_COMMAND.filter((command) => command !== 'help' && command !== 'completion')) {
    assert.deepEqual(names([name]), [name], name);
  }
  assert.deepEqual(names(['--binding', 'ffi', 'repro', '--virtual']), ['repro']);
  assert.deepEqual(names(['--no-color', '--pcsc-library', '/tmp/lib.so', 'matrix']), ['matrix']);
  // A global option's value that happens to be a command's name is not the command.
  assert.deepEqual(names(['--pcsc-library', 'lock', 'connect']), ['connect']);
});

test('help and completion read every other command, so they get them all', () => {
  assert.deepEqual(names(['help', 'repro']), EVERY_COMMAND);
  assert.deepEqual(names(['completion', 'bash']), EVERY_COMMAND);
});

/** What commander makes of the words: the options the command's action would get, or the error it stops with. */
async function parsed(program: ReturnType<typeof buildProgram>, words: string[]): Promise<unknown> {
  let options: unknown;
  commandNamedBy(line(...words), program).command!.action((...args: unknown[]) => {
    options = args.at(-2);
  });
  try {
    await program.parseAsync(line(...words));
    return { options, global: program.opts() };
  } catch (error) {
    // commander's own errors, and the UsageError of an option's parser (cli/options.ts).
    assert.ok(error instanceof Error, String(error));
    return { code: error instanceof CommanderError ? error.code : error.name, message: error.message };
  }
}

test('the parse of a command built alone is the one of the whole program: options, defaults and errors', async () => {
  const cases = [
    ['repro', '--virtual', '--hold', '3', '--json'],
    ['--binding', 'ffi', 'repro', '--reader', 'Virtual PCD 00 00', '--markdown'],
    ['repro', '--hold', 'soon'],
    ['repro', '--bogus'],
    ['repro', '--hld', '3'],
    ['matrix', '--virtual', '--repeat', '2'],
    ['connect', '--mode', 'exclusive', '--protocol', 't1'],
    ['lock', '--seconds', '1'],
  ];
  for (const words of cases) {
    const alone = await parsed(buildProgram(undefined, line(...words)), words);
    const whole = await parsed(buildProgram(), words);
    assert.deepEqual(alone, whole, words.join(' '));
  }
  // The cases do reach both outcomes.
  const outcomes = await Promise.all(cases.map((words) => parsed(buildProgram(), words)));
  assert.ok(outcomes.some((outcome) => 'options' in (outcome as object)));
  assert.ok(outcomes.some((outcome) => (outcome as { code?: string }).code === 'commander.unknownOption'));
  assert.ok(outcomes.some((outcome) => (outcome as { code?: string }).code === 'UsageError'));
});
