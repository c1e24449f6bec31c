// Help that stands alone: each command's help lists the options that work with
// every command, lock and connect say what lock.py and connect.py were and
// where the write-up is, and nothing speaks of anything a user never saw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { EL_CAPITAN_SCARDCONNECT } from '../../src/scenarios/known-bugs.js';

function helpOf(command: Command): string {
  let shown = '';
  command.configureOutput({ writeOut: (text) => (shown += text) });
  command.outputHelp();
  return shown;
}

const program = buildProgram();
const commands = program.commands.filter((command) => command.name() !== 'help');

test("every command's help lists the global options", () => {
  assert.ok(commands.length >= 8);
  for (const command of commands) {
    const help = helpOf(command);
    assert.match(help, /Global Options:/, command.name());
    for (const flag of ['--binding <name>', '--pcsc-library <path>', '--no-color'])
      assert.ok(help.includes(flag), `${command.name()}: ${flag}`);
  }
});

test('lock and connect say what lock.py and connect.py were, with the write-up', () => {
  for (const name of ['lock', 'connect']) {
    const help = helpOf(commands.find((command) => command.name() === name)!);
    assert.match(
      help,
      /lock\.py and connect\.py are the two pyscard scripts that first reproduced the OS X 10\.11 El Capitan bug,\nrun by hand in two terminals/,
    );
    assert.ok(help.includes(EL_CAPITAN_SCARDCONNECT.reference), name);
    assert.ok(help.includes('docs/el-capitan-bug.md'), name);
    assert.match(help, new RegExp(`${name}\\.py`));
  }
});

test('no help speaks of a seed', () => {
  for (const command of [program, ...program.commands]) assert.doesNotMatch(helpOf(command), /\bseed/i, command.name());
});
